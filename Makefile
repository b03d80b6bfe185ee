# Two entry points: `make serve` and `make test` (`make screenshots` refreshes the README's images). Both set up .venv/ from the pinned lock file first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8001
INPUTS := $(wildcard sources/* claims/*)

.PHONY: install build serve test screenshots browser clean bench

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Rebuild only when an input is newer than kb.db; the build itself is atomic.
kb.db: $(STAMP) $(INPUTS)
	$(BIN)/kb build

build: kb.db

serve: kb.db
	$(BIN)/kb serve --port $(PORT)

# The browser tests drive Debian's chromium; install it when missing (root on CI),
# and let the tests skip with a reason where that is impossible.
browser:
	@command -v chromium >/dev/null 2>&1 || { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || echo "chromium could not be installed: browser tests will skip"; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# The browser tests save their screenshots in a temporary folder; this run saves them over the README's.
# (tests is named so that pytest loads tests/conftest.py, which declares --screenshots, before parsing it.)
screenshots: $(STAMP) browser
	$(BIN)/python -m pytest -q -m browser --screenshots docs/screenshots tests

# The build benchmark on a generated corpus of SIZE claims (README, Benchmarks): prints the figures,
# writes build/bench/SIZE.json and puts its table in the README.
SIZE ?= 100000
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --claims $(SIZE) --json build/bench/$(SIZE).json
	$(BIN)/python benchmarks/bench.py --readme build/bench/$(SIZE).json

clean:
	rm -rf $(VENV)
