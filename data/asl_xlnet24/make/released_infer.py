"""Perturb the released epoch_010 checkpoint and run the released inference on it (scratch only).
Run after make_case.py in the same folder, with PYTHONPATH=../rel:../rel/libs/utils."""
import json, os, lzma
from pathlib import Path
import torch, torch.nn as nn
from libs.core import load_config
from libs.datasets import make_dataset, make_data_loader
from libs.modeling import make_meta_arch
from libs.utils import fix_random_seed, infer_one_epoch

ck = torch.load('out/config/epoch_010.pth.tar', map_location='cpu', weights_only=False)
g = torch.Generator().manual_seed(2024)
sd = {}
for k, v in ck['state_dict_ema'].items():
    if k.endswith('word_embedding.weight'): sd[k] = v.clone()
    elif '.drop_path' in k and k.endswith('.scale'): sd[k] = torch.rand(v.shape, generator=g) + 0.5
    else: sd[k] = v + 0.05 * torch.randn(v.shape, generator=g)
    sd[k] = sd[k].to(torch.bfloat16).float()     # bf16-representable values: the xz file is half the size
Path('ckpt').mkdir(exist_ok=True)
small = dict(epoch=ck['epoch'], state_dict_ema=sd)
torch.save(small, 'ckpt/epoch_010.pth.tar')
Path('ckpt/epoch_010.pth.tar.xz').write_bytes(lzma.compress(Path('ckpt/epoch_010.pth.tar').read_bytes(), preset=9))

# infer.py's steps (its torch.load maps storages to CUDA; here to the CPU)
cfg = load_config('config.yaml')
_ = fix_random_seed(0, include_cuda=True)
val_dataset = make_dataset(cfg['dataset_name'], False, cfg['val_split'], **cfg['dataset'])
val_loader = make_data_loader(val_dataset, False, None, 1, cfg['loader']['num_workers'])
model = make_meta_arch(cfg['model_name'], **cfg['model'])
model = nn.DataParallel(model, device_ids=cfg['devices'])
checkpoint = torch.load('ckpt/epoch_010.pth.tar', map_location='cpu')
print(model.load_state_dict(checkpoint['state_dict_ema'], strict=False))
infer_one_epoch(val_loader, model, -1, evaluator=None, output_file='unused.pkl',
                ext_score_file=cfg['test_cfg']['ext_score_file'], tb_writer=None, print_freq=10)
sub = json.load(open('submission.json'))
print({k: len(v) for k, v in sub['results'].items()})
