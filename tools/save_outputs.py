"""Run notebooks and save their outputs into them, small enough to commit: `python tools/save_outputs.py [NB ...]`.

Each notebook runs in its own process the way `nbdev-test` runs it (same skipped `#| slow`/`gpu`/`notest` cells, same
working folder, `IN_TEST` set, nothing downloaded); then its outputs are made small and stable before it is written:

- figures become PNGs at most `MAX_W` pixels wide, quantised to a 256-colour palette (a plot is 20-80 kB);
- progress bars and other stderr are dropped, and so are widget views and widget state (the text form stays);
- text outputs are capped at `MAX_LINES` lines / `MAX_CHARS` characters, HTML at `MAX_HTML` characters;
- this checkout's path and temporary folders are written as `.` and `/tmp/tmpXXXXXXXX`, so reruns differ little.

Then `nbdev-clean` cleans the notebook as usual (it keeps outputs). A notebook whose run fails is left unchanged.
`--check` changes nothing: it fails when a committed notebook has outputs over these limits (used by sync_check.sh)."""
import argparse, base64, io, json, os, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_W, MAX_LINES, MAX_CHARS, MAX_HTML = 900, 40, 4000, 20000
MAX_IMG_BYTES, MAX_NB_BYTES = 250_000, 1_500_000      # limits --check enforces on committed notebooks
DPI = 72                                              # matplotlib figure dpi while saving outputs
WIDGET_MIMES = ('application/vnd.jupyter.widget-view+json', 'application/vnd.jupyter.widget-state+json')
MACHINE_PATHS = [str(ROOT)] + ([str(Path.home()) + '/'] if str(Path.home()) != '/' else [])
TMP_RE = re.compile(r'/tmp/tmp[\w-]+')
HEX_RE = re.compile(r' at 0x[0-9a-fA-F]+')


def small_png(b64, max_w=MAX_W):
    "`b64` PNG scaled down to at most `max_w` pixels wide and quantised to a 256-colour palette, as base64."
    from PIL import Image
    im = Image.open(io.BytesIO(base64.b64decode(b64)))
    im.load()
    if im.mode in ('RGBA', 'LA', 'P'):   # flatten transparency onto white, as notebooks show it
        bg = Image.new('RGB', im.size, 'white')
        im = im.convert('RGBA')
        bg.paste(im, mask=im.split()[-1])
        im = bg
    im = im.convert('RGB')
    if im.width > max_w: im = im.resize((max_w, round(im.height * max_w / im.width)), Image.LANCZOS)
    im = im.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    im.save(buf, format='PNG', optimize=True)
    return base64.b64encode(buf.getvalue()).decode()


def _text(x): return ''.join(x) if isinstance(x, list) else x


def cap_text(s, max_lines=MAX_LINES, max_chars=MAX_CHARS):
    "`s` cut to `max_lines` lines and `max_chars` characters, saying how much was left out."
    lines = s.splitlines(True)
    out = ''.join(lines[:max_lines])
    if len(out) > max_chars: out = out[:max_chars]
    if len(out) < len(s):
        rest = s[len(out):]
        out = out.rstrip('\n') + f'\n… ({rest.count(chr(10)) + 1} more lines, {len(rest)} characters not saved)\n'
    return out


def stable(s, root=str(ROOT)):
    "`s` with this checkout's path, temporary folders and object addresses made the same on every run."
    return HEX_RE.sub('', TMP_RE.sub('/tmp/tmpXXXXXXXX', s.replace(root + '/', '').replace(root, '.')))


def _src(t): return [l for l in t.splitlines(True)]


def shrink_outputs(nb):
    "Make the outputs of `nb` (a notebook dict) small and stable, in place; returns `nb`."
    nb.get('metadata', {}).pop('widgets', None)
    for c in nb['cells']:
        if c['cell_type'] != 'code': continue
        outs = []
        for o in c.get('outputs', []):
            t = o['output_type']
            if t == 'stream':
                if o.get('name') == 'stderr': continue                       # progress bars, warnings
                txt = _text(o['text'])
                txt = '\n'.join(l.rsplit('\r', 1)[-1] for l in txt.split('\n'))  # keep what a terminal would show
                if not txt.strip(): continue
                if outs and outs[-1]['output_type'] == 'stream' and outs[-1]['name'] == o['name']:
                    outs[-1]['text'] = _src(_text(outs[-1]['text']) + txt)
                else: outs.append(dict(o, text=_src(txt)))
            elif t == 'error':
                outs.append(dict(o, traceback=[cap_text(stable(l)) for l in o['traceback'][-3:]]))
            elif t in ('display_data', 'execute_result'):
                d = dict(o['data'])
                for k in WIDGET_MIMES: d.pop(k, None)
                if 'image/png' in d:
                    d['image/png'] = small_png(_text(d['image/png']))
                    d.pop('text/html', None)
                for k in ('text/plain', 'text/markdown', 'text/latex'):
                    if k in d: d[k] = _src(cap_text(stable(_text(d[k]))))
                if 'text/html' in d:
                    h = stable(_text(d['text/html']))
                    if len(h) > MAX_HTML: d.pop('text/html')
                    else: d['text/html'] = _src(h)
                if not d: continue
                outs.append(dict(o, data=d, metadata={}))
            else: outs.append(o)
        for o in outs:
            if o['output_type'] == 'stream': o['text'] = _src(cap_text(stable(_text(o['text']))))
        c['outputs'] = outs
    return nb


