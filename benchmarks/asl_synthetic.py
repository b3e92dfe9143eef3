"""ASL vs the ActionFormer baseline on synthetic data, one model family: train on CPU, report val mAP and time, in one run.

Clips of Ego4D-like feature sequences with planted actions of K classes (class signal + noise + distractors),
official-format annotations, a train split and a held-out val split with the same classes. With --profile key
(the default) an action's class shows mainly in its middle and its edges carry a class-independent onset/offset
pattern, the frame-wise structure ASL's sensitivity is for; --profile flat plants uniform actions.

Every model is the released Ego4D-ASL / ActionFormer family (egonb.asl). --mq 1: egonb configs (chapter asl.cli) with
the ASL parts off (the ActionFormer baseline) and on (ASL's class-level sensitivity, egonb's instance-level
sensitivity and contrastive loss). --released 1: the same kind of data in the released layout (four feature types),
the released Ego4D-ASL config and ActionFormer's Ego4D config at reduced width, and Ego4D-ASL with egonb's two
switches (train_cfg.instance_sensitivity, train_cfg.cont_loss_weight). --nlq 1: NLQ grounding with and without the
sensitivity parts. Same data, seeds and schedule within each table.

  python benchmarks/asl_synthetic.py [--train 80] [--val 30] [--classes 6] [--epochs 30] [--dim 64] [--profile key]
  python benchmarks/asl_synthetic.py --released 1 --seeds 3 --mq 0 --nlq 0
"""
import argparse, json, tempfile, time
import numpy as np
from pathlib import Path
import yaml
from egonb.testing import make_synthetic_mq, make_synthetic_nlq
from egonb.asl.cli import load_config, asl_train, asl_infer, asl_eval

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for k, v in dict(train=80, val=30, classes=6, epochs=30, dim=64, length=256, feat_dim=64).items():
        ap.add_argument(f'--{k}', type=int, default=v)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--signal', type=float, default=2.0)
    ap.add_argument('--profile', default='key')
    ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('--nlq', type=int, default=1, help='also compare on synthetic NLQ (1) or not (0)')
    ap.add_argument('--mq', type=int, default=1, help='ASL vs its ActionFormer baseline through egonb configs (1) or not (0)')
    ap.add_argument('--released', type=int, default=0, help='released Ego4D-ASL vs ActionFormer vs egonb switches (1) or not (0)')
    ap.add_argument('--released_epochs', type=int, default=25)
    ap.add_argument('--ema_decay', type=float, default=0.9, help='EMA decay (released: 0.999, for thousands of steps)')
    ap.add_argument('--released_width', type=int, default=48, help='model width of the reduced released configs (a multiple of 24)')
    a = ap.parse_args()
    d = Path(tempfile.mkdtemp(prefix='egonb-asl-'))
    if a.released: released(d, a)
    if a.mq: mq(d, a)
    if a.nlq: nlq(d, a)

def run(path, raw):
    "Train, infer and evaluate the egonb config `raw` (written to `path`): (metrics, training seconds, loss history)."
    path.write_text(yaml.safe_dump(raw))
    cfg = load_config(path)
    t0 = time.time()
    hist = asl_train(cfg)
    secs = time.time() - t0
    asl_infer(cfg)
    return asl_eval(cfg), secs, [h['final_loss'] for h in hist]

def mq(d, a):
    "The released family through egonb configs, with the ASL parts off (ActionFormer) and on."
    kw = dict(signal=a.signal, profile=a.profile)
    _, cv = make_synthetic_mq(d/'train', a.train, a.classes, a.length, a.feat_dim, split='train', seed=0, **kw)
    make_synthetic_mq(d/'val', a.val, a.classes, a.length, a.feat_dim, split='val', seed=1, class_vectors=cv, **kw)
    (d/'features').mkdir()
    for s in ('train', 'val'):
        for p in (d/s/'features').glob('*.npz'): p.replace(d/'features'/p.name)
    print(f'{a.train} train / {a.val} val clips, {a.classes} classes, {a.length} features each, profile {a.profile!r}, '
          f'{a.epochs} epochs, {a.seeds} seed(s)')
    off = dict(class_sensitivity=False, instance_sensitivity=False, contrastive=0.)
    variants = {'ActionFormer (ASL parts off)': off, 'ASL (class + instance sensitivity + contrastive)': {}}
    res = {}
    for name, extra in variants.items():
        for seed in range(a.seeds):
            raw = dict(dataset=dict(train=str(d/'train'/'moments_train.json'), val=str(d/'val'/'moments_val.json'),
                                    feature_dirs=[str(d/'features')], max_len=a.length),
                       model=dict(dim=a.dim, arch=[2, 2, 5], heads=4, window=9, **extra),
                       train=dict(epochs=a.epochs, batch_size=4, lr=a.lr, warmup_epochs=2, seed=seed,
                                  ema_decay=a.ema_decay),
                       device='cpu', output_dir=str(d/f'mq-{len(res)}-{seed}'))
            r, secs, hist = run(d/f'mq-{len(res)}-{seed}.yaml', raw)
            res.setdefault(name, []).append((r, secs))
            print(f'  {name:50} seed {seed}: val average mAP {r["average_mAP"]:.3f} in {secs:.0f} s '
                  f'(loss {hist[0]:.3f} -> {hist[-1]:.3f})', flush=True)
    print(f'\n{"model":50} ' + ' '.join(f'{t:>6}' for t in ('0.1', '0.2', '0.3', '0.4', '0.5')) + '   avg mAP   train s')
    for name, rs in res.items():
        m = np.mean([[v for v in r['mAP'].values()] for r, _ in rs], 0)
        avg = np.mean([r['average_mAP'] for r, _ in rs])
        print(f'{name:50} ' + ' '.join(f'{x:6.3f}' for x in m) + f'   {avg:7.3f}   {np.mean([s for _, s in rs]):7.0f}')
    base, asl = (np.mean([r['average_mAP'] for r, _ in rs]) for rs in res.values())
    print(f'ASL - ActionFormer: {asl - base:+.3f} average mAP ({asl / max(base, 1e-9):.3f}x)')

