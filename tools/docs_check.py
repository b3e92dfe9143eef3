"""Check the doc site, the demo report and JupyterLab in headless Chromium: `python tools/docs_check.py` (`make docs-check`).

Opens every page of `_docs/` (built by `make docs`) and `outputs/demo/index.html` (written by `make demo`) and takes a
screenshot of each into `_docs/screenshots/`. Fails on a broken internal link (missing page or anchor), an image that
does not load, a page showing a Python traceback or raw `show_doc`/Quarto markup, a public function or class of the
library without its documented signature and docstring on its chapter's page, and a demo report that is not
self-contained or misses a stage. Then it starts JupyterLab on the notebooks, opens the keyframes chapter, runs the
cells up to its widget browser cell and that cell, and checks that the widget rendered in the page.

Needs Chromium (Debian's `chromium`, or $CHROMIUM) and the `playwright` Python package (the `docs` extra). Without
them it prints `docs-check SKIPPED: <why>` and exits with status 3: never a silent pass."""
import argparse, html.parser, importlib, json, os, re, secrets, shutil, socket, subprocess, sys, tempfile, time
from pathlib import Path
from urllib.parse import urlparse, unquote

ROOT = Path(__file__).resolve().parents[1]
SKIP = 3
VIEW = dict(width=1280, height=900)
MAX_SHOT_H = 6000
RAW_MARKUP = [(r'show_doc\(', 'show_doc call'), (r'\{target=', 'Quarto link attributes'), (r'(?m)^:::', 'Quarto fenced div'),
              (r'(?m)^#\|', 'cell directive'), (r'Traceback \(most recent call last\)', 'Python traceback')]
DEMO_STAGES = ['videos', 'similarity', 'keyframes', 'transcripts', 'captions', 'detections']


def skip(why):
    print(f'docs-check SKIPPED: {why}')
    sys.exit(SKIP)


def find_chromium():
    for c in [os.environ.get('CHROMIUM'), shutil.which('chromium'), shutil.which('chromium-browser'), '/usr/bin/chromium']:
        if c and Path(c).exists(): return c


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ('id', 'name') and v: self.ids.add(v)


_ids_cache = {}
def ids_of(path):
    "Element ids (and anchor names) in the HTML file at `path`."
    path = Path(path)
    if path not in _ids_cache:
        p = _Ids()
        p.feed(path.read_text(encoding='utf-8'))
        _ids_cache[path] = p.ids
    return _ids_cache[path]


def check_links(page_file, hrefs, root):
    "Broken internal links among `hrefs` (absolute URLs as the browser resolved them) of `page_file`."
    bad = []
    for h in hrefs:
        u = urlparse(h)
        if u.scheme in ('http', 'https', 'mailto'): continue   # external: offline, not checked
        if u.scheme != 'file': bad.append(f'{h}: unexpected link'); continue
        target = Path(unquote(u.path))
        if not target.exists(): bad.append(f'{h}: no such page'); continue
        if target.is_dir() and (target/'index.html').exists(): target = target/'index.html'
        if u.fragment and target.suffix == '.html' and unquote(u.fragment) not in ids_of(target):
            bad.append(f'{target.relative_to(root) if target.is_relative_to(root) else target}#{u.fragment}: no such anchor')
    return bad


PAGE_JS = """() => {
  const imgs = [...document.images].map(i => ({src: i.src.slice(0, 80), ok: i.complete && i.naturalWidth > 0}));
  const hrefs = [...document.querySelectorAll('a[href]')].map(a => a.href);
  const code = [...document.querySelectorAll('.input_area, pre')].map(e => e.innerText).join('\\n');
  const text = document.body.innerText;
  const stderr = document.querySelectorAll('.output_stderr, .output_error').length;
  const blocks = {};
  for (const b of document.querySelectorAll('.doc-block')) {
    const h = b.querySelector('h3[id]');
    if (!h) continue;
    const sig = b.querySelector('pre') ? b.querySelector('pre').innerText : '';
    const doc = [...b.querySelectorAll('p, td, li')].map(e => e.innerText).join(' ').trim();
    blocks[h.id] = {sig, doc};
  }
  return {imgs, hrefs, text, code, stderr, blocks, height: document.documentElement.scrollHeight};
}"""


