"""NMS speed: ActionFormer's compiled nms_1d_cpu (when importable), egonb's one-group-at-a-time loop and egonb's
`group_nms` (all groups at once; NumPy on the CPU, PyTorch on CUDA), on 50 videos of 2-5k candidates over 110 classes.

ActionFormer's extension is not a dependency of egonb: build it in a scratch folder (a copy of actionformer_release's
libs/utils: `python setup.py build_ext --inplace` with this environment's Python) and point ACTIONFORMER_UTILS at that
folder to get its column; otherwise the column says it was skipped. Same seed, same inputs for every column; the kept sets are checked to be equal."""
import argparse, time
import numpy as np, torch
from egonb.asl.metrics import batched_nms, soft_nms_1d, hard_nms_1d, group_nms

def videos(n_videos=50, n_classes=110, seed=0):
    "Synthetic ActionFormer-like outputs: (segments, scores, labels) per video."
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_videos):
        n = int(rng.integers(2000, 5000))
        c, w = rng.uniform(0, 480, n), rng.uniform(1, 60, n)
        out.append((torch.tensor(np.stack([c - w / 2, c + w / 2], 1), dtype=torch.float32),
                    torch.tensor(rng.uniform(0, 1, n) ** 3, dtype=torch.float32), torch.tensor(rng.integers(0, n_classes, n))))
    return out

def loop_nms(segs, scores, labels, soft, multiclass, sigma, thr=0.1, min_score=0.001, max_num=2000):
    "egonb's previous implementation: one group at a time, one pick per Python step."
    groups = labels if multiclass else torch.zeros_like(labels)
    keep = []
    for g in torch.unique(groups):
        idx = torch.nonzero(groups == g).squeeze(1)
        if soft: _, s, k = soft_nms_1d(segs[idx], scores[idx], thr, sigma, min_score, max_num)
        else: _, s, k = hard_nms_1d(segs[idx], scores[idx], thr, min_score, max_num)
        keep.append((idx[k], s))
    i, s = torch.cat([k[0] for k in keep]), torch.cat([k[1] for k in keep])
    return i[s.argsort(descending=True)[:max_num]]

def actionformer():
    "ActionFormer's `batched_nms` with its compiled extension, from $ACTIONFORMER_UTILS (its built libs/utils), or None."
    import importlib.util, os, sys
    d = os.environ.get('ACTIONFORMER_UTILS')
    if not d: return None
    sys.path.insert(0, d)   # nms_1d_cpu*.so, built there with `python setup.py build_ext --inplace`
    try:
        spec = importlib.util.spec_from_file_location('af_nms', os.path.join(d, 'nms.py'))
        m = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
        return m.batched_nms
    except ImportError as e:
        print(f'ActionFormer: {e}')
        return None

def timed(f, vids, repeat=1):
    "Best wall time of `repeat` passes over all videos (this machine is shared: the best pass is the least disturbed)."
    best = float('inf')
    for _ in range(repeat):
        t = time.perf_counter()
        out = [f(*v) for v in vids]
        best = min(best, time.perf_counter() - t)
    return best, out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--videos', type=int, default=50)
    ap.add_argument('--threads', type=int, default=1, help='torch threads (ActionFormer\'s extension uses one)')
    ap.add_argument('--repeat', type=int, default=3, help='best of this many passes (not for the slow loop)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    vids, af = videos(a.videos), actionformer()
    cuda = torch.cuda.is_available()
    print(f'{a.videos} videos, {sum(len(v[0]) for v in vids)} candidates, 110 classes; torch threads {torch.get_num_threads()}')
    if af is None: print('ActionFormer column skipped: set ACTIONFORMER_UTILS to a built copy of its libs/utils')
    cases = [('soft-NMS per class, sigma 0.5', True, True, 0.5), ('soft-NMS per class, sigma 0.9', True, True, 0.9),
             ('soft-NMS class-agnostic', True, False, 0.5), ('hard NMS per class', False, True, 0.5)]
    print(f'| case | ActionFormer C++ | egonb loop | egonb group_nms (CPU) | loop ÷ group | C++ ÷ group |'
          + (' group_nms (CUDA) |' if cuda else ''))
    print('|---|---|---|---|---|---|' + ('---|' if cuda else ''))
    for name, soft, mc, sigma in cases:
        t_loop, ref = timed(lambda s, p, l: loop_nms(s, p, l, soft, mc, sigma), vids)
        kw = dict(use_soft_nms=soft, multiclass=mc, sigma=sigma, voting_thresh=0.)
        t_new, new = timed(lambda s, p, l: batched_nms(s, p, l, 0.1, 0.001, 2000, **kw), vids, a.repeat)
        assert all(len(r) == len(n[0]) for r, n in zip(ref, new)), 'kept sets differ'
        t_af = timed(lambda s, p, l: af(s, p, l, 0.1, 0.001, 2000, soft, mc, sigma, 0.), vids, a.repeat)[0] if af else None
        row = (f'| {name} | {f"{t_af:.2f} s" if t_af else "skipped"} | {t_loop:.2f} s | {t_new:.2f} s | '
               f'{t_loop / t_new:.1f}× | {f"{t_af / t_new:.1f}×" if t_af else "–"} |')
        if cuda:
            gv = [tuple(x.cuda() for x in v) for v in vids]
            torch.cuda.synchronize()
            t_gpu = timed(lambda s, p, l: batched_nms(s, p, l, 0.1, 0.001, 2000, **kw), gv, a.repeat)[0]
            row += f' {t_gpu:.2f} s |'
        print(row)

if __name__ == '__main__': main()
