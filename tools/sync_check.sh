#!/usr/bin/env bash
# Fails when nbdev-clean, nbdev-export or the README generator change any file:
# notebooks must be committed clean (with their saved outputs, within tools/save_outputs.py's limits) and egonb/ and
# README.md (and its figures in index_files/) in sync with them.
set -euo pipefail
snap() { find nbs egonb README.md $(test -d index_files && echo index_files) -type f -not -path '*/.ipynb_checkpoints/*' -not -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha1sum; }
before=$(snap)
nbdev-clean
after_clean=$(snap)
nbdev-export
python tools/make_readme.py
after=$(snap)
if [ "$before" != "$after_clean" ]; then
  echo "nbdev-clean changed these notebooks (commit them clean):"; diff <(echo "$before") <(echo "$after_clean") | grep '^>' || true; exit 1
fi
if [ "$after_clean" != "$after" ]; then
  echo "nbdev-export / make_readme changed these files (library or README out of sync):"; diff <(echo "$after_clean") <(echo "$after") | grep '^>' || true; exit 1
fi
python tools/style_check.py           # lines under 120 characters, no ';'-joined statements (EXEMPT aside)
python tools/save_outputs.py --check   # saved outputs small: PNG size, no stderr/progress bars, no widget state
echo "sync check: notebooks clean, egonb/ and README.md in sync"