def shot(page, path):
    h = min(page.evaluate('document.documentElement.scrollHeight'), MAX_SHOT_H)
    page.screenshot(path=str(path), full_page=True, clip=dict(x=0, y=0, width=VIEW['width'], height=h))


def public_api():
    "`{page: {anchor: qualified name}}` for every public function and class of the library (in a module's `__all__`)."
    from nbdev.config import get_config
    lib = get_config().lib_name
    idx = importlib.import_module(f'{lib}._modidx').d['syms']
    want = {}
    for mod, syms in idx.items():
        try: m = importlib.import_module(mod)
        except Exception as e: want.setdefault('<import>', {})[mod] = f'{type(e).__name__}: {e}'; continue
        public = set(getattr(m, '__all__', []))
        for q, (doc, _) in syms.items():
            name = q[len(mod) + 1:]
            if '.' in name or name not in public: continue       # methods are documented with their class
            page, _, anchor = doc.partition('#')
            want.setdefault(page, {})[anchor] = q
    return want


def check_docs(browser, docs, shots):
    "Open every page of the site; returns {page: [problems]}."
    problems = {}
    pages = json.loads((docs/'pages.json').read_text())
    api = public_api()
    for mod, err in api.pop('<import>', {}).items(): problems.setdefault('<library>', []).append(f'cannot import {mod}: {err}')
    ctx = browser.new_context(viewport=VIEW)
    page = ctx.new_page()
    errors = []
    page.on('pageerror', lambda e: errors.append(str(e)))
    files = [docs/p['page'] for p in pages] + sorted((docs/'src').rglob('*.html'))
    for f in files:
        errors.clear()
        page.goto(f.as_uri())
        page.wait_for_load_state('load')
        r = page.evaluate(PAGE_JS)
        rel = f.relative_to(docs).as_posix()
        pr = [f'image not loaded: {i["src"]}' for i in r['imgs'] if not i['ok']]
        pr += check_links(f, r['hrefs'], docs)
        if not rel.startswith('src/'):
            prose = r['text'].replace(r['code'], '') if r['code'] else r['text']
            for rx, what in RAW_MARKUP:
                src = r['text'] if what == 'Python traceback' else prose
                if re.search(rx, src): pr.append(f'{what} shown on the page')
            if r['stderr']: pr.append(f'{r["stderr"]} error outputs shown')
            for anchor, q in api.get(rel, {}).items():
                b = r['blocks'].get(anchor)
                name = q.rsplit('.', 1)[-1]
                if b is None: pr.append(f'{q}: not documented (no show_doc block #{anchor})')
                elif name not in b['sig']: pr.append(f'{q}: no signature in its doc block')
                elif not b['doc']: pr.append(f'{q}: no docstring')
            pr += [f'JavaScript error: {e}' for e in errors]
            shot(page, shots/f'{f.stem}.png')
        if pr: problems[rel] = pr
        print(f'  {rel:40} {"ok" if not pr else f"{len(pr)} problems"}', flush=True)
    missing = sorted(set(api) - {p['page'] for p in pages})
    for m in missing: problems.setdefault(m, []).append(f'no page for {len(api[m])} public names: {", ".join(list(api[m].values())[:5])}')
    ctx.close()
    return problems


