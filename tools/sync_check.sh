#!/usr/bin/env bash
# Fails when nbdev-clean, nbdev-export or the README generator change any file:
# notebooks must be committed clean and egonb/ and README.md in sync with them.
set -euo pipefail
snap() { find nbs egonb README.md -type f -not -path '*/.ipynb_checkpoints/*' -not -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha1sum; }
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
echo "sync check: notebooks clean, egonb/ and README.md in sync"
