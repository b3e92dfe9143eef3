"""Bookkeeping at Ego4D scale: a `Job` over 10^3 ... 10^6 items, beside a plain write+flush loop in the same run.

Prints, per item count: seconds and microseconds per item for a plain `write`+`flush` loop (the floor), for `Job.add`
(a `JsonlLog` kept open, flushed per line, fsynced once a second), for the old per-record `append_jsonl` (open, append,
fsync, close: measured on the first 1,000 items only, it is that slow), the ratio Job / plain, and the time a rerun
takes to resume (lock, read the log, `todo` over all items). Then the same `Job` into fsspec's `memory://` store, where
the log is put as numbered parts: time for 1,000 and 4,000 items and their ratio (linear growth is 4x; quadratic, 16x),
beside the old `append_jsonl`, which put the whole log again per line.

    python benchmarks/scale.py                 # 10^3, 10^4, 10^5 items
    python benchmarks/scale.py --max 1000000   # and 10^6
"""
import argparse, json, os, shutil, tempfile, time
from pathlib import Path
from egonb.jobs import Job, append_jsonl
from egonb.files import as_path

def record(i):
    "A record shaped like a caption's: ids, times, a sentence, a confidence, a few frame times."
    return dict(video_id=f'{i:08x}-0000-4000-8000-{i:012x}', start=i * 2.0, end=i * 2.0 + 2.0, modality='image',
                model='HuggingFaceTB/SmolVLM-256M-Instruct', prompt=None, text='C picks up the knife from the table.',
                confidence=0.8123, times=[i * 2.0 + 1.0])

def plain(path, n):
    "The floor: one JSON line written and flushed per item."
    t0 = time.perf_counter()
    with open(path, 'w') as f:
        for i in range(n):
            f.write(json.dumps({'item': f'v{i}', **record(i)}) + '\n')
            f.flush()
    return time.perf_counter() - t0

def job_run(out, n):
    "A fresh Job adding n items (lock, load, add, finish)."
    t0 = time.perf_counter()
    with Job(out, dict(tool='bench')) as job:
        for i in range(n): job.add(f'v{i}', record(i))
    return time.perf_counter() - t0

def resume(out, n):
    "A rerun: lock, read the log, find nothing to do."
    t0 = time.perf_counter()
    with Job(out, dict(tool='bench')) as job: left = job.todo(f'v{i}' for i in range(n))
    assert not left, len(left)
    return time.perf_counter() - t0

def old_append(path, n):
    "The previous bookkeeping: append_jsonl per record (open, append, fsync, close)."
    t0 = time.perf_counter()
    for i in range(n): append_jsonl(path, {'item': f'v{i}', **record(i)})
    return time.perf_counter() - t0

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--max', type=int, default=100_000, help='largest item count (powers of 10 from 1,000)')
    ap.add_argument('--dir', default=None, help='folder on the disk to measure (default: a temp folder)')
    a = ap.parse_args()
    root = Path(tempfile.mkdtemp(dir=a.dir, prefix='egonb-scale-'))
    try:
        print(f'local disk ({root}):')
        print(f'{"items":>9} {"plain s":>8} {"us/item":>8} {"Job s":>8} {"us/item":>8} {"Job/plain":>9} '
              f'{"old us/item":>11} {"resume s":>8}')
        n = 1000
        while n <= a.max:
            p = plain(root/f'plain{n}.jsonl', n)
            j = job_run(root/f'job{n}', n)
            r = resume(root/f'job{n}', n)
            o = old_append(root/f'old{n}.jsonl', min(n, 1000)) / min(n, 1000)
            print(f'{n:>9,} {p:>8.3f} {p / n * 1e6:>8.1f} {j:>8.3f} {j / n * 1e6:>8.1f} {j / p:>8.1f}x '
                  f'{o * 1e6:>11.0f} {r:>8.3f}', flush=True)
            n *= 10
        print("\nmemory:// (an object store's interface: the log is put as numbered parts):")
        ts = {}
        for n in (1000, 4000, 16000):
            ts[n] = job_run(as_path(f'memory://egonb-scale/job{n}'), n)
            r = resume(as_path(f'memory://egonb-scale/job{n}'), n)
            print(f'{n:>9,} items: {ts[n]:.3f} s ({ts[n] / n * 1e6:.1f} us/item), resume {r:.3f} s', flush=True)
        print(f'time for 4,000 / time for 1,000: {ts[4000] / ts[1000]:.2f} (linear: 4; quadratic: 16); '
              f'16,000 / 4,000: {ts[16000] / ts[4000]:.2f}')
        old = {n: old_append(as_path(f'memory://egonb-scale/old{n}.jsonl'), n) for n in (1000, 4000)}
        print(f'the old append_jsonl into memory:// (the whole log put again per line): 1,000 items {old[1000]:.3f} s, '
              f'4,000 items {old[4000]:.3f} s, ratio {old[4000] / old[1000]:.1f}')
    finally: shutil.rmtree(root, ignore_errors=True)

if __name__ == '__main__': main()
