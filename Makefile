# Hilo Rojo: `make run` (the app on the demo data) and `make test` (everything, against a real Neo4j).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two test processes, each with its own Neo4j; a test file stays in one process (its module fixtures).
PYTEST_WORKERS ?= -n 2 --dist loadfile

.PHONY: run test setup lint typecheck pytest stop clean map-data screenshots

$(STAMP): pyproject.toml
	@PYTHON=$(PYTHON) scripts/check-prereqs.sh python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	@scripts/check-prereqs.sh server
	$(BIN)/hilorojo db start
	$(BIN)/hilorojo demo --scale small
	$(BIN)/hilorojo analyze
	$(BIN)/hilorojo ui

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy graph loaders analytics ui cypher dossier bench tests access exchange values

pytest: setup
	@scripts/check-prereqs.sh server
	@scripts/install-browser.sh
	$(BIN)/pytest $(PYTEST_WORKERS)

test: lint typecheck pytest

# The Map page's country outlines, from the vendored Natural Earth TopoJSON (ui/web/geo/README.md).
map-data: setup
	$(BIN)/python scripts/world_outlines.py

# The README's pictures (docs/img/*.png): the browser test's screenshots of the demo's main pages.
screenshots: setup
	@scripts/check-prereqs.sh server
	@scripts/install-browser.sh
	HILOROJO_SCREENSHOTS=docs/img $(BIN)/pytest -q tests/test_browser.py -k screenshots

stop: setup
	$(BIN)/hilorojo db stop

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
