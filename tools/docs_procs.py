"""nbdev doc processor for notebooks committed with their outputs (configured in pyproject.toml `[tool.nbdev]`).

nbdev's `exec_show_docs` re-runs every exported cell and every cell with an import in a fresh shell to fill in the
`show_doc` cells; a cell that imports something and then uses a name from an example cell it skipped fails, and the
cells it re-runs lose their saved outputs. Here the notebooks carry their outputs already (tools/save_outputs.py), so
`exec_show_docs_saved` imports the notebook's exported modules instead and runs only the `show_doc` (and `exec_doc`)
cells: the same `show_doc` markdown, nothing else re-run. Both `make docs` and Quarto's `nbdev-docs` use it."""
import re
from fastcore.basics import str2bool
from nbdev.process import Processor
from execnb.shell import CaptureShell

_re_exp = re.compile(r'^\s*#\|\s*(?:default_exp|export|exports|exporti)\s+([\w.]+)\s*$', re.M)
_re_showdoc = re.compile(r'^show_doc\(', re.M)


def _modules(path, lib='egonb'):
    "Modules the cells of the notebook at `path` export to (from `default_exp` and `export <module>` directives)."
    from fastcore.nbio import read_nb
    mods = []
    for c in read_nb(path).cells:
        if c.cell_type != 'code': continue
        for m in _re_exp.findall(c.source):
            m = m if m.startswith(lib + '.') else f'{lib}.{m}'
            m = m.removesuffix('.__init__')
            if m not in mods: mods.append(m)
    return mods


class exec_show_docs_saved(Processor):
    "Fill the `show_doc` cells from the notebook's exported modules, keeping every other cell's saved outputs"
    def begin(self):
        from nbdev.config import get_config
        self.k = None
        fm = getattr(self.nb, 'frontmatter_', {})
        if str2bool(fm.get('skip_showdoc', False)): return
        lib = get_config().lib_name
        self.k = CaptureShell()
        self.k.run_cell('from nbdev.showdoc import show_doc')
        for m in _modules(self.nb.path_, lib):   # the directives are gone from `self.nb` by now
            # its public names, and the names `import *` leaves out that show_doc may want (module `__getattr__` ...)
            self.k.run_cell(f'from {m} import *\nimport importlib as _il\n'
                            f'globals().update({{k: v for k, v in vars(_il.import_module({m!r})).items() if k not in globals()}})')
            if self.k.exc: raise Exception(f'Could not import {m} for the docs: {type(self.k.exc).__name__}: {self.k.exc}')

    def __call__(self, cell):
        if self.k is None or cell.cell_type != 'code': return
        if not (_re_showdoc.search(cell.source) or 'exec_doc' in getattr(cell, 'directives_', {})): return
        self.k.cell(cell)
        if (e := self.k.exc): raise Exception(f'Error in cell {cell.idx_}:\n{cell.source}\n{type(e).__name__}: {e}') from e
