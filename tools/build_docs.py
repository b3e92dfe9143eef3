"""Build the doc site offline into `_docs/`: `python tools/build_docs.py` (`make docs`).

The notebooks go through nbdev's own doc processing (`nbdev.serve.proc_nbs` with the processors in pyproject.toml:
`show_doc` signatures and docstrings after each exported definition, `#| hide` cells dropped, exported cells folded,
names in backticks linked), into `_proc/`, the same step Quarto's `nbdev-docs` starts from. Quarto cannot be installed
everywhere, so nbconvert then renders each processed notebook to HTML (saved outputs included: figures, tables, text)
and this script puts a sidebar around it, one page per chapter in chapter order, `index.html` from `index.ipynb`.
Links to other chapters become relative; `[source]` links go to highlighted copies of the library under `src/`.
The GitHub Pages workflow keeps using Quarto (`nbdev-docs`) on the same notebooks."""
import argparse, ast, html, json, re, shutil, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def page_name(nb_path):
    "The page a notebook becomes, as nbdev and Quarto name it (`02_decode.ipynb` -> `decode.html`)."
    from nbdev.config import nbpath2html
    return nbpath2html(Path(nb_path)).name


def pandoc_id(text):
    "The id pandoc (so Quarto) gives a heading: lower case, punctuation but `_-.` dropped, spaces as hyphens."
    t = re.sub(r'<[^>]+>', '', html.unescape(text)).strip().lower()
    t = re.sub(r'[^\w\s.-]', '', t)
    t = re.sub(r'\s+', '-', t)
    t = re.sub(r'^[^a-z]+', '', t)
    return t or 'section'


def def_lines(py):
    "Line numbers of the top-level functions and classes (and class members as `Class.name`) in file `py`."
    d = {}
    tree = ast.parse(Path(py).read_text(encoding='utf-8'))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for t in tree.body:
        if not isinstance(t, kinds): continue
        patched = [dec for dec in getattr(t, 'decorator_list', []) if isinstance(dec, ast.Name) and dec.id == 'patch']
        if patched and t.args.args and t.args.args[0].annotation is not None:
            ann = ast.unparse(t.args.args[0].annotation)
            d[f'{ann}.{t.name}'] = t.lineno
        else: d.setdefault(t.name, t.lineno)
        if isinstance(t, ast.ClassDef):
            for m in t.body:
                if isinstance(m, kinds): d[f'{t.name}.{m.name}'] = m.lineno
    return d


# --- Quarto markdown -> plain markdown/HTML ------------------------------------------------------------------------

_re_attr_link = re.compile(r'\[([^\]]+)\]\(([^)\s]+)\)\{[^}\n]*\}')
_re_fdiv = re.compile(r'^:::+\s*(\{[^}]*\})?\s*$', re.M)


def unquarto_md(md):
    "Markdown with Quarto's link attributes (`[source](u){target=...}`) and fenced divs (`:::`) removed."
    md = _re_attr_link.sub(lambda m: f'[{m.group(1)}]({m.group(2)})', md)
    return _re_fdiv.sub('', md)


_re_dir = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')


def cell_options(src):
    "Quarto cell options (`#| echo: false` ...) of a code cell and its source without them."
    opts, keep = {}, []
    for l in src.splitlines():
        m = _re_dir.match(l)
        if m and l.lstrip().startswith('#|'): opts[m.group(1)] = m.group(2).strip('"\'').lower()
        else: keep.append(l)
    return opts, '\n'.join(keep).strip('\n')


