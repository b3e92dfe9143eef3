"""ASL training speed: optimizer steps per second of egonb's ASL model at full width (Ego4D-like: 2304-d SlowFast
features, 1024 time steps, 110 classes, model width 256; egonb's default architecture) on random data.

  python benchmarks/asl_steps.py [--device cuda] [--steps 30] [--batch_size 2]
"""
import argparse, time
import torch
from egonb.asl.model import ASLNet

def tensors(o):
    "Every tensor in a nest of lists, tuples and dicts."
    if torch.is_tensor(o): yield o
    elif isinstance(o, dict): yield from (t for v in o.values() for t in tensors(v))
    elif isinstance(o, (list, tuple)): yield from (t for v in o for t in tensors(v))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--steps', type=int, default=30)
    ap.add_argument('--batch_size', type=int, default=2)
    ap.add_argument('--length', type=int, default=1024)
    a = ap.parse_args()
    torch.manual_seed(0)
    net = ASLNet([2304], 110).to(a.device)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4)
    x = torch.randn(a.batch_size, 2304, a.length, device=a.device)
    mask = torch.ones(a.batch_size, a.length, dtype=torch.bool, device=a.device)
    def step():
        out = net(x, mask)
        loss = sum(t.float().pow(2).mean() for t in tensors(out) if t.is_floating_point())   # a stand-in loss: speed only
        opt.zero_grad()
        loss.backward()
        opt.step()
    step()
    if a.device.startswith('cuda'): torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(a.steps): step()
    if a.device.startswith('cuda'): torch.cuda.synchronize()
    s = time.perf_counter() - t
    print(f'ASL full width on {a.device}: {a.steps / s:.2f} steps/s (batch {a.batch_size} x {a.length} steps, '
          f'{sum(p.numel() for p in net.parameters()) / 1e6:.1f} M parameters)')
    if a.device.startswith('cuda'): print(f'peak GPU memory {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB')

if __name__ == '__main__': main()
