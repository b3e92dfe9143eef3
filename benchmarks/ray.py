"""Ray benchmark: the same 20-video feature-extraction workload through the local runner (FeatureRunner, worker
processes) and through a local Ray (RayFeatureRunner: Ray Data decoding tasks and a model actor), videos/s and peak
memory (resident memory of the whole process tree: driver, decoding workers, Ray's own processes) side by side.
Goal on one machine: Ray >= 0.8x the local runner's videos/s. Needs `pip install 'egonb[cluster]'`.
Random weights (nothing is downloaded). The 20 videos are copies of the sample clips under distinct names.

  python benchmarks/ray.py [--model egonb-tiny-clip|ViT-B-32] [--fps 1] [--batch_size 16] [--num_workers 2]
                           [--num_cpus 2] [--videos 20]
"""
import argparse, os, sys, shutil, tempfile, threading, time
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path = [p for p in sys.path if Path(p or '.').resolve() != HERE]   # this file is ray.py: `import ray` means Ray
import psutil
os.environ.setdefault('EGONB_OFFLINE', '1')
from egonb.data import sample_dir
from egonb.features import FeatureRunner, create_extractor, select_videos

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

def workload(n, d):
    "`n` videos in folder `d`: the sample clips copied under distinct names."
    src = select_videos(sample_dir())
    d.mkdir(parents=True, exist_ok=True)
    for i in range(n): shutil.copy(src[i % len(src)], d/f'{i:02d}_{src[i % len(src)].name}')
    return select_videos(d)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', default='egonb-tiny-clip')
    ap.add_argument('--fps', type=float, default=1.)
    ap.add_argument('--batch_size', type=int, default=16)
    ap.add_argument('--num_workers', type=int, default=2)
    ap.add_argument('--num_cpus', type=int, default=2)
    ap.add_argument('--videos', type=int, default=20)
    a = ap.parse_args()
    import ray
    from egonb.cluster import RayFeatureRunner
    tmp = Path(tempfile.mkdtemp())
    vids = workload(a.videos, tmp/'in')
    spec = dict(name='clip', model=a.model, pretrained='none', fps=a.fps, device='cpu')
    ex = create_extractor(**spec)
    kw = dict(batch_size=a.batch_size, num_workers=a.num_workers, progress=False)
    rows = []
    with PeakRSS() as m:
        t = time.perf_counter()
        st = FeatureRunner(ex, vids, tmp/'local', **kw).run()
        secs = time.perf_counter() - t
    assert st['done'] == len(vids), st
    rows.append(('local runner', secs, m.gib))
    with PeakRSS() as m:
        t0 = time.perf_counter()
        ray.init(num_cpus=a.num_cpus, include_dashboard=False, logging_level='WARNING')
        start = time.perf_counter() - t0
        t = time.perf_counter()
        st = RayFeatureRunner(ex, vids, tmp/'ray', spec=spec, **kw).run()
        secs = time.perf_counter() - t
        ray.shutdown()
    assert st['done'] == len(vids), st
    rows.append(('Ray, cluster up', secs, m.gib))
    rows.append(('Ray, with ray.init', secs + start, m.gib))
    base = len(vids) / rows[0][1]
    print(f'{len(vids)} videos, CLIP {a.model} (random weights) at {a.fps:g} fps, batch {a.batch_size}, '
          f'{a.num_workers} decoding workers/tasks, Ray num_cpus {a.num_cpus}\n')
    print('| runner | seconds | videos/s | vs local | peak memory (GiB) |')
    print('|---|---|---|---|---|')
    for name, secs, gib in rows:
        print(f'| {name} | {secs:.1f} | {len(vids) / secs:.2f} | {len(vids) / secs / base:.2f}x | {gib:.2f} |')
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == '__main__':
    main()