def check_demo(browser, report, shots):
    "Open the demo report; it must load offline with every stage and its model named."
    if not report.exists(): return [f'{report} not found: run `make demo` first']
    ctx = browser.new_context(viewport=VIEW, offline=True)
    page = ctx.new_page()
    requests = []
    page.on('request', lambda q: requests.append(q.url) if not q.url.startswith(('data:', 'file:')) else None)
    page.goto(report.resolve().as_uri())
    page.wait_for_load_state('load')
    r = page.evaluate("""() => ({
      imgs: [...document.images].map(i => ({src: i.src.slice(0, 40), ok: i.complete && i.naturalWidth > 0})),
      sections: Object.fromEntries([...document.querySelectorAll('section[id]')].map(s => [s.id, s.innerText])),
      text: document.body.innerText})""")
    pr = [f'image not loaded: {i["src"]}' for i in r['imgs'] if not i['ok']]
    pr += [f'image not embedded: {i["src"]}' for i in r['imgs'] if not i['src'].startswith('data:')]
    pr += [f'external request: {u}' for u in requests]
    for s in DEMO_STAGES:
        t = r['sections'].get(s)
        if t is None: pr.append(f'no section {s!r}'); continue
        if not re.search(r'(?i)model', t): pr.append(f'section {s!r} does not name its model')
        if not re.search(r'(?i)real weights|random weights|no model weights|not run', t): pr.append(f'section {s!r} does not say real or random weights')
    if re.search(r'Traceback \(most recent call last\)', r['text']): pr.append('Python traceback shown')
    shot(page, shots/'demo_report.png')
    ctx.close()
    return pr


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def check_lab(browser, shots, nb='09_keyframes.ipynb', marker='aks_browser(', timeout=600):
    "Start JupyterLab on nbs/, open `nb`, run the cells up to the widget cell (source with `marker`) and check the widget."
    import urllib.request
    nbs = ROOT/'nbs'
    src = json.loads((nbs/nb).read_text(encoding='utf-8'))
    idx = [i for i, c in enumerate(src['cells']) if c['cell_type'] == 'code' and marker in ''.join(c['source'])
           and 'def ' not in ''.join(c['source'])]
    if not idx: return [f'{nb}: no cell calls {marker}']
    idx = idx[0]
    before = (nbs/nb).read_bytes()
    tmp = Path(tempfile.mkdtemp(prefix='egonb-lab-'))
    settings = tmp/'settings'/'@jupyterlab'/'docmanager-extension'
    settings.mkdir(parents=True)
    (settings/'plugin.jupyterlab-settings').write_text('{"autosave": false}')   # never write the notebook
    news = tmp/"settings"/"@jupyterlab"/"apputils-extension"
    news.mkdir(parents=True)
    (news/"notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')   # no news pop-up over the page
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, 'JUPYTERLAB_SETTINGS_DIR': str(tmp/'settings'), 'JUPYTERLAB_WORKSPACES_DIR': str(tmp/'ws'),
           'JUPYTER_RUNTIME_DIR': str(tmp/'rt'), 'EGONB_OFFLINE': '1', 'HF_HUB_OFFLINE': '1',
           'PYTHONPATH': os.pathsep.join([str(ROOT), *filter(None, [os.environ.get('PYTHONPATH')])])}
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', f'--port={port}', '--ip=127.0.0.1', f'--IdentityProvider.token={token}',
           f'--ServerApp.root_dir={nbs}', '--LabApp.expose_app_in_browser=True', '--ServerApp.open_browser=False']
    if hasattr(os, 'geteuid') and os.geteuid() == 0: cmd.append('--allow-root')
    log = open(tmp/'lab.log', 'w')
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    pr = []
    try:
        base = f'http://127.0.0.1:{port}'
        for _ in range(120):
            if proc.poll() is not None: break
            try:
                urllib.request.urlopen(f'{base}/api/status?token={token}', timeout=2)
                break
            except Exception: time.sleep(1)
        else: proc.kill()
        if proc.poll() is not None:
            log.flush()
            return [f'JupyterLab did not start: ' + ' | '.join((tmp/'lab.log').read_text().splitlines()[-3:])]
        ctx = browser.new_context(viewport=dict(width=1400, height=1000))
        page = ctx.new_page()
        page.goto(f'{base}/lab/tree/{nb}?token={token}')
        page.wait_for_function('window.jupyterapp && window.jupyterapp.shell.currentWidget && '
                               'window.jupyterapp.shell.currentWidget.context && '
                               'window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel', timeout=180_000)
        page.wait_for_function('window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === "idle"', timeout=180_000)
        t0 = time.time()
        ok = page.evaluate("""async (idx) => {
          const app = window.jupyterapp, panel = app.shell.currentWidget, nb = panel.content;
          nb.activeCellIndex = idx;
          await app.commands.execute('notebook:run-all-above');
          nb.activeCellIndex = idx;
          return await app.commands.execute('notebook:run-cell');
        }""", idx)
        sel = f'.jp-Notebook .jp-Cell:nth-child({idx + 1}) .jp-OutputArea'
        try:
            page.wait_for_selector(f'{sel} .widget-slider, {sel} .jupyter-widgets.widget-inline-hbox', timeout=timeout * 1000)
        except Exception as e:
            pr.append(f'{nb}: the widget of cell {idx} did not render ({type(e).__name__}; run ok: {ok})')
        info = page.evaluate("""(sel) => { const o = document.querySelector(sel); if (!o) return null;
          return {text: o.innerText.slice(0, 400), slider: !!o.querySelector('.widget-slider'),
                  imgs: [...o.querySelectorAll('img')].filter(i => i.naturalWidth > 0).length,
                  errors: o.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]').length};}""", sel)
        errs = page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                                 .map(e => e.innerText).filter(t => /Error|Traceback/.test(t)).map(t => t.slice(0, 300))""")
        pr += [f'{nb}: error output: {e}' for e in errs]
        if info and not pr:
            if not info['slider']: pr.append(f'{nb}: no slider in the widget output')
            if info['imgs'] < 1: pr.append(f'{nb}: the widget shows no figure')
        print(f'  JupyterLab {nb} cell {idx}: ran in {time.time()-t0:.0f}s, widget: {info}', flush=True)
        page.evaluate(f"document.querySelector('{sel}').scrollIntoView()")
        page.screenshot(path=str(shots/'jupyterlab_widget.png'))
        page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        ctx.close()
    finally:
        proc.terminate()
        try: proc.wait(20)
        except subprocess.TimeoutExpired: proc.kill()
        log.close()
        if (nbs/nb).read_bytes() != before:   # JupyterLab must not have saved it; put it back if it did
            (nbs/nb).write_bytes(before)
            pr.append(f'{nb} was changed by JupyterLab (restored)')
        if pr: pr.append(f'JupyterLab log: {tmp/"lab.log"}')
        else: shutil.rmtree(tmp, ignore_errors=True)
    return pr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--docs', default=str(ROOT/'_docs'), help='built doc site')
    ap.add_argument('--demo', default=str(ROOT/'outputs/demo/index.html'), help='demo report')
    ap.add_argument('--parts', default='docs,demo,lab', help='which checks to run: docs, demo, lab (comma-separated)')
    a = ap.parse_args()
    chromium = find_chromium()
    if not chromium: skip('Chromium not found (apt-get install -y chromium, or set CHROMIUM=/path/to/chrome)')
    try: from playwright.sync_api import sync_playwright
    except ImportError: skip('the playwright package is not installed (pip install -e ".[docs]")')
    docs = Path(a.docs)
    if not (docs/'pages.json').exists(): sys.exit(f'{docs}/pages.json not found: run `make docs` first')
    shots = docs/'screenshots'
    shots.mkdir(parents=True, exist_ok=True)
    if set(a.parts.split(',')) >= {'docs', 'demo', 'lab'}:
        for f in shots.glob('*.png'): f.unlink()   # a full check starts from no screenshots
    t0, problems = time.time(), {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'])
        print(f'Chromium {browser.version}')
        parts = set(a.parts.split(','))
        if 'docs' in parts: problems.update(check_docs(browser, docs, shots))
        if 'demo' in parts:
            print('demo report')
            if pr := check_demo(browser, Path(a.demo), shots): problems['demo report'] = pr
        if 'lab' in parts:
            print('JupyterLab')
            if pr := check_lab(browser, shots): problems['JupyterLab'] = pr
        browser.close()
    n = sum(map(len, problems.values()))
    for k, v in problems.items():
        print(f'{k}:')
        for x in v[:30]: print(f'   {x}')
        if len(v) > 30: print(f'   ... and {len(v) - 30} more')
    print(f'\ndocs-check: {len(list(shots.glob("*.png")))} screenshots in {shots}; {n} problems ({time.time()-t0:.0f}s)')
    sys.exit(1 if n else 0)


if __name__ == '__main__': main()
