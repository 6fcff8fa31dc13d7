# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
# The end-to-end tests check every Bot API request against the published spec in ../shared.
BOT_API_SPEC := $(or $(PLANBOT_BOT_API_SPEC),../shared/telegram-bot-api/api.json)

.PHONY: run test lint bench clean spec

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/planbot run

spec:
	@test -f "$(BOT_API_SPEC)" || { echo "make test: no Bot API spec at $(BOT_API_SPEC):" \
	  "clone beside ../shared, or set PLANBOT_BOT_API_SPEC to its api.json" >&2; exit 2; }

test: spec $(STAMP_DEV)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy

bench: $(STAMP_DEV)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
