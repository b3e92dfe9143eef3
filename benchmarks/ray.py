"""Ray benchmark: the same 20-video workloads through the local runners (worker processes) and through a local Ray
(Ray Data decoding tasks and a model actor), videos/s and peak memory (resident memory of the whole process tree:
driver, decoding workers, Ray's own processes) side by side, for three tools:

- extract: CLIP features (FeatureRunner vs RayFeatureRunner);
- aks: AKS keyframes for the sample NLQ queries, with a CLIP scorer (AKSRun vs RayAKSRun);
- caption: image captions by a tiny random Qwen2-VL, one middle frame a video (caption_segments vs
  caption_segments with ray=...).

Goal on one machine: Ray >= 0.8x the local runner's videos/s. Needs `pip install 'egonb[cluster]'`.
Random weights (nothing is downloaded). The 20 videos are copies of the sample clips under distinct names.

  python benchmarks/ray.py [--model egonb-tiny-clip|ViT-B-32] [--fps 1] [--batch_size 16] [--num_workers 2]
                           [--num_cpus 2] [--videos 20] [--tools extract,aks,caption]
"""
import argparse, os, sys, shutil, tempfile, threading, time
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path = [p for p in sys.path if Path(p or '.').resolve() != HERE]   # this file is ray.py: `import ray` means Ray
import psutil
os.environ.setdefault('EGONB_OFFLINE', '1')
import json
from egonb.jobs import Job
from egonb.files import load_json
from egonb.features import FeatureRunner, create_extractor
sys.path.append(str(HERE))
from workloads import workload, aks_workload   # noqa: E402

class PeakRSS:
    "Peak resident memory (GiB) of this process and all its descendants, sampled every `every` seconds."
    def __init__(self, every=0.1): self.every, self.peak, self._stop = every, 0, threading.Event()
    def _rss(self):
        me, total = psutil.Process(), 0
        for p in [me] + me.children(recursive=True):
            try: total += p.memory_info().rss
            except psutil.Error: pass
        return total
    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.every)
    def __enter__(self):
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self
    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
    @property
    def gib(self): return self.peak / 2**30

def timed(rows, name, fn, n):
    "Run `fn()` under a `PeakRSS`; add a row (name, seconds, GiB) and check that `n` items are done."
    with PeakRSS() as m:
        t = time.perf_counter()
        done = fn()
        secs = time.perf_counter() - t
    assert done == n, (name, done, n)
    rows.append((name, secs, m.gib))

def bench_extract(a, vids, tmp, rows, ray):
    from egonb.extract import RayFeatureRunner
    spec = dict(name='clip', model=a.model, pretrained='none', fps=a.fps, device='cpu')
    ex = create_extractor(**spec)
    kw = dict(batch_size=a.batch_size, num_workers=a.num_workers, progress=False)
    if not ray: timed(rows, 'extract: local runner', lambda: FeatureRunner(ex, vids, tmp/'local', **kw).run()['done'],
                      len(vids))
    else: timed(rows, 'extract: Ray', lambda: RayFeatureRunner(ex, vids, tmp/'ray', spec=spec, **kw).run()['done'],
          len(vids))

def bench_aks(a, vids, tmp, rows, ray):
    from egonb.keyframes import AKSRun, AKSConfig, create_scorer
    from egonb.keyframes import RayAKSRun
    nlq = aks_workload(len(vids), tmp/'aks_root') if not ray else load_json(tmp/'nlq.json')
    if not ray: json.dump(nlq, open(tmp/'nlq.json', 'w'))
    n = sum(len(lq['language_queries']) for v in nlq['videos'] for c in v['clips'] for lq in c['annotations'])
    sk = dict(name='clip', model=a.model, pretrained='none', device='cpu')
    cfg = AKSConfig(max_frames=8, depth=3, size=224)   # 8 frames fill the leaves down to depth 3
    kw = dict(num_workers=a.num_workers, progress=False)
    if not ray: timed(rows, 'aks: local runner', lambda: AKSRun(nlq, tmp/'aks_root', tmp/'aks_local', create_scorer(**sk),
                                                                 cfg, **kw).run()['done'], n)
    else: timed(rows, 'aks: Ray', lambda: RayAKSRun(nlq, tmp/'aks_root', tmp/'aks_ray', create_scorer(**sk), cfg,
                                             scorer_factory=create_scorer, scorer_kw=sk, **kw).run()['done'], n)

def bench_caption(a, vids, tmp, rows, ray):
    from egonb.caption import Segment, caption_segments
    from egonb.testing import make_tiny_vlm
    spec = dict(modality='image', model=str(tmp/'qwen2_vl' if ray else make_tiny_vlm(tmp/'qwen2_vl')), device='cpu',
                max_new_tokens=8)
    segs = [Segment(v.stem, 0., 20., src=str(v), whole=True) for v in vids]
    kw = dict(batch_size=4, num_workers=a.num_workers, size=224, progress=False)
    def run(name, fn):
        with Job(tmp/name, dict(tool='caption'), results='c.jsonl') as job:
            fn(job)
            return job.stats['done']
    name, folder, addr = ('caption: Ray', 'cap_ray', 'auto') if ray else ('caption: local runner', 'cap_local', None)
    timed(rows, name, lambda: run(folder, lambda job: caption_segments(spec, job, segs, ray=addr, **kw)), len(vids))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', default='egonb-tiny-clip')
    ap.add_argument('--fps', type=float, default=1.)
    ap.add_argument('--batch_size', type=int, default=16)
    ap.add_argument('--num_workers', type=int, default=2)
    ap.add_argument('--num_cpus', type=int, default=2)
    ap.add_argument('--videos', type=int, default=20)
    ap.add_argument('--tools', default='extract,aks,caption')
    a = ap.parse_args()
    import ray
    tmp = Path(tempfile.mkdtemp())
    vids = workload(a.videos, tmp/'in')
    benches = [dict(extract=bench_extract, aks=bench_aks, caption=bench_caption)[t] for t in a.tools.split(',')]
    rows = []
    for b in benches: b(a, vids, tmp, rows, ray=False)    # the local runners first, no Ray processes about
    t0 = time.perf_counter()
    ray.init(num_cpus=a.num_cpus, include_dashboard=False, logging_level='WARNING')
    start = time.perf_counter() - t0
    for b in benches: b(a, vids, tmp, rows, ray=True)
    ray.shutdown()
    rows.sort(key=lambda r: (r[0].split(':')[0], 'Ray' in r[0]))
    print(f'{len(vids)} videos (20 s each); CLIP {a.model} (random weights) at {a.fps:g} fps, batch {a.batch_size} for '
          f'extract and aks; {a.num_workers} decoding workers/tasks; Ray num_cpus {a.num_cpus}, cluster up '
          f'(ray.init took {start:.1f} s, not counted)\n')
    print('| tool: runner | seconds | videos/s | vs local | peak memory (GiB) |')
    print('|---|---|---|---|---|')
    base = {}
    for name, secs, gib in rows:
        tool = name.split(':')[0]
        base.setdefault(tool, len(vids) / secs)
        print(f'| {name} | {secs:.1f} | {len(vids) / secs:.2f} | {len(vids) / secs / base[tool]:.2f}x | {gib:.2f} |')
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == '__main__':
    main()
