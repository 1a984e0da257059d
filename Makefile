# Two commands do everything on a fresh machine (see README):
#   make run    set up .venv and run `vbr run` on the embedded default data (writes maps/)
#   make test   set up .venv (and test-only system packages) and run ruff and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup run test lint data clean bench bench-quick profile

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

# Benchmark (see README "Benchmark"): scenarios of 10k, 45k, 200k and 1M farms, a table of figures.
bench: setup
	$(BIN)/python benchmarks/run.py

bench-quick: setup
	$(BIN)/python benchmarks/run.py --quick

# Profile one ranking of 45,000 farms (needs the bench extra: pip install -e '.[bench]').
profile: setup
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/profile.py

# Regenerate the embedded synthetic default data in data/ (fixed seed: byte-for-byte identical).
data: setup
	$(BIN)/vbr generate-default-data --out data

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
