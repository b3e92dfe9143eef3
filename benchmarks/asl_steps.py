"""ASL training speed: optimizer steps per second of the released Ego4D-ASL model at full width (the shipped
`ego4d_asl_mq` config: its four feature types, 1024 time steps, 110 classes, the XLNet layer) on random data, through
the model's real losses.

  python benchmarks/asl_steps.py [--device cuda] [--steps 30] [--batch_size 2] [--config ego4d_asl_mq]
"""
import argparse, time
import torch
from egonb.asl.config import load_released_config
from egonb.asl.meta_archs import build_model
from egonb.asl.train import make_optimizer

def video(cfg, length, rng):
    "One training clip of random features with three actions, as the released data set hands it to the model."
    d = cfg['dataset']
    width = sum(d['input_dim']) if isinstance(d['input_dim'], (list, tuple)) else d['input_dim']
    s = torch.sort(torch.randint(0, length - 64, (3,), generator=rng).float())[0]
    return dict(video_id='random', feats=torch.randn(width, length, generator=rng), fps=30.,
                duration=length * d['feat_stride'] / 30., feat_stride=d['feat_stride'], feat_num_frames=d['num_frames'],
                segments=torch.stack([s, s + 8 + torch.rand(3, generator=rng) * 48], 1),
                labels=torch.randint(0, d['num_classes'], (3,), generator=rng))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--steps', type=int, default=30)
    ap.add_argument('--batch_size', type=int, default=2)
    ap.add_argument('--length', type=int, default=1024)
    ap.add_argument('--config', default='ego4d_asl_mq')
    a = ap.parse_args()
    torch.manual_seed(0)
    cfg = load_released_config(a.config)
    length = min(a.length, cfg['dataset']['max_seq_len'])
    net = build_model(cfg).to(a.device).train()
    opt = make_optimizer(net, cfg['opt'])
    rng = torch.Generator().manual_seed(0)
    batch = [video(cfg, length, rng) for _ in range(a.batch_size)]
    def step():
        loss = net(batch)['final_loss']
        opt.zero_grad()
        loss.backward()
        opt.step()
    step()
    if a.device.startswith('cuda'): torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(a.steps): step()
    if a.device.startswith('cuda'): torch.cuda.synchronize()
    s = time.perf_counter() - t
    print(f'{cfg["release"]} ({a.config}) full width on {a.device}: {a.steps / s:.2f} steps/s (batch {a.batch_size} x '
          f'{length} steps, {sum(p.numel() for p in net.parameters()) / 1e6:.1f} M parameters)')
    if a.device.startswith('cuda'): print(f'peak GPU memory {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB')

if __name__ == '__main__': main()
