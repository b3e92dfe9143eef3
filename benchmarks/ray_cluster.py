"""Ray on a simulated multi-node cluster: items/s of extract, AKS and caption with 1, 2 and 3 nodes.

`ray.cluster_utils.Cluster` starts a head and worker nodes on this machine, each its own raylet, object store and
workers, scheduled as separate machines would be. Every node gets the same logical CPUs (`--cpus_per_node`), so
three nodes offer three times the slots of one; on one machine the physical cores stay the same, so the curve shows
whether anything serialises on the driver (items/s falling as nodes are added), not a speed-up. The local runner on
the same items is the baseline in the same run; the machine's load average is printed with the table.

  python benchmarks/ray_cluster.py [--videos 12] [--nodes 1,2,3] [--cpus_per_node 2] [--tools extract,aks,caption]

Random weights and the colour scorer (nothing is downloaded). Needs `pip install 'egonb[cluster]'`.
"""
import argparse, os, sys, shutil, tempfile, time
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path = [p for p in sys.path if Path(p or '.').resolve() != HERE]   # `import ray` must find Ray, not ray.py
sys.path.append(str(HERE))
os.environ.setdefault('EGONB_OFFLINE', '1')
from workloads import workload, aks_workload   # noqa: E402  (the same workloads as benchmarks/ray.py)


def run_tools(a, vids, nlq_path, root, out, tools):
    "Seconds per tool for one pass over the items, on whatever Ray (or none) this process has."
    from egonb.features import create_extractor, FeatureRunner
    from egonb.extract import RayFeatureRunner
    from egonb.keyframes import AKSRun, RayAKSRun, AKSConfig
    from egonb.testing import ColorScorer
    from egonb.caption import Segment, caption_segments
    from egonb.jobs import Job
    import ray
    on_ray = ray.is_initialized()
    secs = {}
    if 'extract' in tools:
        spec = dict(name='clip', model='egonb-tiny-clip', pretrained='none', fps=1., device='cpu')
        ex = create_extractor(**spec)
        kw = dict(batch_size=8, num_workers=a.num_workers, progress=False)
        t = time.perf_counter()
        st = (RayFeatureRunner(ex, vids, out/'extract', spec=spec, **kw) if on_ray
              else FeatureRunner(ex, vids, out/'extract', **kw)).run()
        secs['extract'] = (time.perf_counter() - t, st['done'])
    if 'aks' in tools:
        cfg = AKSConfig(max_frames=4, t1=0.3, depth=2, size=64)
        kw = dict(num_workers=a.num_workers, progress=False)
        t = time.perf_counter()
        st = (RayAKSRun(nlq_path, root, out/'aks', ColorScorer(), cfg, scorer_factory=ColorScorer, **kw) if on_ray
              else AKSRun(nlq_path, root, out/'aks', ColorScorer(), cfg, **kw)).run()
        secs['aks'] = (time.perf_counter() - t, st['done'])
    if 'caption' in tools:
        from egonb.testing import make_tiny_vlm
        model = out.parent/'qwen2_vl'
        if not model.exists(): make_tiny_vlm(model)
        spec = dict(modality='image', model=str(model), device='cpu', max_new_tokens=4)
        segs = [Segment(v.stem, 0., 20., src=str(v), whole=True) for v in vids]
        t = time.perf_counter()
        with Job(out/'caption', dict(tool='caption'), results='c.jsonl') as job:
            caption_segments(spec, job, segs, batch_size=4, num_workers=a.num_workers, size=224, progress=False,
                             ray='auto' if on_ray else None)
            done = job.stats['done']
        secs['caption'] = (time.perf_counter() - t, done)
    return secs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--videos', type=int, default=12)
    ap.add_argument('--nodes', default='1,2,3')
    ap.add_argument('--cpus_per_node', type=int, default=2)
    ap.add_argument('--num_workers', type=int, default=2, help='decoding tasks at once (per run, not per node)')
    ap.add_argument('--tools', default='extract,aks,caption')
    a = ap.parse_args()
    import json, ray
    from ray.cluster_utils import Cluster
    tools = a.tools.split(',')
    tmp = Path(tempfile.mkdtemp())
    vids = workload(a.videos, tmp/'in')
    nlq = aks_workload(a.videos, tmp/'aks_root')
    (tmp/'nlq.json').write_text(json.dumps(nlq))
    rows = [('local runner', run_tools(a, vids, tmp/'nlq.json', tmp/'aks_root', tmp/'local', tools))]
    for n in map(int, a.nodes.split(',')):
        cl = Cluster(initialize_head=True, head_node_args=dict(num_cpus=a.cpus_per_node, include_dashboard=False))
        for _ in range(n - 1): cl.add_node(num_cpus=a.cpus_per_node)
        cl.wait_for_nodes()
        ray.init(address=cl.address, logging_level='ERROR')
        try: rows.append((f'Ray, {n} node{"s" * (n > 1)}',
                          run_tools(a, vids, tmp/'nlq.json', tmp/'aks_root', tmp/f'ray{n}', tools)))
        finally:
            ray.shutdown()
            cl.shutdown()
    load = os.getloadavg()
    print(f'{a.videos} videos (20 s each); {a.cpus_per_node} logical CPUs a node, {a.num_workers} decoding tasks; '
          f'{os.cpu_count()} cores; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n')
    print('| backend | ' + ' | '.join(f'{t} items/s (vs local)' for t in tools) + ' |')
    print('|---|' + '---|' * len(tools))
    base = rows[0][1]
    for name, secs in rows:
        cells = []
        for t in tools:
            s, done = secs[t]
            cells.append(f'{done / s:.2f} ({(done / s) / (base[t][1] / base[t][0]):.2f}x)')
        print(f'| {name} | ' + ' | '.join(cells) + ' |')
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
