"""Make the EgoVLP parity fixture with the released EgoVLP code (see README.md for the environment).

Run from a folder holding the released repository's `model/`, `base/base_model.py`, `utils/` and `parse_config.py`
(git archive of showlab/EgoVLP), with timm 0.4.12, transformers 4.2.1 and einops first on PYTHONPATH:
    python make_fixture.py OUT_DIR
"""
import sys, types, argparse, importlib.util
from functools import partial
from pathlib import Path
import numpy as np, torch

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
# `model.model` imports `base` (whose __init__ pulls in cv2/decord datasets) only for BaseModel: load just that file
spec = importlib.util.spec_from_file_location('base.base_model', 'base/base_model.py')
bm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bm)
sys.modules['base'] = types.SimpleNamespace(BaseModel=bm.BaseModel)
import transformers
import model.model as mm
import model.video_transformer as vt

# the tiny configuration: FrozenInTime hard-codes ViT-B/16 and distilbert-base-uncased from disk, so its two
# constructors are swapped for tiny ones here; everything else (forward passes, projections, names) is released code
VIDEO = dict(img_size=16, patch_size=4, embed_dim=32, depth=2, num_heads=2, mlp_ratio=2.)
TEXT = dict(vocab_size=64, max_position_embeddings=16, n_layers=2, n_heads=2, dim=32, hidden_dim=48)
mm.SpaceTimeTransformer = partial(vt.SpaceTimeTransformer, **VIDEO)
mm.AutoModel = types.SimpleNamespace(
    from_pretrained=lambda *a, **k: transformers.DistilBertModel(transformers.DistilBertConfig(**TEXT)))
_load = torch.load
torch.load = lambda *a, **k: {'none': torch.zeros(1)}   # the ImageNet ViT FrozenInTime reads: none (random below)
torch.manual_seed(0)
m = mm.FrozenInTime(dict(model='SpaceTimeTransformer', arch_config='base_patch16_224', num_frames=4,
                         pretrained=True, time_init='zeros'),
                    dict(model='distilbert-base-uncased', pretrained=True, input='text'), projection_dim=16)
torch.load = _load
g = torch.Generator().manual_seed(1)
with torch.no_grad():          # every weight random (time attention starts at zero/one in the released init)
    for k, p in m.named_parameters():
        p.copy_((1. if 'norm' in k.lower() and k.endswith('weight') else 0.) + 0.2 * torch.randn(p.shape, generator=g))
m.eval()

videos = {'video4': torch.randn(2, 4, 3, 16, 16, generator=g), 'video2': torch.randn(1, 2, 3, 16, 16, generator=g)}
ids = torch.randint(1, TEXT['vocab_size'], (2, 7), generator=g)
mask = torch.ones(2, 7, dtype=torch.long)
mask[1, 5:] = 0
with torch.no_grad():
    expected = {f'{k}_cls': m.video_model(v) for k, v in videos.items()}
    expected |= {f'{k}_embed': m.compute_video(v) for k, v in videos.items()}
    expected['text_embed'] = m.compute_text(dict(input_ids=ids, attention_mask=mask))
    expected['text_tokens'] = m.compute_text_tokens(dict(input_ids=ids, attention_mask=mask))

# a checkpoint as the released trainer writes it (base/base_trainer.py `_save_checkpoint`): DataParallel names,
# and the run's ConfigParser (parse_config.py) with its argparse Namespace and Paths, which is not just tensors
sys.modules['logger'] = types.SimpleNamespace(setup_logging=None)
import parse_config
cfg = parse_config.ConfigParser.__new__(parse_config.ConfigParser)
cfg.args = argparse.Namespace(config='configs/pt/egoclip.json', resume=None, device=None)
cfg.cfg_fname, cfg.resume = Path('configs/pt/egoclip.json'), None
cfg._config = dict(name='tiny', arch=dict(type='FrozenInTime', args=dict(video_params=VIDEO, text_params=TEXT)))
cfg._save_dir, cfg._log_dir = Path('results/models/0101_00'), Path('results/log/0101_00')
cfg.log_levels = {0: 30, 1: 20, 2: 10}
ck = dict(arch='FrozenInTime', epoch=1, state_dict={'module.' + k: v for k, v in m.state_dict().items()},
          optimizer={}, monitor_best=np.float64(0.5), config=cfg)
torch.save(ck, out/'egovlp_tiny.pth')
torch.save(dict(inputs=dict(**videos, input_ids=ids, attention_mask=mask), expected=expected,
                names=list(m.state_dict())), out/'expected.pt')
print({k: tuple(v.shape) for k, v in expected.items()})
print(torch.__version__, transformers.__version__, __import__('timm').__version__)
