# Two commands on a fresh machine: `make run` (set up, then serve the dashboard) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.emodash-installed
HOST   ?= 127.0.0.1
PORT   ?= 8501

.PHONY: setup run test bench clean

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

clean:
	rm -rf $(VENV) .pytest_cache
