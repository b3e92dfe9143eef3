"""Build the XLNet-width-24 released-format case with the released Ego4D-ASL code (scratch only).
Run in an empty folder beside the released code (../rel, its nms_1d_cpu built in place) and an egonb
checkout (../egonb), with PYTHONPATH=../rel:../rel/libs/utils."""
import json, sys, types, runpy, copy, os
from pathlib import Path
import torch, yaml, numpy as np
torch.manual_seed(2023)
here = Path('.')
names = ['take_photo_/_record_video_with_a_camera', 'hang_clothes_in_closet_/_on_hangers',
         'browse_through_clothing_items_on_rack_/_shelf_/_hanger', 'withdraw_money_from_atm_/_operate_atm',
         'stir_/_mix_ingredients_in_a_bowl_or_pan_(before_cooking)', 'wash_hands']
types_ = dict(egovlp_egonce=6, slowfast_clip=10, omnivore_clip=8, internvideo=6)
fps = 1.8741513727840071
clips = dict(clip_000=(40, 'train'), clip_001=(64, 'train'), clip_002=(90, 'val'))
rng = np.random.default_rng(2023)
db = {}
for i, (c, (T, sub)) in enumerate(clips.items()):
    dur = T / fps
    acts = []
    for j in range(4 + i):
        s = float(np.round(rng.uniform(0, dur * 0.8), 1))
        e = float(np.round(min(dur, s + rng.uniform(2, dur * 0.4)), 1))
        k = int(rng.integers(0, 6)) if j >= 6 else (i * 2 + j) % 6
        acts.append(dict(segment=[s, e], label=names[k], label_id=k))
    db[c] = dict(video_id=f'video_{i}', clip_id=c, duration=dur, parent_start_sec=0.0, parent_end_sec=dur,
                 v_duration=dur, fps=fps, subset=sub, annotations=acts)
    for t, C in types_.items():
        (here/'features'/t).mkdir(parents=True, exist_ok=True)
        torch.save(torch.randn(T, C), here/'features'/t/f'{c}.pt')
used = {a['label_id'] for v in db.values() for a in v['annotations']}
assert used == set(range(6)), used
json.dump(db, open(here/'annotations.json', 'w'), indent=1)
cfg = yaml.safe_load(open('../egonb/data/asl_parity/config.yaml'))
cfg['model'].update(backbone_arch=[2, 1, 2], regression_range=[[0, 4], [4, 8], [8, 10000]], embd_dim=[8, 4, 4, 8],
                    fpn_dim=24, head_dim=24, n_head=2)
cfg['dataset'].update(max_seq_len=64)
cfg['opt'].update(epochs=6, warmup_epochs=5)
cfg['test_cfg'].update(max_seg_num=30)
cfg['output_folder'] = 'out'
yaml.safe_dump(cfg, open(here/'config.yaml', 'w'), sort_keys=False)
x = json.load(open('../egonb/data/asl_parity/xlnet_config_16.json'))
x.update(d_model=24, n_head=3, d_head=8, d_inner=40, vocab_size=16)
(here/'configs').mkdir(exist_ok=True)
json.dump(x, open(here/'configs'/'xlnet_config_24.json', 'w'), indent=2)

# the released train.py as it is, with --combine_train (tensorboard is not installed here: a no-op writer)
class _W:
    def __init__(self, *a, **k): pass
    def __getattr__(self, n): return lambda *a, **k: None
sys.modules['torch.utils.tensorboard'] = types.SimpleNamespace(SummaryWriter=_W)
sys.argv = ['train.py', 'config.yaml', '--combine_train']
runpy.run_path('../rel/train.py', run_name='__main__')
print(sorted(os.listdir('out/config')))
