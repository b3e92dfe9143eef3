"""ASL vs the ActionFormer baseline on synthetic Moment-Queries data: train both on CPU, report val mAP and time, in one run.

Clips of Ego4D-like feature sequences with planted actions of K classes (class signal + noise + distractors),
official-format annotations, a train split and a held-out val split with the same classes. With --profile key
(the default) an action's class shows mainly in its middle and its edges carry a class-independent onset/offset
pattern, the frame-wise structure ASL's sensitivity is for; --profile flat plants uniform actions.
Same data, seed, schedule and architecture for both; only the ASL parts differ.

  python benchmarks/asl_synthetic.py [--train 80] [--val 30] [--classes 6] [--epochs 30] [--dim 64] [--profile key]

With --released 1, a second table: the same kind of data in the released Ego4D-ASL layout (four feature types),
trained with the released Ego4D-ASL config at reduced width, ActionFormer's Ego4D config at reduced width, and
egonb's variant, over --seeds seeds: val average mAP and training time.

  python benchmarks/asl_synthetic.py --released 1 --seeds 3 --mq 0 --nlq 0
"""
import argparse, tempfile, time
import numpy as np
from pathlib import Path
import torch
from egonb.testing import make_synthetic_mq
from egonb.asl.data import mq_to_actionformer
from egonb.asl.model import ASLNet, MQDataset, train_asl, predict_mq
from egonb.asl.metrics import detection_map

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for k, v in dict(train=80, val=30, classes=6, epochs=30, dim=64, length=256, feat_dim=64).items(): ap.add_argument(f'--{k}', type=int, default=v)
    ap.add_argument("--lr", type=float, default=1e-3); ap.add_argument("--signal", type=float, default=2.0)
    ap.add_argument('--profile', default='key'); ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('--nlq', type=int, default=1, help='also compare on synthetic NLQ (1) or not (0)')
    ap.add_argument('--mq', type=int, default=1, help="egonb's ASL vs its ActionFormer baseline (1) or not (0)")
    ap.add_argument('--released', type=int, default=0, help='released Ego4D-ASL vs ActionFormer vs egonb (1) or not (0)')
    ap.add_argument('--released_epochs', type=int, default=25)
    ap.add_argument('--ema_decay', type=float, default=0.9, help='EMA decay of the released runs (released: 0.999, for thousands of steps)')
    ap.add_argument('--released_width', type=int, default=48, help='model width of the reduced released configs (a multiple of 24)')
    a = ap.parse_args()
    d = Path(tempfile.mkdtemp(prefix='egonb-asl-'))
    if a.released: released(d, a)
    if a.mq: mq(d, a)
    if a.nlq: nlq(d)

def mq(d, a):
    "egonb's ASL variant against its ActionFormer-style baseline (the same net with the ASL parts off)."
    kw = dict(signal=a.signal, profile=a.profile)
    tr, cv = make_synthetic_mq(d/'train', a.train, a.classes, a.length, a.feat_dim, split='train', seed=0, **kw)
    va, _ = make_synthetic_mq(d/'val', a.val, a.classes, a.length, a.feat_dim, split='val', seed=1, class_vectors=cv, **kw)
    af_tr, vocab = mq_to_actionformer(tr); af_va, _ = mq_to_actionformer(va, vocabulary=vocab)
    ds_tr, ds_va = MQDataset(af_tr, [d/'train'/'features'], vocab, max_len=a.length), MQDataset(af_va, [d/'val'/'features'], vocab, max_len=a.length)
    print(f'{a.train} train / {a.val} val clips, {a.classes} classes, {a.length} features each, profile {a.profile!r}, {a.epochs} epochs, {a.seeds} seed(s)')
    variants = {'ActionFormer (baseline)': {}, 'ASL (class + instance sensitivity + contrastive)': dict(class_sensitivity=True, instance_sensitivity=True, contrastive=0.1)}
    res = {}
    for name, extra in variants.items():
        for seed in range(a.seeds):
            torch.manual_seed(seed)
            net = ASLNet([a.feat_dim], len(vocab), dim=a.dim, arch=(2, 2, 5), heads=4, window=9, **extra)
            t0 = time.time(); hist = train_asl(net, ds_tr, epochs=a.epochs, batch_size=4, lr=a.lr, warmup_epochs=2, seed=seed, progress=False); secs = time.time() - t0
            r = detection_map(af_va, predict_mq(net, ds_va, vocab))
            res.setdefault(name, []).append((r, secs, hist))
            print(f'  {name:50} seed {seed}: val average mAP {r["average_mAP"]:.3f} in {secs:.0f} s (loss {hist[0]:.3f} -> {hist[-1]:.3f})')
    print(f'\n{"model":50} ' + ' '.join(f'{t:>6}' for t in ('0.1', '0.2', '0.3', '0.4', '0.5')) + '   avg mAP   train s')
    for name, rs in res.items():
        m = np.mean([[v for v in r['mAP'].values()] for r, _, _ in rs], 0); avg = np.mean([r['average_mAP'] for r, _, _ in rs])
        print(f'{name:50} ' + ' '.join(f'{x:6.3f}' for x in m) + f'   {avg:7.3f}   {np.mean([s for _, s, _ in rs]):7.0f}')
    base, asl = (np.mean([r['average_mAP'] for r, _, _ in rs]) for rs in res.values())
    print(f'ASL - ActionFormer: {asl - base:+.3f} average mAP ({asl / max(base, 1e-9):.3f}x)')
    ok = max(base, asl) >= 0.5 and max(np.mean([s for _, s, _ in rs]) for rs in res.values()) < 600
    print(f"goal average mAP >= 0.5 within 10 minutes per model: {'MET' if ok else 'MISSED'}")

