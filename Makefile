# `make demo` sets everything up and annotates samples/; `make test` sets up and runs
# the linters and the whole suite (slow real-engine tests included).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SYSTEM_TOOLS := tesseract espeak-ng flite sox
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd espeak-ng flite sox libsox-fmt-all \
	fonts-dejavu-core fonts-liberation fonts-freefont-ttf hunspell-en-med hunspell-en-us

.PHONY: demo test lint unit system-deps venv dev clean lexicons

system-deps:
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
	  for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	  done; \
	else \
	  for t in $(SYSTEM_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "install them with: sudo apt-get install $(APT_PACKAGES)  (or your system's equivalent)"; \
	    exit 1; \
	  fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[base]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[base,dev,ray]'
	touch $@

venv: system-deps $(VENV)/.installed

dev: system-deps $(VENV)/.dev-installed

SAMPLES := $(wildcard samples/*.wav samples/*.flac samples/*.txt samples/*.png samples/*.tif samples/*.pdf)

demo: venv
	$(BIN)/uncertain annotate $(SAMPLES) --format prompt

lint: dev
	$(BIN)/ruff check uncertain tests benchmarks lexicons samples
	$(BIN)/mypy
	$(BIN)/mypy benchmarks

test: lint
	$(BIN)/python -m pytest -q tests

unit: dev
	$(BIN)/python -m pytest -q -m "not slow" tests

lexicons: dev
	$(BIN)/python lexicons/build.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
