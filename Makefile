# The workbook's commands. Each one creates or refreshes .venv from requirements.lock first,
# so every target works on its own on a fresh machine with Python 3.11+ and make.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := pocmvp
# Two workers suit the 2-core machines this workbook is built for; loadfile keeps one
# notebook's cells on one worker (see MACHINE-NOTES).
PYTEST_WORKERS ?= 2
QUARTO_VERSION := 1.10.19
# The monthly report notebook ships inside the package (pocmvp report runs it).
REPORT_NOTEBOOK := src/pocmvp/toolkit/report_notebook/monthly_report.ipynb
# Python writes a module's bytecode (.pyc) the first time a process imports it, and every
# later kernel and command reads it. Where the machine sets PYTHONDONTWRITEBYTECODE (CI
# machines do), nothing would ever be written and every kernel would compile pandas,
# scikit-learn and matplotlib again (about 5 s each): the commands below let Python write
# it. This compiles only what is imported, once; compiling all of .venv up front (uv's
# --compile-bytecode) took 16 s of a fresh clone's CI run, mostly on modules nothing imports.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: help venv lab test lint format notebooks exercises report bench robustness searches site clean
MONTH ?= 2025-10

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# uv installs the lock's packages in parallel from its cache: seconds where pip, which
	# asks the package index about each package in turn, takes minutes on a fresh clone.
	$(BIN)/python -m pip install --quiet "uv>=0.9,<1"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (pocmvp workbook)" >/dev/null
	touch $(STAMP)

venv: $(STAMP) ## Create or refresh .venv from requirements.lock

lab: $(STAMP) ## Open the workbook in JupyterLab on chapter 1 (learners start here)
	$(BIN)/pocmvp lab

test: $(STAMP) ## Run every test: lint, unit tests, every notebook (nbval + papermill fast mode)
	$(BIN)/ruff check src tests tools chapters solutions
	$(BIN)/ruff format --check src tests tools chapters solutions
	$(BIN)/pocmvp exercises --check
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 600 \
		tests chapters solutions $(REPORT_NOTEBOOK)

lint: $(STAMP) ## Lint and format-check only
	$(BIN)/ruff check src tests tools chapters solutions
	$(BIN)/ruff format --check src tests tools chapters solutions

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests tools chapters solutions
	$(BIN)/ruff format src tests tools chapters solutions

notebooks: $(STAMP) ## Re-execute chapters, solutions and the report notebook; store their outputs; update index.qmd
	$(BIN)/pocmvp notebooks chapters solutions $(REPORT_NOTEBOOK)
	$(BIN)/pocmvp home

exercises: $(STAMP) ## Regenerate exercises/ from solutions/
	$(BIN)/pocmvp exercises

report: $(STAMP) ## The monthly report for MONTH (default 2025-10) into reports/MONTH
	$(BIN)/pocmvp report --month $(MONTH)

bench: $(STAMP) ## Time the heavy steps, every notebook and make test (on an idle machine); writes benchmarks/results.json
	$(BIN)/pocmvp bench --output benchmarks/results.json

searches: $(STAMP) ## Re-run the stored searches (the POC's, the tuned baseline's) and check their choices
	POCMVP_SEARCHES=1 $(BIN)/pytest -p no:randomly tests/test_tuning.py

robustness: $(STAMP) ## Every claim of the story on seeds 1-20 at both sizes; writes benchmarks/robustness.{json,md}
	$(BIN)/pocmvp robustness --seeds 1-20 --sizes default,fast --output benchmarks

site: $(STAMP) ## Render the learner and instructor editions into _site/ (needs Quarto)
	@QUARTO=$$(command -v quarto || ls $(BIN)/quarto 2>/dev/null); \
	if [ -z "$$QUARTO" ]; then $(BIN)/python -m pip install --quiet quarto-cli==$(QUARTO_VERSION) || true; \
		QUARTO=$$(command -v quarto || ls $(BIN)/quarto 2>/dev/null); fi; \
	if [ -z "$$QUARTO" ]; then \
		echo "Quarto is not installed. Install it with 'pip install quarto-cli==$(QUARTO_VERSION)'"; \
		echo "inside .venv, or from https://quarto.org/docs/get-started/, then run 'make site' again."; \
		exit 1; fi; \
	for edition in learner instructor; do start=$$SECONDS; \
		$$QUARTO render --profile $$edition || exit 1; \
		echo "$$edition edition: _site/$$edition/index.html, rendered in $$((SECONDS - start)) s"; \
	done

clean: ## Remove generated outputs (keeps .venv)
	rm -rf _site output .quarto benchmarks/*.tmp