def released(d, a):
    "The released Ego4D-ASL config and ActionFormer's at reduced width, and egonb's variant, on the same clips."
    from egonb.testing import make_released_mq, tiny_released_config
    from egonb.asl.config import released_config
    from egonb.asl.datasets import ReleasedMQDataset, released_ground_truth
    from egonb.asl.meta_archs import build_model, detect_actions, mq_submission
    from egonb.asl.train import train_released, load_checkpoint
    from egonb.asl.infer import find_checkpoint   # best_performance.pth.tar: the best validation epoch, as released
    data = d/'released'
    make_released_mq(data, num_clips=a.train, num_classes=a.classes, length=128, seed=0)
    ep = a.released_epochs
    w = a.released_width
    model = dict(embd_dim=[w // 3, w // 6, w // 6, w // 3], fpn_dim=w, head_dim=w, n_head=4)
    common = dict(num_classes=a.classes, opt=dict(epochs=ep, warmup_epochs=2, learning_rate=a.lr),
                  loader=dict(batch_size=4), train_cfg=dict(ema_decay=a.ema_decay))
    asl = tiny_released_config(data, **common, model=dict(model, xl_config=dict(n_head=4, d_head=w // 4)))
    af = tiny_released_config(data, **common, release='actionformer',
                              model=dict(model, backbone_arch=[2, 2, 7], n_mha_win_size=9, max_buffer_len_factor=4.0,
                                         regression_range=[[0, 4], [2, 8], [4, 16], [8, 32], [16, 64], [32, 128],
                                                           [64, 256], [128, 10000]]))
    af['model'].pop('xl_config')
    for k in ('t_c_alpha', 'al_loss_weight', 'seg_loss_weight', 'cont_loss_weight'): af['train_cfg'].pop(k)
    af['dataset'].update(feat_stride=16, num_frames=32, default_fps=30, max_seq_len=1024, force_upsampling=False)
    print(f'released layout: {a.train} train / {a.train} val clips, {a.classes} classes, 4 feature types, '
          f'{ep} + 2 warm-up epochs, {a.seeds} seed(s)')
    rows = {}
    for name, raw in [(f'Ego4D-ASL released config (width {w})', asl), (f"ActionFormer's Ego4D config (width {w})", af)]:
        for seed in range(a.seeds):
            cfg = released_config(dict(raw, init_rand_seed=seed))
            out = d/f'run-{len(rows)}-{seed}'
            t0 = time.time()
            train_released(cfg, out)
            secs = time.time() - t0
            m = build_model(cfg)
            load_checkpoint(m, find_checkpoint(out))
            ds = ReleasedMQDataset(cfg, cfg['val_split'], False)
            r = detection_map(released_ground_truth(cfg), mq_submission(detect_actions(m, ds), ds.vocabulary))
            rows.setdefault(name, []).append((r['average_mAP'], secs))
            print(f'  {name:45} seed {seed}: average mAP {r["average_mAP"]:.3f} in {secs:.0f} s', flush=True)
    rows[f"egonb's variant (dim {w})"] = _egonb_on_released(data, a, ep + 2)
    print(f'\n{"model":45} {"avg mAP":>8} {"± sd":>6} {"train s":>8}')
    for name, rs in rows.items():
        v = np.array(rs)
        print(f'{name:45} {v[:, 0].mean():8.3f} {v[:, 0].std():6.3f} {v[:, 1].mean():8.0f}')

def _egonb_on_released(data, a, epochs):
    "egonb's own variant trained on the released-layout clips (their annotations as ActionFormer databases)."
    import json
    db = json.loads((data/'annotations.json').read_text())
    vocab = sorted({x['label'] for v in db.values() for x in v['annotations']})
    af = {s: dict(database={k: v for k, v in db.items() if v['subset'] == s}) for s in ('train', 'val')}
    dirs = sorted(data.glob('feat_*'))
    tr, va = (MQDataset(af[s], dirs, vocab, max_len=160) for s in ('train', 'val'))
    out = []
    for seed in range(a.seeds):
        torch.manual_seed(seed)
        net = ASLNet([8, 6, 6, 4], len(vocab), dim=a.released_width, arch=(2, 2, 5), heads=4, window=9, class_sensitivity=True,
                     instance_sensitivity=True, contrastive=0.1)
        t0 = time.time()
        train_asl(net, tr, epochs=epochs, batch_size=4, lr=a.lr, warmup_epochs=2, seed=seed)
        secs = time.time() - t0
        r = detection_map(af['val'], predict_mq(net, va, vocab))
        out.append((r['average_mAP'], secs))
        print(f"  {'egonb variant':45} seed {seed}: average mAP {r['average_mAP']:.3f} in {secs:.0f} s", flush=True)
    return out

def nlq(d):
    "NLQ grounding on synthetic queries: the same localiser with and without the ASL sensitivity parts."
    from egonb.asl.nlq import NLQDataset, NLQNet, predict_nlq
    from egonb.testing import make_synthetic_nlq
    from egonb.asl.metrics import nlq_recall
    trn, cpt = make_synthetic_nlq(d/'nlq_tr', num_clips=80, num_concepts=8, length=128, dim=32, text_dim=24, signal=2.5, seed=0)
    val, _ = make_synthetic_nlq(d/'nlq_va', num_clips=40, num_concepts=8, length=128, dim=32, text_dim=24, signal=2.5, seed=1, split='val', concepts=cpt)
    tr = NLQDataset(d/'nlq_tr'/'nlq_train.json', [d/'nlq_tr'/'features'], d/'nlq_tr'/'text_train.npz', max_len=128)
    va = NLQDataset(d/'nlq_va'/'nlq_val.json', [d/'nlq_va'/'features'], d/'nlq_va'/'text_val.npz', max_len=128)
    print(f'\nNLQ: {len(tr)} train / {len(va)} val queries on 80 / 40 clips, 8 concepts; text features in their own space (24-d tokens)')
    print(f'{"model":50} {"R1@0.3":>7} {"R5@0.3":>7} {"R1@0.5":>7} {"R5@0.5":>7} {"mIoU":>6}   train s')
    for name, kw in [('text cross-attention (no sensitivity)', {}), ('+ ASL class & instance sensitivity', dict(class_sensitivity=True, instance_sensitivity=True))]:
        torch.manual_seed(0)
        net = NLQNet([32], 24, dim=48, arch=(2, 1, 4), heads=4, **kw)
        t0 = time.time(); train_asl(net, tr, epochs=25, batch_size=8, lr=2e-3, warmup_epochs=2); secs = time.time() - t0
        r = nlq_recall(val, predict_nlq(net, va))
        print(f'{name:50} ' + ' '.join(f'{r[k]:7.3f}' for k in ('Rank@1@0.3', 'Rank@5@0.3', 'Rank@1@0.5', 'Rank@5@0.5')) + f' {r["mIoU"]:6.3f}   {secs:7.0f}')

if __name__ == '__main__': main()
