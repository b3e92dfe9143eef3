"""Feature-extraction benchmark: the runner's clips/s over the sample videos versus the same model's forward
pass alone on pre-decoded, pre-processed clips with the same batch size (the compute-bound limit), in one run.
Goal: runner >= 0.85x model-only for CLIP ViT-B-32 and SlowFast R50 (decoding hidden behind compute).
Random weights (nothing is downloaded); the speed of a network does not depend on its weights.

  python benchmarks/extract.py [--models clip slowfast videomae] [--batch_size 8] [--num_workers 1] [--clip_fps F]
                               [--device cpu|cuda] [--dtype fp32|bf16|fp16]

On a GPU (benchmarks/gpu.sh) it also prints the peak GPU memory of each model's run.
"""
import argparse, os, tempfile, time
from pathlib import Path
import numpy as np, torch
os.environ.setdefault('EGONB_OFFLINE', '1')
from egonb.data import sample_dir
from egonb.decode import open_video
from egonb.features import FeatureRunner, select_videos

def make(name, clip_fps, device='cpu', dtype='fp32', tmp=None):
    "CLIP ViT-B-32, SlowFast R50 or VideoMAE-B (its standard config, saved to `tmp`) with random weights."
    from egonb.features import create_extractor
    if name == 'videomae':
        from transformers import VideoMAEConfig, VideoMAEModel, VideoMAEImageProcessor
        VideoMAEModel(VideoMAEConfig()).save_pretrained(Path(tmp)/'videomae-base')
        VideoMAEImageProcessor().save_pretrained(Path(tmp)/'videomae-base')
        return create_extractor('videomae', str(Path(tmp)/'videomae-base'), device=device, dtype=dtype)
    model = dict(clip='ViT-B-32', slowfast='slowfast_r50')[name]
    return create_extractor(name, model, 'none', fps=clip_fps if name == 'clip' else None, device=device, dtype=dtype)

def model_only(ex, vids, bs):
    "Decode and preprocess every clip first, then time the forward passes alone."
    items = [ex.preprocess(c.data) for v in vids for c in ex.sampler.iter_clips(open_video(v, ex.sampler.backend, size=ex.sampler.decode_size))]
    ex.embed(items[:1])   # warm-up
    t = time.perf_counter()
    for i in range(0, len(items), bs): ex.embed(items[i:i + bs])
    return len(items), time.perf_counter() - t

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--models', nargs='+', default=['clip', 'slowfast']); ap.add_argument('--batch_size', type=int, default=8)
    ap.add_argument('--num_workers', type=int, default=1)
    ap.add_argument('--clip_fps', type=float, default=None)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--dtype', default='fp32')
    a = ap.parse_args()
    cuda = a.device.startswith('cuda')
    vids = select_videos(sample_dir())
    print(f'{len(vids)} sample videos, {sum(open_video(v).meta.duration for v in vids):.0f} s; torch threads {torch.get_num_threads()}, '
          f'batch {a.batch_size}, decoding workers {a.num_workers}\n')
    rows, tmp = [], tempfile.mkdtemp()
    for name in a.models:
        ex = make(name, a.clip_fps, a.device, a.dtype, tmp)
        if cuda: torch.cuda.reset_peak_memory_stats()
        n, secs = model_only(ex, vids, a.batch_size)
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            st = FeatureRunner(ex, vids, d, batch_size=a.batch_size, num_workers=a.num_workers, progress=False).run()
            rsecs = time.perf_counter() - t
        assert st['clips'] == n and st['failed'] == 0, st
        rows.append((ex.model_name, n, n / secs, n / rsecs, st['steady_clips_per_s']))
        if cuda: print(f'{ex.model_name}: peak GPU memory {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB ({a.dtype})')
    print(f'{"model":20} {"clips":>5} {"model-only clips/s":>18} {"runner clips/s":>14} {"ratio":>6} {"runner steady clips/s":>21} {"ratio":>6}')
    for m, n, mo, ru, sr in rows: print(f'{m:20} {n:>5} {mo:>18.2f} {ru:>14.2f} {ru / mo:>5.2f}x {sr:>21.2f} {sr / mo:>5.2f}x')
    print('\n(runner clips/s: whole run, worker start-up included; steady: after the first batch, as over thousands of videos)')
    for m, n, mo, ru, sr in rows: print(f"goal runner >= 0.85x model-only, {m}: steady {sr / mo:.2f}x  {'MET' if sr / mo >= 0.85 else 'MISSED'} (whole run {ru / mo:.2f}x)")

if __name__ == '__main__': main()
