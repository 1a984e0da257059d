# Two commands do everything on a fresh machine (see README):
#   make run    set up .venv and run `vbr run` on the embedded default data (writes maps/)
#   make check  set up .venv (and test-only system packages) and run ruff and the whole test suite
# and one for the edit-test loop:
#   make test   ruff and the quick tests (every test not marked slow; about a minute)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup run test check test-deps lint data screenshot clean bench bench-quick profile

$(BIN)/vbr: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/vbr

# The bytecode of vbr's own modules, as `pip install` of a wheel leaves it: an editable install
# leaves none, and where PYTHONDONTWRITEBYTECODE is set every process (the run's workers too)
# would compile the 24,000 lines again (0.3 s each start); up to date, this takes 0.1 s.
setup: $(BIN)/vbr
	@$(BIN)/python -m compileall -q src >/dev/null

run: setup
	$(BIN)/vbr run

lint: setup
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

test: setup
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python -m pytest

# Every test, the slow ones included (pyproject's addopts leave them out; the last -m wins).
check: setup test-deps
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/python -m pytest -m "slow or not slow"

# System packages the tests need: Debian's Chromium for the browser tests of the maps
# (tests/test_maps_browser.py). Installed with apt-get when missing (sudo when not root); where
# that is impossible the build goes on and those tests are skipped with the reason.
CHROMIUM ?= /usr/bin/chromium
test-deps:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "test-deps: no apt-get here; install Chromium at $(CHROMIUM) to run the browser tests"; exit 0; fi; \
	SUDO=""; \
	if [ "$$(id -u)" != 0 ]; then \
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
		else echo "test-deps: not root and no sudo; the browser tests will be skipped"; exit 0; fi; \
	fi; \
	echo "test-deps: installing chromium and chromium-driver (apt-get)"; \
	( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
		--no-install-recommends chromium chromium-driver >/dev/null ) \
	|| echo "test-deps: could not install chromium; the browser tests will be skipped"

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
# The generator lives in tools/default_data/, outside the installed package.
data: setup
	$(BIN)/python -m tools.default_data --out data

# The README's screenshots of the Veluwe map: first view, a farm's popup, search, an area's
# tooltip, the print view (headless Chromium, network blocked), and its map.png (normal, public);
# and of national/map.html with a what-if setting.
screenshot: setup test-deps
	$(BIN)/python -m vbr.maps.screenshot --region veluwe --out docs/map-veluwe.png \
		--popup-out docs/map-popup.png --search-out docs/map-search.png \
		--area-out docs/map-area.png --print-out docs/map-print.png \
		--png-out docs/map-veluwe-static.png --public-png-out docs/map-public-veluwe.png \
		--national-out docs/whatif.png

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
