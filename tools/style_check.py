"""Style check for the chapters (fastcore rhythm): `python tools/style_check.py [nbs/X.ipynb ...] [--verbose]`.

Reports, per notebook (default: all `nbs/*.ipynb`):
  long  code lines of 120 characters or more;
  semi  `;`-joined statements (a `;` OP token found with `tokenize`, so never one inside a string or comment; an
        IPython trailing `;` that only hides a cell's output counts too: the chapters don't use it);
  multi exported cells (`#| export`, `#| exports`, `#| exporti`) defining more than one top-level public name: `def`,
        `async def`, `class`, `@patch` methods included (`@patch`ed dunder methods count too); private helpers (`_x`)
        are allowed next to their one user and are not counted, nor are a module's `__getattr__` / `__dir__` hooks;
  bare  exported cells defining a public name followed by no example/test cell (a code cell that is neither exported nor
        only imports) before the next exported cell that defines a public name (exported cells of private helpers in
        between belong to the definition before them).
Exits with status 1 when a notebook not in EXEMPT has a long line or a `;` statement; `multi` and `bare` are reported
for the record (the chapters are being split) but do not fail the check.
"""
import ast, io, json, re, sys, tokenize
from pathlib import Path

MAX_LEN = 120      # a line of MAX_LEN characters or more is too long
# Notebooks not yet cleaned: reported, never failing. Empty it as chapters are cleaned.
EXEMPT = set()
_EXPORT = re.compile(r"^#\|\s*export[si]?\s*$", re.M)

def _src(cell): return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]

def _python(src):
    "The cell's source with IPython lines (`%magic`, `!shell`) blanked, so that `tokenize` and `ast` can read it."
    return "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in src.splitlines())

def semicolons(src):
    "Line numbers (1-based) of `;` statement separators in `src`, found by `tokenize` (not inside strings)."
    try: toks = list(tokenize.generate_tokens(io.StringIO(_python(src) + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError): return []
    return [t.start[0] for t in toks if t.type == tokenize.OP and t.string == ";"]

def long_lines(src, max_len=MAX_LEN):
    "Line numbers (1-based) of lines of `max_len` characters or more."
    return [i for i, l in enumerate(src.splitlines(), 1) if len(l) >= max_len]

def _patched(n): return any("patch" in ast.unparse(d) for d in getattr(n, "decorator_list", []))

def public_defs(src):
    """Top-level public definitions in `src`: function and class names not starting with `_`, and `@patch`ed dunder
    methods (a module's own `__getattr__` / `__dir__` hooks are not API)."""
    try: tree = ast.parse(_python(src))
    except SyntaxError: return []
    defs = (n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
    return [n.name for n in defs if not n.name.startswith("_") or (n.name.startswith("__") and _patched(n))]

def is_export(src): return bool(_EXPORT.search(src))

def _only_imports(src):
    try: tree = ast.parse(_python(src))
    except SyntaxError: return False
    return all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)

def is_example(src):
    "A code cell that shows or tests something: not exported, not a `default_exp` header, not only imports."
    if is_export(src) or re.search(r"^#\|\s*default_exp", src, re.M): return False
    code = "\n".join(l for l in src.splitlines() if not l.lstrip().startswith("#"))
    return bool(code.strip()) and not _only_imports(code)

def check(path):
    "Findings for one notebook: dict of lists of (cell index, line or names)."
    cells = json.loads(Path(path).read_text())["cells"]
    res = dict(long=[], semi=[], multi=[], bare=[])
    code = [(i, _src(c)) for i, c in enumerate(cells) if c["cell_type"] == "code"]
    for k, (i, src) in enumerate(code):
        res["long"] += [(i, n) for n in long_lines(src)]
        res["semi"] += [(i, n) for n in semicolons(src)]
        if not is_export(src): continue
        names = public_defs(src)
        if len(names) > 1: res["multi"].append((i, names))
        following = []
        for _, s in code[k+1:]:
            if is_export(s) and public_defs(s): break   # a cell of private helpers belongs to the definition before
            following.append(s)
        if names and not any(is_example(s) for s in following): res["bare"].append((i, names))
    return res

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    verbose = "--verbose" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")] or sorted(Path("nbs").glob("*.ipynb"))
    failed, totals = [], dict(long=0, semi=0, multi=0, bare=0)
    for p in paths:
        res = check(p)
        for k in totals: totals[k] += len(res[k])
        exempt = p.name in EXEMPT
        bad = bool(res["long"] or res["semi"])
        if bad and not exempt: failed.append(p.name)
        if any(res.values()) and (verbose or (bad and not exempt)):
            counts = ", ".join(f"{k} {len(v)}" for k, v in res.items())
            print(f"{p.name}{' (exempt)' if exempt else ''}: {counts}")
            for k in ("long", "semi"):
                for i, n in res[k]: print(f"  cell {i} line {n}: {'120+ characters' if k == 'long' else '; statement'}")
            if verbose:
                for i, names in res["multi"]: print(f"  cell {i}: exported cell defines {', '.join(names)}")
                for i, names in res["bare"]: print(f"  cell {i}: exported cell ({', '.join(names) or 'no defs'}) "
                                                   "has no example/test cell after it")
    print(f"style check: {len(paths)} notebooks, {totals['long']} long lines, {totals['semi']} ';' statements, "
          f"{totals['multi']} multi-definition exported cells, {totals['bare']} exported cells without example/test"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0

if __name__ == "__main__": sys.exit(main())