def released(d, a):
    "The released Ego4D-ASL config and ActionFormer's at reduced width, and Ego4D-ASL with egonb's switches."
    from egonb.testing import make_released_mq, tiny_released_config
    from egonb.asl.config import released_config
    from egonb.asl.datasets import ReleasedMQDataset, released_ground_truth
    from egonb.asl.meta_archs import build_model, detect_actions, mq_submission
    from egonb.asl.metrics import detection_map
    from egonb.asl.train import train_released, load_checkpoint
    from egonb.asl.infer import find_checkpoint   # best_performance.pth.tar: the best validation epoch, as released
    data = d/'released'
    make_released_mq(data, num_clips=a.train, num_classes=a.classes, length=128, seed=0)
    ep, w = a.released_epochs, a.released_width
    model = dict(embd_dim=[w // 3, w // 6, w // 6, w // 3], fpn_dim=w, head_dim=w, n_head=4)
    common = dict(num_classes=a.classes, opt=dict(epochs=ep, warmup_epochs=2, learning_rate=a.lr),
                  loader=dict(batch_size=4), train_cfg=dict(ema_decay=a.ema_decay))
    asl = tiny_released_config(data, **common, model=dict(model, xl_config=dict(n_head=4, d_head=w // 4)))
    switches = json.loads(json.dumps(asl))
    switches['train_cfg'].update(instance_sensitivity=True, cont_loss_weight=0.1)
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
    for name, raw in [(f'Ego4D-ASL released config (width {w})', asl), (f"ActionFormer's Ego4D config (width {w})", af),
                      (f"Ego4D-ASL + egonb's instance sensitivity and contrastive loss", switches)]:
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
    print(f'\n{"model":62} {"avg mAP":>8} {"± sd":>6} {"train s":>8}')
    for name, rs in rows.items():
        v = np.array(rs)
        print(f'{name:62} {v[:, 0].mean():8.3f} {v[:, 0].std():6.3f} {v[:, 1].mean():8.0f}')

def nlq(d, a):
    "NLQ grounding on synthetic queries through egonb configs: the released family with and without sensitivity."
    _, cpt = make_synthetic_nlq(d/'nlq_tr', num_clips=80, num_concepts=8, length=128, dim=32, text_dim=24, signal=2.5,
                                seed=0)
    make_synthetic_nlq(d/'nlq_va', num_clips=40, num_concepts=8, length=128, dim=32, text_dim=24, signal=2.5, seed=1,
                       split='val', concepts=cpt)
    (d/'nlq_feats').mkdir()
    for s in ('nlq_tr', 'nlq_va'):
        for p in (d/s/'features').glob('*.npz'): p.replace(d/'nlq_feats'/p.name)
    print('\nNLQ: queries on 80 train / 40 val clips, 8 concepts; text features in their own space (24-d tokens)')
    print(f'{"model":50} {"R1@0.3":>7} {"R5@0.3":>7} {"R1@0.5":>7} {"R5@0.5":>7} {"mIoU":>6}   train s')
    for i, (name, kw) in enumerate([('text cross-attention (no sensitivity)', dict(class_sensitivity=False,
                                                                                  instance_sensitivity=False)),
                                    ('+ ASL class & instance sensitivity', {})]):
        raw = dict(task='nlq', dataset=dict(train=str(d/'nlq_tr'/'nlq_train.json'), val=str(d/'nlq_va'/'nlq_val.json'),
                                            feature_dirs=[str(d/'nlq_feats')], max_len=128,
                                            text_features=dict(train=str(d/'nlq_tr'/'text_train.npz'),
                                                               val=str(d/'nlq_va'/'text_val.npz'))),
                   model=dict(dim=48, arch=[2, 1, 4], heads=4, **kw),
                   train=dict(epochs=25, batch_size=8, lr=2e-3, warmup_epochs=2, ema_decay=a.ema_decay),
                   released=dict(train_cfg=dict(init_loss_norm=100)), device='cpu', output_dir=str(d/f'nlq-{i}'))
        r, secs, _ = run(d/f'nlq-{i}.yaml', raw)
        print(f'{name:50} ' + ' '.join(f'{r[k]:7.3f}' for k in ('Rank@1@0.3', 'Rank@5@0.3', 'Rank@1@0.5', 'Rank@5@0.5'))
              + f' {r["mIoU"]:6.3f}   {secs:7.0f}', flush=True)

if __name__ == '__main__': main()
