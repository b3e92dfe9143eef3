"""NMS speed: ActionFormer's compiled nms_1d_cpu (when importable), egonb's one-group-at-a-time loop and egonb's
`group_nms` (all groups at once; compiled kernels on the CPU, PyTorch on CUDA), on 50 videos over 110 classes:
uniform random candidates (2-5k a video), detector-like clustered ones (`clustered`: 50-500 candidates around each action) and a real
model's (`model_outputs`: the pre-NMS candidates of the released Ego4D-ASL port, briefly trained on synthetic clips;
kept in benchmarks/nms_model_outputs.npz, made with --make_fixture).

ActionFormer's extension is not a dependency of egonb: build it in a scratch folder (a copy of actionformer_release's
libs/utils: `python setup.py build_ext --inplace` with this environment's Python) and point ACTIONFORMER_UTILS at that
folder to get its column; otherwise the column says it was skipped. Same seed, same inputs for every column; the kept sets are checked to be equal."""
import argparse, tempfile, time
from pathlib import Path
import numpy as np, torch
from egonb.asl.nms import batched_nms, soft_nms_1d, hard_nms_1d

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

def clustered(n_videos=50, n_classes=110, seed=0):
    """Detector-like outputs: Gaussian clusters of 50-500 candidates around each true action (a detector fires many
    times near an action), classes overlapping (a cluster also holds other classes' guesses) and one class dominating
    each video (most of its actions are one activity)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_videos):
        dom, segs, scores, labels = int(rng.integers(n_classes)), [], [], []
        for _ in range(int(rng.integers(5, 16))):
            c, w = rng.uniform(0, 480), rng.uniform(2, 30)
            k = dom if rng.random() < 0.6 else int(rng.integers(n_classes))
            m = int(rng.integers(50, 501))
            s0, e0 = c - w / 2 + rng.normal(0, 0.15 * w, m), c + w / 2 + rng.normal(0, 0.15 * w, m)
            s0, e0 = np.minimum(s0, e0 - 0.1), np.maximum(e0, s0 + 0.1)
            off = np.abs((s0 + e0) / 2 - c) / w
            scores.append(rng.uniform(0.2, 0.9) * np.exp(-off ** 2 * 4) * rng.uniform(0.5, 1, m))
            lab = np.where(rng.random(m) < 0.8, k, rng.integers(0, n_classes, m))
            segs.append(np.stack([s0, e0], 1))
            labels.append(lab)
        out.append((torch.tensor(np.concatenate(segs), dtype=torch.float32),
                    torch.tensor(np.concatenate(scores), dtype=torch.float32), torch.tensor(np.concatenate(labels))))
    return out

FIXTURE = Path(__file__).parent/'nms_model_outputs.npz'

def model_outputs(n_videos=50, n_classes=110, path=FIXTURE):
    "The pre-NMS (segments, scores, labels) of each video that `make_fixture` saved (the first `n_videos`)."
    if not path.exists(): raise SystemExit(f'{path} is missing: make it with --make_fixture')
    f = np.load(path)
    cut, out = np.r_[0, np.cumsum(f['counts'])], []
    for a, b in zip(cut[:n_videos], cut[1:n_videos + 1]):
        s = f['segs'][a:b].astype(np.float32)
        ok = s[:, 1] - s[:, 0] > 0.01      # the model's duration_thresh, again after float16 rounding
        out.append((torch.from_numpy(s[ok]), torch.from_numpy(f['scores'][a:b][ok]),
                    torch.from_numpy(f['labels'][a:b][ok].astype(np.int64))))
    return out

def make_fixture(n_videos=50, n_classes=110, epochs=4, path=FIXTURE):
    """Train the released Ego4D-ASL port (reduced width) for a few epochs on synthetic clips of `n_classes` classes
    and save the candidates it hands to NMS on `n_videos` of the held-out clips (ActionFormer's pre-NMS top-k 5000
    per level, score > 0.001): segments in feature steps as float16, float32 scores, int16 labels. The saved file
    holds 12 clips of a run with epochs=2 (~27k candidates each; 8.5 min on 2 cores)."""
    from egonb.testing import make_released_mq, tiny_released_config
    from egonb.asl.config import released_config
    from egonb.asl.datasets import ReleasedMQDataset
    from egonb.asl.infer import find_checkpoint
    from egonb.asl.train import train_released, load_checkpoint
    import egonb.asl.meta_archs as ma
    d = Path(tempfile.mkdtemp(prefix='egonb-nms-'))
    make_released_mq(d, num_clips=max(n_videos, 3 * n_classes), num_classes=n_classes, length=192, seed=0)
    cfg = released_config(tiny_released_config(d, num_classes=n_classes, opt=dict(epochs=epochs, warmup_epochs=1),
                                               loader=dict(batch_size=4)))
    t = time.time()
    train_released(cfg, d/'run')
    print(f'trained {epochs} + 1 epochs on {n_videos} clips in {time.time() - t:.0f} s')
    m = ma.build_model(cfg)
    load_checkpoint(m, find_checkpoint(d/'run'))
    seen, real = [], ma.batched_nms
    def record(s, p, l, *a, **k):
        if len(seen) < n_videos: seen.append((s.clone(), p.clone(), l.clone()))
        return real(s, p, l, *a, **k)
    ma.batched_nms = record
    try: ma.detect_actions(m, ReleasedMQDataset(cfg, cfg['val_split'], False))
    finally: ma.batched_nms = real
    np.savez_compressed(path, counts=np.array([len(x[0]) for x in seen]),
                        segs=torch.cat([x[0] for x in seen]).numpy().astype(np.float16),
                        scores=torch.cat([x[1] for x in seen]).numpy(),
                        labels=torch.cat([x[2] for x in seen]).numpy().astype(np.int16))
    print(f'{path}: {len(seen)} videos, {sum(len(x[0]) for x in seen)} candidates, {path.stat().st_size / 2**20:.1f} MB')

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
    ap.add_argument('--data', default='uniform,clustered,model',
                    help='candidate sets: uniform, clustered, model (comma-separated)')
    ap.add_argument('--loop', type=int, default=1, help="also time egonb's one-group-at-a-time loop (1) or not (0)")
    ap.add_argument('--make_fixture', type=int, default=0, help='train the model and save its candidates (1)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.make_fixture: return make_fixture()
    af = actionformer()
    if af is None: print('ActionFormer column skipped: set ACTIONFORMER_UTILS to a built copy of its libs/utils')
    for kind in a.data.split(','):
        vids = dict(uniform=videos, clustered=clustered, model=model_outputs)[kind](a.videos)
        print(f'\n{kind}: {len(vids)} videos, {sum(len(v[0]) for v in vids)} candidates, 110 classes; '
              f'torch threads {torch.get_num_threads()}')
        table(vids, af, a.repeat, a.loop)

def table(vids, af, repeat, loop=1):
    """One table: each NMS case on `vids`, ActionFormer's C++ (if built), egonb's loop and `batched_nms`; the last
    case adds ActionFormer's boundary voting (0.95, as in its Ego4D config) to class-agnostic Soft-NMS."""
    cuda = torch.cuda.is_available()
    cases = [('soft-NMS per class, sigma 0.5', True, True, 0.5, 0.),
             ('soft-NMS per class, sigma 0.9', True, True, 0.9, 0.),
             ('soft-NMS class-agnostic', True, False, 0.5, 0.), ('hard NMS per class', False, True, 0.5, 0.),
             ('hard NMS class-agnostic', False, False, 0.5, 0.),
             ('soft-NMS class-agnostic + voting', True, False, 0.5, 0.95)]
    print('| case | ActionFormer C++ | egonb loop | egonb group_nms (CPU) | loop ÷ group | C++ ÷ group |'
          + (' group_nms (CUDA) |' if cuda else ''))
    print('|---|---|---|---|---|---|' + ('---|' if cuda else ''))
    for name, soft, mc, sigma, vote in cases:
        kw = dict(use_soft_nms=soft, multiclass=mc, sigma=sigma, voting_thresh=vote)
        t_new, new = timed(lambda s, p, l: batched_nms(s, p, l, 0.1, 0.001, 2000, **kw), vids, repeat)
        t_loop = None
        if loop:
            t_loop, ref = timed(lambda s, p, l: loop_nms(s, p, l, soft, mc, sigma), vids)
            assert all(len(r) == len(n[0]) for r, n in zip(ref, new)), 'kept sets differ'
        t_af = None
        if af: t_af = timed(lambda s, p, l: af(s, p, l, 0.1, 0.001, 2000, soft, mc, sigma, vote), vids, repeat)[0]
        row = (f'| {name} | {f"{t_af:.3f} s" if t_af else "skipped"} | {f"{t_loop:.2f} s" if t_loop else "–"} | '
               f'{t_new:.3f} s | {f"{t_loop / t_new:.1f}×" if t_loop else "–"} | '
               f'{f"{t_af / t_new:.2f}×" if t_af else "–"} |')
        if cuda:
            gv = [tuple(x.cuda() for x in v) for v in vids]
            torch.cuda.synchronize()
            t_gpu = timed(lambda s, p, l: batched_nms(s, p, l, 0.1, 0.001, 2000, **kw), gv, repeat)[0]
            row += f' {t_gpu:.2f} s |'
        print(row)

if __name__ == '__main__': main()