def prepare_nb(nb):
    "Frontmatter of a processed notebook, with its cells made ready for nbconvert (options turned into tags)."
    import yaml
    fm, cells = {}, []
    for c in nb.cells:
        for k in [k for k in c if k not in ('id', 'cell_type', 'metadata', 'source', 'outputs', 'execution_count', 'attachments')]:
            del c[k]   # nbdev's processors leave marks such as `has_sd`
        c.metadata = {k: v for k, v in c.metadata.items() if k == 'tags'}
        for o in c.get('outputs', []):
            if 'execution_count' in o: o['execution_count'] = None
        if c.cell_type == 'raw' and c.source.lstrip().startswith('---'):
            fm.update(yaml.safe_load(c.source.strip().strip('-')) or {})
            continue
        if c.cell_type == 'markdown':
            c.source = unquarto_md(c.source)
            if not c.source.strip() or c.source.strip().startswith('<!-- WARNING'): continue
        elif c.cell_type == 'code':
            opts, c.source = cell_options(c.source)
            tags = set(c.metadata.get('tags', []))
            if opts.get('include') == 'false': continue
            if opts.get('echo') == 'false' or not c.source.strip(): tags.add('remove_input')
            if opts.get('output') == 'false': tags.add('remove_output')
            if opts.get('code-fold') in ('show', 'true'): tags.add('code_fold')
            if re.match(r'^show_doc\(', c.source): tags |= {'remove_input', 'show_doc'}
            for o in c.get('outputs', []):
                d = o.get('data', {})
                if 'text/markdown' in d:
                    d['text/markdown'] = unquarto_md(d['text/markdown'])
                    d.pop('text/plain', None)
            if 'remove_input' in tags and not c.get('outputs'): continue
            c.metadata['tags'] = sorted(tags)
        cells.append(c)
    nb.cells = cells
    return fm


def exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config
    cfg = Config()
    cfg.TagRemovePreprocessor.enabled = True
    cfg.TagRemovePreprocessor.remove_input_tags = {'remove_input'}
    cfg.TagRemovePreprocessor.remove_all_outputs_tags = {'remove_output'}
    cfg.HTMLExporter.exclude_input_prompt = True
    cfg.HTMLExporter.exclude_output_prompt = True
    return HTMLExporter(config=cfg, template_name='basic')


# --- links ---------------------------------------------------------------------------------------------------------

def fix_ids(body):
    "Heading ids as pandoc makes them; a `show_doc` heading keeps the plain name when a section has the same title."
    chunks = re.split(r'(?=<div class="cell )', body)
    used = {}
    def _hid(m):
        lvl, text = m.group(1), re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', '', m.group(3))
        i = pandoc_id(text)
        n = used.get(i, 0)
        used[i] = n + 1
        if n: i = f'{i}-{n}'
        return f'<h{lvl} id="{html.escape(i)}">{text}<a class="anchor-link" href="#{html.escape(i)}">¶</a></h{lvl}>'
    hre = re.compile(r'<h([1-6]) id="([^"]*)"[^>]*>(.*?)</h\1>', re.S)
    is_doc = ['celltag_show_doc' in c[:300] for c in chunks]
    for k in (True, False):
        for j, c in enumerate(chunks):
            if is_doc[j] == k: chunks[j] = hre.sub(_hid, c)
    return ''.join(chunks)


def fix_html(body, cfg, lines):
    "Heading ids as Quarto makes them; links to the hosted docs made relative; `[source]` links to the local copy."
    body = fix_ids(body)
    host = f"{cfg.doc_host.rstrip('/')}/{cfg.doc_baseurl.strip('/')}/".replace('//', '/').replace(':/', '://')
    body = body.replace(f'href="{host}', 'href="')
    gh = f"{cfg.git_url.rstrip('/')}/blob/{cfg.branch}/"
    def _src(m):
        path, frag = m.group(1), m.group(2) or ''
        frag = f'#L-{frag[2:]}' if frag[2:].isdigit() else ''
        return f'href="src/{path}.html{frag}" class="source-link"'
    body = re.sub(rf'href="{re.escape(gh)}([^"#]+)(#L\w+)?"(?: target="_blank")?', _src, body)
    # `[source]` of a show_doc block: point at the definition's line (nbdev's own link has no line number here)
    def _line(m):
        block = m.group(0)
        name = re.search(r'<h3 id="[^"]*">(.*?)<a class="anchor-link"', block)
        src = re.search(r'href="src/([^"#]+)\.html[^"]*" class="source-link"', block)
        if not (name and src): return block
        ln = lines.get(src.group(1), {}).get(html.unescape(re.sub('<[^>]+>', '', name.group(1))).strip())
        if ln: block = re.sub(r'href="src/([^"#]+)\.html[^"]*" class="source-link"', rf'href="src/\1.html#L-{ln}" class="source-link"', block)
        return block
    body = re.sub(r'<a href="src/[^"]+" class="source-link">source</a>.*?</h3>', _line, body, flags=re.S)
    body = re.sub(r'href="(\d+[a-zA-Z0-9]*_)?([\w-]+)\.ipynb(#[^"]*)?"', lambda m: f'href="{m.group(2).lower()}.html{m.group(3) or ""}"', body)
    # private names are not documented (no show_doc): their backtick links become plain code
    body = re.sub(r'<a href="[\w-]+\.html#_[^"]*">(<code>.*?</code>)</a>', r'\1', body)
    return body


