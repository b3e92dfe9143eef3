"""mAP evaluation speed and memory at Ego4D-val scale: egonb's `detection_map` against ActionFormer's `ANETdetection`.

Synthetic ground truth (521 clips of 480 s, 110 classes, ~8 actions a clip, every class present) and detector-like
predictions (2,000 a clip, ~1.04M in all: clusters around the true actions, mostly of the right class, scored by how
well they fit, plus low-scored background), in ActionFormer's formats: its annotation file and the column dict its
`valid_one_epoch` hands to `ANETdetection.evaluate`. Each evaluator runs in a subprocess of its own, timed around
the evaluation, its peak memory the rise of the process's peak RSS (`ru_maxrss`) over the RSS before it starts.
The numbers of both are checked to agree to 1e-9.

ActionFormer's evaluator is not a dependency of egonb: point ACTIONFORMER_UTILS at a copy of its libs/utils (the
one `benchmarks/nms.py` uses) to get its column, otherwise the column is skipped. It needs pandas; joblib, when
missing, is replaced by a sequential stand-in (`num_workers=1` runs sequentially in joblib too). Set
ACTIONFORMER_PYTHON (or --anet_python) to run it with another interpreter, e.g. the environment it was built in.

  python benchmarks/map.py [--videos 521] [--per_video 2000] [--repeat 1]
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
import numpy as np

def ground_truth(n_videos=521, n_classes=110, seed=0):
    "ActionFormer-format annotations: `database → {clip: {subset, duration, annotations}}`, every class present."
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.r_[np.arange(n_classes), rng.integers(0, n_classes, 8 * n_videos)])
    db, k = {}, 0
    for v in range(n_videos):
        n = int(rng.integers(4, 13))
        anns = []
        for lab in labels[k:k + n]:
            w = float(rng.choice([rng.uniform(1, 8), rng.uniform(8, 60)]))
            s = float(rng.uniform(0, 480 - w))
            anns.append(dict(segment=[round(s, 3), round(s + w, 3)], label=f'c{lab}', label_id=int(lab)))
        k += n
        db[f'clip{v:04d}'] = dict(subset='validation', duration=480., annotations=anns)
    return dict(database=db)

def predictions(gt, per_video=2000, n_classes=110, seed=1):
    "Detector-like column dict: ~75% in clusters around the true actions, the rest background; float64 columns."
    rng = np.random.default_rng(seed)
    vid, st, en, lab, sc = [], [], [], [], []
    for v, d in gt['database'].items():
        anns = d['annotations']
        near = int(per_video * 0.75)
        which = rng.integers(0, len(anns), near)
        c = np.array([(a['segment'][0] + a['segment'][1]) / 2 for a in anns])[which]
        w = np.array([a['segment'][1] - a['segment'][0] for a in anns])[which]
        pc, pw = c + rng.normal(0, 0.5, near) * w, w * np.exp(rng.normal(0, 0.6, near))
        fit = np.exp(-((pc - c) / w) ** 2 * 4 - np.log(pw / w) ** 2 * 2)
        own = np.array([a['label_id'] for a in anns])[which]
        right = rng.random(near) < 0.6
        far = per_video - near
        bc, bw = rng.uniform(0, 480, far), rng.uniform(1, 60, far)
        s = np.r_[np.clip(pc - pw / 2, 0, 480), np.clip(bc - bw / 2, 0, 480)]
        e = np.r_[np.clip(pc + pw / 2, 0, 480), np.clip(bc + bw / 2, 0, 480)]
        e = np.maximum(e, s + 0.01)
        vid += [v] * per_video
        st.append(s)
        en.append(e)
        lab.append(np.r_[np.where(right, own, rng.integers(0, n_classes, near)), rng.integers(0, n_classes, far)])
        noise = rng.uniform(0, 1, near)
        sc.append(np.r_[(0.3 * fit + 0.7 * noise) * np.where(right, 0.8, 0.75), rng.uniform(0, 0.75, far)])
    # scores rounded to 4 digits, as a float32 detector's scores tie: ties in the sort order matter
    return {'video-id': vid, 't-start': np.concatenate(st), 't-end': np.concatenate(en),
            'label': np.concatenate(lab), 'score': np.concatenate(sc).round(4)}

def rss_mb():
    "This process's current resident memory (MB)."
    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2 ** 20

def anet_class():
    "ActionFormer's `ANETdetection` from $ACTIONFORMER_UTILS/metrics.py, or None with the reason."
    import importlib.util, types
    d = os.environ.get('ACTIONFORMER_UTILS')
    if not d: return None, 'set ACTIONFORMER_UTILS to a copy of its libs/utils'
    try: import joblib    # noqa: F401
    except ImportError:   # a sequential stand-in: with num_workers=1 joblib runs the jobs one after another too
        jl = types.ModuleType('joblib')
        jl.delayed = lambda f: lambda *a, **k: (f, a, k)
        jl.Parallel = lambda n_jobs=1: lambda jobs: [f(*a, **k) for f, a, k in jobs]
        sys.modules['joblib'] = jl
    if not hasattr(np, 'float'): np.float = float      # removed in NumPy 1.24; the released code still uses it
    try:
        spec = importlib.util.spec_from_file_location('af_metrics', os.path.join(d, 'metrics.py'))
        m = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
        return m.ANETdetection, None
    except ImportError as e: return None, str(e)

def worker(a):
    "Run one evaluator on freshly generated data; print a JSON line with its time, memory and numbers."
    tious = np.linspace(0.1, 0.5, 5)
    gt = ground_truth(a.videos, seed=a.seed)
    d = tempfile.mkdtemp(prefix='egonb-map-')
    ann = os.path.join(d, 'gt.json')
    with open(ann, 'w') as f: json.dump(gt, f)
    pred = predictions(gt, a.per_video, seed=a.seed + 1)
    del gt
    out = dict(n_pred=len(pred['score']))
    if a.worker == 'anet':
        ANET, why = anet_class()
        if ANET is None: return print(json.dumps(dict(skipped=why)))
        os.chdir(d)
        base, t = rss_mb(), time.perf_counter()
        ev = ANET(ann, split='validation', tiou_thresholds=tious, num_workers=1)
        m, avg, _ = ev.evaluate(pred, verbose=False)
        out |= dict(mAP=[float(x) for x in m], average=float(avg), per_class=ev.ap.T.tolist())
    else:
        from egonb.core import load_json
        from egonb.asl import metrics
        base, t = rss_mb(), time.perf_counter()
        if a.worker == 'egonb':
            r = metrics.detection_map(load_json(ann), pred, tious=tuple(tious))
        else:               # mAP and top-kx recall on predictions parsed once
            g, p = load_json(ann), metrics.parse_predictions(pred)
            r = metrics.detection_map(g, p, tious=tuple(tious))
            metrics.topkx_recall(g, p, tious=tuple(tious))
        out |= dict(mAP=list(r['mAP'].values()), average=r['average_mAP'],
                    per_class=[r['per_class'][c] for c in sorted(r['per_class'], key=int)])
    out |= dict(secs=time.perf_counter() - t,
                peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base)
    print(json.dumps(out))

def run(kind, a, python):
    "One evaluator in a subprocess: its JSON result (the best time of --repeat runs)."
    best = None
    for _ in range(a.repeat):
        p = subprocess.run([python, __file__, '--worker', kind, '--videos', str(a.videos), '--per_video',
                            str(a.per_video), '--seed', str(a.seed)], capture_output=True, text=True)
        if p.returncode: raise SystemExit(f'{kind} failed:\n{p.stderr[-3000:]}')
        r = json.loads(p.stdout.strip().splitlines()[-1])
        if 'skipped' in r: return r
        if best is None or r['secs'] < best['secs']: best = r
    return best

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--videos', type=int, default=521)
    ap.add_argument('--per_video', type=int, default=2000)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--repeat', type=int, default=1, help='best of this many runs of each evaluator')
    ap.add_argument('--anet_python', default=os.environ.get('ACTIONFORMER_PYTHON', sys.executable))
    ap.add_argument('--worker', default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker: return worker(a)
    print(f'load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} '
          f'on {os.cpu_count()} CPUs')
    eg = run('egonb', a, sys.executable)
    both = run('egonb+recall', a, sys.executable)
    af = run('anet', a, a.anet_python)
    print(f"\n{a.videos} clips, {eg['n_pred']} predictions, 110 classes, 5 tIoUs (0.1-0.5); "
          'one process, one thread each')
    print('| evaluator | time | peak memory (above inputs) | average mAP |')
    print('|---|---|---|---|')
    rows = [("egonb detection_map", eg), ("egonb detection_map + topkx_recall, parsed once", both)]
    if 'skipped' in af: print(f"ActionFormer column skipped: {af['skipped']}")
    else: rows.insert(0, ("ActionFormer ANETdetection (num_workers=1)", af))
    for name, r in rows:
        print(f"| {name} | {r['secs']:.2f} s | {r['peak_mb']:.0f} MB | {r['average']:.6f} |")
    if 'skipped' not in af:
        diff = max(abs(x - y) for r in (eg, both)
                   for x, y in zip(np.ravel(r['per_class']), np.ravel(af['per_class'])))
        print(f"\negonb ÷ ActionFormer: {af['secs'] / eg['secs']:.1f}× faster, peak memory "
              f"{eg['peak_mb'] / max(af['peak_mb'], 1e-9):.2f}× of ActionFormer's; "
              f'largest per-class AP difference {diff:.1e}')
        assert diff <= 1e-9, 'the numbers differ'
    print(f'load average after: {os.getloadavg()[0]:.2f}')

if __name__ == '__main__': main()
