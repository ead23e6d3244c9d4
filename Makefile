# nlp_jtbd — the two commands of the README contract are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TORCH_VERSION := 2.13.0
DEMO_OUT ?= demo_output

.PHONY: setup demo test lint format clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "nlp_jtbd needs Python 3.11+, found " + sys.version.split()[0]'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# torch first, pinned: an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(BIN)/jtbd analyze examples/interviews examples/reviews \
		--meta examples/interviews/manifest.csv \
		--metrics examples/metrics/customers.csv --growth-col tenure \
		--out $(DEMO_OUT)
	@echo "Demo output: $(DEMO_OUT)/ (utterances.parquet, clusters.csv, assignments.csv, predictions.csv, segments.csv, findings.csv, summary.json)"
	@echo "Open the report: $(DEMO_OUT)/report.html"

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .ruff_cache