def relink_members(out, pages):
    "Links to `Class.member` anchors that no page has (members are documented with their class) go to the class."
    ids = {p: set(re.findall(r' id="([^"]+)"', (out/p).read_text(encoding='utf-8'))) for p in pages}
    def _fix(m):
        page, anchor = m.group(1), m.group(2)
        if page in ids and anchor not in ids[page] and '.' in anchor and anchor.split('.')[0] in ids[page]:
            return f'href="{page}#{anchor.split(".")[0]}"'
        return m.group(0)
    for p in pages:
        t = (out/p).read_text(encoding='utf-8')
        t2 = re.sub(r'href="([\w-]+\.html)#([^"]+)"', _fix, t)
        if t2 != t: (out/p).write_text(t2, encoding='utf-8')


def mark_blocks(body):
    "Give each show_doc output the `doc-block` class (a box, as on Quarto's nbdev pages)."
    return re.sub(r'class="cell ([^"]*celltag_show_doc[^"]*)"', r'class="cell doc-block \1"', body)


# --- pages ---------------------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {site}</title>
<link rel="stylesheet" href="styles.css">
</head><body>
<header class="topbar"><a class="brand" href="index.html">{site}</a><span class="tagline">{tagline}</span>
<a class="repo" href="{repo}">GitHub</a></header>
<div class="layout">
<nav class="sidebar" aria-label="chapters">{nav}</nav>
<main class="content" data-page="{page}">
<header class="page-head"><h1 class="title">{title}</h1>{desc}</header>
{body}
<footer class="page-foot">{prev}{next}<p class="built">Built by <code>make docs</code> from <code>nbs/{nb}</code>
with nbdev's doc processors and nbconvert.</p></footer>
</main></div></body></html>
"""

CSS = """
:root { --accent: #2c6fbb; --border: #dde3ea; --muted: #5b6673; --bg-code: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
.topbar { position: sticky; top: 0; z-index: 2; display: flex; gap: 1rem; align-items: baseline; padding: .6rem 1.2rem;
          background: var(--accent); color: white; }
.topbar a { color: white; } .brand { font-weight: 700; font-size: 1.15rem; } .tagline { opacity: .85; font-size: .9rem; flex: 1; }
.layout { display: flex; align-items: flex-start; }
.sidebar { position: sticky; top: 2.8rem; flex: 0 0 250px; height: calc(100vh - 2.8rem); overflow-y: auto;
           padding: 1rem .8rem; border-right: 1px solid var(--border); font-size: .9rem; background: #fbfcfd; }
.sidebar ol { list-style: none; margin: 0; padding: 0; } .sidebar li { margin: .1rem 0; }
.sidebar a { display: block; padding: .15rem .5rem; border-radius: 4px; color: #24292f; }
.sidebar a.current { background: #e3edf9; color: var(--accent); font-weight: 600; }
.sidebar ol ol { margin: .1rem 0 .4rem .8rem; font-size: .85rem; } .sidebar ol ol a { color: var(--muted); }
.sidebar .num { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .3rem; }
.content { flex: 1; min-width: 0; max-width: 1000px; padding: 1rem 2rem 3rem; }
.page-head .title { margin: .3rem 0; font-size: 2rem; } .description { color: var(--muted); font-size: 1.05rem; margin-top: 0; }
h2 { border-bottom: 1px solid var(--border); padding-bottom: .2rem; margin-top: 2rem; }
.anchor-link { visibility: hidden; margin-left: .3rem; font-size: .8em; } h1:hover .anchor-link, h2:hover .anchor-link,
h3:hover .anchor-link, h4:hover .anchor-link { visibility: visible; }
pre { background: var(--bg-code); padding: .6rem .8rem; border-radius: 6px; overflow-x: auto; font-size: .85rem; line-height: 1.4; margin: .4rem 0; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: .88em; }
p code, li code, td code { background: var(--bg-code); padding: .05rem .25rem; border-radius: 3px; }
.cell { margin: .6rem 0; } .input_area .highlight pre { border-left: 3px solid #c8d6e6; }
.output_subarea pre { background: white; border: 1px solid var(--border); max-height: 32rem; }
.output_subarea img { max-width: 100%; height: auto; border: 1px solid var(--border); border-radius: 4px; }
.output_stderr pre, .output_error pre { background: #fff5f5; }
.doc-block { border: 1px solid var(--border); border-radius: 8px; padding: .2rem 1rem; margin: 1.2rem 0 .6rem;
             box-shadow: 0 1px 2px rgba(0,0,0,.05); background: #fff; }
.doc-block hr { display: none; } .doc-block h3 { margin: .5rem 0 .3rem; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.doc-block pre { background: #f3f6fa; border: none; }
a.source-link { float: right; font-size: .8rem; margin-top: .7rem; }
details.exported > summary { cursor: pointer; color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .88rem; } th, td { border: 1px solid var(--border); padding: .25rem .5rem; text-align: left; }
th { background: var(--bg-code); }
.page-foot { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--border); overflow: hidden; }
.page-foot .prev { float: left; } .page-foot .next { float: right; } .built { clear: both; color: var(--muted); font-size: .8rem; padding-top: 1rem; }
.srcview .highlight pre { font-size: .8rem; } .srcview .linenos { color: #8c959f; user-select: none; }
.srcview td.linenos pre { background: none; border: none; } .srcview span.hll { background: #fff8c5; }
@media (max-width: 800px) { .sidebar { display: none; } .content { padding: 1rem; } }
"""


def inline_md(s):
    "HTML of a one-line description: escaped, with `code` in backticks."
    return re.sub(r'`([^`]+)`', r'<code>\1</code>', html.escape(str(s)))


def nav_html(pages, current, headings):
    items = []
    for i, p in enumerate(pages):
        cur = ' class="current"' if p['page'] == current else ''
        num = '' if p['page'] == 'index.html' else f'<span class="num">{p["num"]}</span>'
        sub = ''
        if p['page'] == current and headings:
            sub = '<ol>' + ''.join(f'<li><a href="#{i}">{t}</a></li>' for i, t in headings) + '</ol>'
        items.append(f'<li><a href="{p["page"]}"{cur}>{num}{html.escape(p["title"])}</a>{sub}</li>')
    items.append('<li><a href="src/index.html">Library source</a></li>')
    return '<ol>' + ''.join(items) + '</ol>'


def fold_exports(body):
    "Exported source cells (Quarto's `code-fold: show`) as an open `<details>`."
    return re.sub(r'(<div class="cell [^"]*celltag_code_fold[^"]*"[^>]*>\s*)(<div class="input">.*?</pre></div>\s*</div>\s*</div>\s*</div>)',
                  r'\1<details class="exported" open><summary>Exported source</summary>\2</details>', body, flags=re.S)


def source_pages(out, cfg):
    "Highlighted copies of the library modules under `out/src/`, with line anchors `#L-n`; returns their paths."
    from pygments import highlight
    from pygments.lexers import PythonLexer
    from pygments.formatters import HtmlFormatter
    lib = Path(cfg.lib_path)
    files = sorted(p for p in lib.rglob('*.py') if '__pycache__' not in p.parts and p.name != '_modidx.py')
    rels = []
    for p in files:
        rel = p.relative_to(lib.parent).as_posix()
        depth = rel.count('/') + 1
        up = '../' * depth
        code = highlight(p.read_text(encoding='utf-8'), PythonLexer(),
                         HtmlFormatter(linenos='table', lineanchors='L', anchorlinenos=True, wrapcode=True))
        dst = out/'src'/f'{rel}.html'
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{rel}</title>'
                       f'<link rel="stylesheet" href="{up}styles.css"></head><body><header class="topbar">'
                       f'<a class="brand" href="{up}index.html">{cfg.title}</a><span class="tagline">{rel}</span></header>'
                       f'<main class="content srcview"><h1 class="title">{rel}</h1>{code}</main></body></html>\n', encoding='utf-8')
        rels.append(rel)
    (out/'src'/'egonb').mkdir(parents=True, exist_ok=True)
    (out/'src'/'index.html').write_text(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Library source</title>'
        f'<link rel="stylesheet" href="../styles.css"></head><body><header class="topbar"><a class="brand" href="../index.html">'
        f'{cfg.title}</a><span class="tagline">library source</span></header><main class="content"><h1 class="title">'
        f'Library source</h1><p>Generated by <code>nbdev-export</code> from the notebooks; do not edit.</p><ul>'
        + ''.join(f'<li><a href="{r}.html">{r}</a></li>' for r in rels) + '</ul></main></body></html>\n', encoding='utf-8')
    return rels


def title_cell_leftovers(nb_path):
    "Lines of a notebook's title cell that nbdev's frontmatter step drops from the docs (all but `# title`, `> ...`, `- k: v`)."
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    md = next((c for c in nb['cells'] if c['cell_type'] == 'markdown'), None)
    if md is None: return []
    src = ''.join(md['source'])
    if not re.search(r'^#\s+\S', src, re.M): return []
    return [l for l in src.splitlines() if l.strip() and not re.match(r'^(#\s|>\s|-\s+\S.*:)', l)]


def build(force=False, out=None):
    from nbdev.config import get_config
    from nbdev.serve import proc_nbs
    import nbformat
    from pygments.formatters import HtmlFormatter
    cfg = get_config()
    out = Path(out or cfg.doc_path)
    t0 = time.time()
    cache = proc_nbs(str(cfg.nbs_path), n_workers=0, force=force)
    print(f'nbdev doc processing: {time.time()-t0:.0f}s -> {cache}', flush=True)
    nbs = sorted(cfg.nbs_path.glob('*.ipynb'), key=lambda p: (p.name != cfg.readme_nb, p.name))
    for p in nbs:
        if lost := title_cell_leftovers(p):
            print(f'WARNING: {p.name}: nbdev makes the title cell frontmatter and drops its other {len(lost)} lines from the '
                  f'page ({lost[0][:60]!r}...): move them into a markdown cell of their own')
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out/'styles.css').write_text(CSS + HtmlFormatter(style='default').get_style_defs('.highlight') + '\n', encoding='utf-8')
    lines = {}
    for rel in source_pages(out, cfg): lines[rel] = def_lines(cfg.lib_path.parent/rel)
    ex, pages = exporter(), []
    for p in nbs:
        nb = nbformat.read(cache/p.name, as_version=4)
        fm = prepare_nb(nb)
        pages.append(dict(nb=p.name, page=page_name(p), fm=fm, title=fm.get('title') or p.stem,
                          num=re.match(r'^(\d+[a-zA-Z0-9]*)_', p.name).group(1) if re.match(r'^\d', p.name) else '', nbobj=nb))
    for i, pg in enumerate(pages):
        body, _ = ex.from_notebook_node(pg['nbobj'])
        body = fold_exports(mark_blocks(fix_html(body, cfg, lines)))
        heads = [(m.group(1), re.sub(r'<[^>]+>', '', m.group(2)).replace('¶', '').strip())
                 for m in re.finditer(r'<h2 id="([^"]*)">(.*?)</h2>', body, re.S)]
        prev = f'<a class="prev" href="{pages[i-1]["page"]}">← {html.escape(pages[i-1]["title"])}</a>' if i else ''
        nxt = f'<a class="next" href="{pages[i+1]["page"]}">{html.escape(pages[i+1]["title"])} →</a>' if i + 1 < len(pages) else ''
        desc = pg['fm'].get('description')
        (out/pg['page']).write_text(PAGE.format(
            title=html.escape(pg['title']), site=html.escape(cfg.title), tagline=html.escape(cfg.get('description', '')),
            repo=cfg.git_url, nav=nav_html(pages, pg['page'], heads), page=pg['page'],
            desc=f'<p class="description">{inline_md(desc)}</p>' if desc else '', body=body,
            prev=prev, next=nxt, nb=pg['nb']), encoding='utf-8')
    relink_members(out, [p['page'] for p in pages])
    (out/'pages.json').write_text(json.dumps([dict(page=p['page'], nb=p['nb'], title=p['title']) for p in pages], indent=1) + '\n')
    print(f'{len(pages)} pages and {len(lines)} source pages in {out} ({time.time()-t0:.0f}s)')
    return out


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--force', action='store_true', help="reprocess every notebook (ignore nbdev's _proc cache)")
    ap.add_argument('--output_dir', default=None, help='where the site goes (default: _docs)')
    a = ap.parse_args()
    build(a.force, a.output_dir)