def run_nb(fn, timeout):
    "Run notebook `fn` as nbdev-test does, in a child process, and write it back with its outputs; True if it ran."
    code = f"""
import functools, sys, matplotlib
matplotlib.rcParams['figure.dpi'] = {DPI}
import execnb.shell, nbdev.test
from nbdev.config import get_config
nbdev.test.CaptureShell = functools.partial(execnb.shell.CaptureShell, mpl_format='png')
cfg = get_config()
flags = cfg.tst_flags.split() if isinstance(cfg.tst_flags, str) else list(cfg.tst_flags)
ok, secs = nbdev.test.test_nb({str(fn)!r}, skip_flags=flags, basepath={str(ROOT)!r}, save=True,
                              cell_timeout=int(cfg.cell_timeout or 600))
sys.exit(0 if ok else 1)
"""
    env = {**os.environ, 'EGONB_OFFLINE': '1', 'HF_HUB_OFFLINE': '1', 'MPLBACKEND': 'module://matplotlib_inline.backend_inline',
           'PYTHONPATH': os.pathsep.join([str(ROOT), *filter(None, [os.environ.get('PYTHONPATH')])])}
    return subprocess.run([sys.executable, '-c', code], cwd=fn.parent, env=env, timeout=timeout).returncode == 0


def save_outputs(fn, timeout=1800):
    "Run `fn`, shrink its outputs and clean it; returns (ok, bytes before, bytes after)."
    from nbdev.clean import nbdev_clean
    fn = Path(fn).resolve()
    orig = fn.read_text(encoding='utf-8')
    before = len(orig.encode())
    try: ok = run_nb(fn, timeout)
    except subprocess.TimeoutExpired: ok = False
    if not ok:
        fn.write_text(orig, encoding='utf-8')   # a failed run leaves the notebook as it was
        return False, before, before
    nb = shrink_outputs(json.loads(fn.read_text(encoding='utf-8')))
    fn.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    nbdev_clean.__wrapped__(fname=str(fn))
    return True, before, fn.stat().st_size


def check_nb(fn):
    "Problems with the saved outputs of notebook `fn` (over the size limits, stderr, widget state, machine paths)."
    raw = Path(fn).read_text(encoding='utf-8')
    nb, probs = json.loads(raw), []
    if len(raw.encode()) > MAX_NB_BYTES: probs.append(f'{len(raw.encode())} bytes (limit {MAX_NB_BYTES})')
    if 'widgets' in nb.get('metadata', {}): probs.append('widget state in the notebook metadata')
    for i, c in enumerate(nb['cells']):
        for o in c.get('outputs', []):
            if o.get('name') == 'stderr': probs.append(f'cell {i}: stderr output (progress bars are not saved)')
            d = o.get('data', {})
            if any(k in d for k in WIDGET_MIMES): probs.append(f'cell {i}: widget view saved')
            png = _text(d.get('image/png', ''))
            if len(png) * 3 // 4 > MAX_IMG_BYTES: probs.append(f'cell {i}: PNG of {len(png) * 3 // 4} bytes (limit {MAX_IMG_BYTES})')
            txt = json.dumps(o)
            if any(m in txt for m in MACHINE_PATHS): probs.append(f'cell {i}: output shows a machine path')
    return probs


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('notebooks', nargs='*', help='notebooks to run (default: every notebook in nbs/)')
    p.add_argument('--check', action='store_true', help='only check that committed outputs are within the limits')
    p.add_argument('--timeout', type=int, default=1800, help='seconds per notebook')
    a = p.parse_args()
    nbs = [Path(n) for n in a.notebooks] or sorted((ROOT/'nbs').glob('*.ipynb'))
    if a.check:
        bad = {n: pr for n in nbs if (pr := check_nb(n))}
        for n, pr in bad.items(): print(f'{n}: ' + '; '.join(pr[:5]))
        if bad: sys.exit('saved outputs over the limits: rerun `make outputs NBS=...` on these notebooks')
        print(f'outputs check: {len(nbs)} notebooks within the limits')
        return
    failed = []
    for n in nbs:
        t0 = time.time()
        ok, b, after = save_outputs(n, a.timeout)
        print(f'{n.name:28} {"ok" if ok else "FAILED (left unchanged)":24} {b/1e3:8.1f} kB -> {after/1e3:8.1f} kB  {time.time()-t0:5.0f}s', flush=True)
        if not ok: failed.append(n.name)
    if failed: sys.exit(f'{len(failed)} notebooks failed: {" ".join(failed)}')


if __name__ == '__main__': main()
