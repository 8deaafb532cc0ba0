# One command each: `make serve` runs the whole system, `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NODE_STAMP := tests/node/node_modules/.installed

.PHONY: serve test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(NODE_STAMP): tests/node/package.json
	cd tests/node && npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

serve: $(STAMP)
	$(VENV)/bin/pykue serve

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) tests/node/node_modules .pykue
