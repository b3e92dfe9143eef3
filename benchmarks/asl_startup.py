"""`egonb-asl infer` against the released Ego4D-ASL `infer.py`, each as a whole process, on a released-format case.

The case is `data/asl_parity` (the released config at reduced width, with its XLNet layer, and a checkpoint): three
clips, so the time is mostly start-up (imports, building the model, loading the weights) and the ratio shows what a
user waits for per command. A second case is the same config without the XLNet layer (`use_xl: false`, a checkpoint
written by egonb in the released format). egonb never imports `transformers` for either (its XLNet layer is its own,
`egonb.asl.backbones.ASLXLNet`, equal to transformers' on the same weights); the released backbone imports its XLNet
module whatever the config says.

The released code is not part of egonb: give its checkout and a Python that runs it (torch, transformers 4.40 and
its compiled `nms_1d_cpu`). Its `infer.py` maps the checkpoint to CUDA; on a machine without a GPU it runs with
`torch.load` mapped to the CPU, nothing else changed.

  python benchmarks/asl_startup.py [--released /work/scratch-asl/rel] [--python /work/scratch-asl/venv/bin/python]
                                   [--runs 3]
"""
import argparse, lzma, os, resource, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIM = """import runpy, sys, torch
if not torch.cuda.is_available():
    load = torch.load
    torch.load = lambda f, map_location=None, **kw: load(f, map_location='cpu', **kw)
sys.argv = [sys.argv[1], *sys.argv[2:]]
runpy.run_path(sys.argv[0], run_name='__main__')
"""

def make_case(d, use_xl=True):
    "A copy of `data/asl_parity` in `d`: config, features, `configs/xlnet_config_16.json`, checkpoint `ckpt/`."
    src = ROOT/'data'/'asl_parity'
    shutil.copytree(src, d)
    (d/'configs').mkdir()
    shutil.copy(src/'xlnet_config_16.json', d/'configs'/'xlnet_config_16.json')
    (d/'ckpt').mkdir()
    ck = d/'ckpt'/'epoch_005.pth.tar'
    if use_xl: ck.write_bytes(lzma.decompress((src/'ckpt_perturbed.pth.tar.xz').read_bytes()))
    else:
        cfg = (d/'config.yaml').read_text()
        (d/'config.yaml').write_text(cfg.replace('model:\n', 'model:\n  use_xl: false\n', 1))
        code = ("import torch\nfrom egonb.asl.config import load_released_config\n"
                "from egonb.asl.meta_archs import build_model\nfrom egonb.asl.train import save_checkpoint\n"
                "torch.manual_seed(0)\nm = build_model(load_released_config('config.yaml'))\n"
                f"save_checkpoint('{ck}', m, m)\n")
        subprocess.run([sys.executable, '-c', code], cwd=d, check=True, env=dict(os.environ, EGONB_OFFLINE='1'))
    return d, ck

def timed(cmd, cwd, env, runs):
    """Median wall time and median CPU time (user + system, the process and its children) of `runs` runs of `cmd`,
    after one untimed run (the files in the page cache). CPU time is the steadier figure on a shared machine."""
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if r.returncode: raise SystemExit(f'{cmd[0]} failed:\n{r.stderr[-3000:]}')
    wall, cpu = [], []
    for _ in range(runs):
        u0, t = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=True)
        wall.append(time.perf_counter() - t)
        u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime)
    return statistics.median(wall), statistics.median(cpu)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--released', default='/work/scratch-asl/rel', help='checkout of the released Ego4D-ASL code')
    ap.add_argument('--python', default='/work/scratch-asl/venv/bin/python', help='a Python that runs it')
    ap.add_argument('--runs', type=int, default=3)
    a = ap.parse_args()
    rel = Path(a.released)
    exe = Path(sys.executable).parent/'egonb-asl'
    tmp = Path(tempfile.mkdtemp(prefix='egonb-asl-startup-'))
    (tmp/'shim.py').write_text(SHIM)
    egonb_env = dict(os.environ, EGONB_OFFLINE='1', HF_HUB_OFFLINE='1', PYTHONPATH=str(ROOT))
    rel_env = dict(os.environ, PYTHONPATH=f'{rel}:{rel}/libs/utils', HF_HUB_OFFLINE='1')
    print(f'{a.runs} runs each (median), CPU; load average {os.getloadavg()[0]:.2f}')
    print(f"{'case':28} {'':6} {'egonb-asl infer':>16} {'released infer.py':>18} {'released / egonb':>17}")
    for name, use_xl in (('with the XLNet layer', True), ('without it (use_xl: false)', False)):
        d, ck = make_case(tmp/name.split()[0], use_xl)
        t_e = timed([str(exe), 'infer', '--config', 'config.yaml', '--ckpt', str(ck), '--device', 'cpu'], d,
                    egonb_env, a.runs)
        t_r = timed([a.python, str(tmp/'shim.py'), str(rel/'infer.py'), 'config.yaml', str(ck), '--saveonly'], d,
                    rel_env, a.runs)
        for k, what in enumerate(('wall', 'CPU')):
            print(f'{name if k == 0 else "":28} {what:6} {t_e[k]:15.2f}s {t_r[k]:17.2f}s {t_r[k] / t_e[k]:16.2f}x')
    shutil.rmtree(tmp)

if __name__ == '__main__': main()
