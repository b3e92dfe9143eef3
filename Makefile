# egonb: two commands on a fresh machine.
#   make demo   set up .venv, run the pipeline on the bundled sample data
#   make test   set up .venv, check notebooks are clean and the library in sync, run every notebook
#   make docs   build the doc site into _docs/ (make docs-check: look at it in headless Chromium)
#   make lab    JupyterLab rooted at the repo (http://localhost:8888/lab/tree/nbs/08_aks.ipynb)
SHELL := /bin/bash
PY    ?= python3.11
VENV  ?= .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.egonb-installed
OUT   ?= outputs/demo

.PHONY: setup lab demo test sync-check nbtest readme export clean-nbs bench sample-data outputs docs docs-check

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "Installing egonb and its dependencies into $(VENV) (first run takes a few minutes)..."
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[dev,audio,cluster]" 2> >(grep -v "is ignored: it is neither" >&2)
	@touch $(STAMP)

setup: $(STAMP)

# JupyterLab on the chapters, rooted here so that lab/tree/nbs/<chapter>.ipynb resolves (LAB_FLAGS: e.g. --no-browser)
LAB_FLAGS ?=
lab: setup
	$(BIN)/jupyter-lab --ServerApp.root_dir="$(CURDIR)" $(LAB_FLAGS)

demo: setup
	$(BIN)/egonb-demo --input_dir data/sample --output_dir $(OUT)

test: setup sync-check nbtest

sync-check: setup
	@PATH="$(abspath $(BIN)):$$PATH" bash tools/sync_check.sh

nbtest: setup
	@PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python tools/run_tests.py

export: setup
	$(BIN)/nbdev-export
	$(BIN)/python tools/make_readme.py

clean-nbs: setup
	$(BIN)/nbdev-clean

readme: setup
	$(BIN)/python tools/make_readme.py

sample-data: setup
	$(BIN)/egonb-make-sample-data --output_dir data/sample

bench: setup
	$(BIN)/python benchmarks/decode.py
	$(BIN)/python benchmarks/extract.py
	$(BIN)/python benchmarks/caption.py
	$(BIN)/python benchmarks/nms.py
	$(BIN)/python benchmarks/ray.py

# Docs: notebooks carry their saved outputs (make outputs [NBS="nbs/02_decode.ipynb ..."]), the site is built offline
# into _docs/ (make docs) and checked in headless Chromium with the demo report and JupyterLab (make docs-check: needs
# `apt-get install -y chromium`, says SKIPPED and fails with status 3 without it; screenshots in _docs/screenshots/).
# Neither is part of make test.
NBS ?=
DOCS_STAMP := $(VENV)/.egonb-docs-installed
$(DOCS_STAMP): $(STAMP)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[dev,audio,cluster,docs]" 2> >(grep -v "is ignored: it is neither" >&2)
	@touch $(DOCS_STAMP)

outputs: setup
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python tools/save_outputs.py $(NBS)

docs: $(DOCS_STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python tools/build_docs.py

docs-check: $(DOCS_STAMP)
	@test -f _docs/pages.json || $(MAKE) docs
	@test -f $(OUT)/index.html || $(MAKE) demo
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python tools/docs_check.py --demo $(OUT)/index.html
