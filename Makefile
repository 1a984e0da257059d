# Two commands do everything on a fresh machine (see README):
#   make run    set up .venv and run `vbr run` on the embedded default data (writes maps/)
#   make test   set up .venv (and test-only system packages) and run ruff and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup run test lint data clean

$(BIN)/vbr: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/vbr

setup: $(BIN)/vbr

run: setup
	$(BIN)/vbr run

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

# Regenerate the embedded synthetic default data in data/ (fixed seed: byte-for-byte identical).
data: setup
	$(BIN)/vbr generate-default-data --out data

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
