#!/usr/bin/env bash
# One GPU check, at most 8 minutes: for CLIP ViT-B/32, SlowFast R50 and VideoMAE-B with random weights, model-only
# clips/s and the runner's clips/s (goal: runner >= 0.85x), peak GPU memory, in bf16; then ASL training steps/s at
# full width. Run it where a CUDA GPU is: bash benchmarks/gpu.sh (PY=python to use another interpreter).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
$PY -c "import torch; assert torch.cuda.is_available(), 'no CUDA GPU here'; print(torch.cuda.get_device_name(), torch.__version__)"
NW=$($PY -c "import os; print(max(1, min(8, (os.cpu_count() or 2) - 1)))")
timeout 330 $PY benchmarks/extract.py --device cuda --dtype bf16 --models clip slowfast videomae --batch_size 32 --num_workers "$NW"
timeout 60 $PY benchmarks/extract.py --device cuda --dtype fp32 --models clip --batch_size 32 --num_workers "$NW"
timeout 60 $PY benchmarks/asl_steps.py --device cuda --steps 30
