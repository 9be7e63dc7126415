# The project's interface: `make serve`, `make test`, `make build`, `make figures`.
# Each target creates .venv from requirements.txt on first use (and again when it changes).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export TF_CPP_MIN_LOG_LEVEL ?= 2
# Material prints an end-of-life notice on every build; the README mentions it once.
export NO_MKDOCS_2_WARNING ?= 1

.PHONY: help serve test build figures clean

help:
	@echo "make serve    serve both languages at http://$(HOST):$(PORT)/ with live reload"
	@echo "make test     run the whole test suite (snippets, examples, strict build, site checks in Chromium)"
	@echo "make build    write the static site for both languages into site/ (strict)"
	@echo "make figures  regenerate every figure in assets/figures from the example scripts"
	@echo "make clean    remove site/, caches and .venv"

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

serve: $(STAMP)
	$(BIN)/python scripts/make_figures.py --missing
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

build: $(STAMP)
	$(BIN)/mkdocs build --strict

test: $(STAMP)
	bash scripts/install_browser.sh
	$(BIN)/python -m pytest

figures: $(STAMP)
	$(BIN)/python scripts/make_figures.py

clean:
	rm -rf site .cache .pytest_cache .ruff_cache $(VENV)
