# One entry point. Every verb creates the virtualenv and installs the project on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DATA_DIR ?= .data
# The browser tests (tests/browser) drive Debian's chromium; Playwright never downloads one.
CHROMIUM := /usr/bin/chromium
# Spectral lints every OpenAPI spec in specs/ with its OAS ruleset (.spectral.yaml); npm installs it
# into .lint/ on first use, never globally.
SPECTRAL_DIR := .lint/spectral
SPECTRAL := $(SPECTRAL_DIR)/node_modules/.bin/spectral
SPECTRAL_PACKAGE := @stoplight/spectral-cli@6.16.3
OPENAPI_SPECS := $(shell grep -l '^openapi:' specs/*.yaml)
# each spec as served under each disputed reading other than the default (specs/readings.py)
SERVED_VARIANTS := .lint/served

.PHONY: run test lint browser bench soak clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/creditbox serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR) --fixture fixtures/demo.yaml

lint: $(STAMP) $(SPECTRAL)
	$(BIN)/ruff check creditbox sandbox contracts specs tests bench lint
	$(BIN)/ruff format --check creditbox sandbox contracts specs tests bench lint
	$(BIN)/mypy
	PYTHONPATH=. $(BIN)/lint-imports --no-cache
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity=warn $(OPENAPI_SPECS)
	rm -rf $(SERVED_VARIANTS)
	$(BIN)/python -m specs.readings --served $(SERVED_VARIANTS) >/dev/null
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity=warn '$(SERVED_VARIANTS)/*.json'

$(SPECTRAL):
	@command -v npm >/dev/null 2>&1 || { echo "make lint: npm is missing: install Node.js \
	(with npm) for Spectral, which lints the OpenAPI specs" >&2; exit 1; }
	npm install --prefix $(SPECTRAL_DIR) --no-audit --no-fund --loglevel=error $(SPECTRAL_PACKAGE)

# Installs Debian's chromium only when it is missing, so it costs nothing once installed.
browser: $(CHROMIUM)

$(CHROMIUM):
	@command -v apt-get >/dev/null 2>&1 || { echo "make browser: $(CHROMIUM) is missing and \
	apt-get is not available: install Chromium at $(CHROMIUM) for the browser tests" >&2; exit 1; }
	@echo "Installing Debian's chromium for the browser tests (apt-get)..."
	@sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); log=$$(mktemp); \
	if { $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive \
	     apt-get install -y -qq chromium; } >$$log 2>&1 && test -x $@; then rm -f $$log; \
	else tail -n 20 $$log >&2; rm -f $$log; \
	     echo "make browser: apt-get install chromium failed" >&2; exit 1; fi

# Two workers (pytest-xdist), each taking whole test files so that a file's shared sandbox and
# clients are built once: most tests wait on a server or a subprocess, so two keep both cores busy.
TEST_WORKERS ?= 2

test: lint browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The sandbox against Prism and plain Starlette (all three running, each operation on them in turn,
# 3 rounds under load and 3 with one client, medians kept), and how it scales: writes
# docs/benchmarks.md. Installs wrk (apt-get) and Prism (npm, into .bench/) when missing.
# BENCH_ARGS=--quick: a short run; BENCH_ARGS=--rounds N: N rounds.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The long reliability runs (SIGKILL 50 times, 10,000+ fuzzed requests, 20 contract runs per
# vendor against a faithful sandbox, every proxy drift (one per behaviour the traceability page
# states), and the rest of the reliability tests); writes docs/reliability.md from what they
# measured. `make test` runs the same tests with smaller numbers.
RELIABILITY_TESTS := tests/contracts/test_fuzzing.py tests/sandbox/test_crash_safety.py \
	tests/sandbox/test_concurrency.py tests/sandbox/test_tenant_isolation.py \
	tests/sandbox/test_auth_refusals.py tests/sandbox/hostile \
	tests/sandbox/test_body_limits.py tests/sandbox/test_control_access.py \
	tests/sandbox/test_disk_faults.py tests/contracts/test_false_alarms.py \
	tests/contracts/test_drifting_deployment.py
SOAK_FIGURES := .soak-figures.jsonl

soak: $(STAMP)
	rm -f $(SOAK_FIGURES)
	CREDITBOX_FIGURES=$(CURDIR)/$(SOAK_FIGURES) CRASH_ROUNDS=50 CREDITBOX_FUZZ_EXAMPLES=100 \
	CREDITBOX_FUZZ_MIN_REQUESTS=10000 CREDITBOX_FALSE_ALARM_SEEDS=20 \
	CREDITBOX_DRIFTS=all $(BIN)/python -m pytest $(RELIABILITY_TESTS)
	$(BIN)/python -m tests.support.reliability_report $(SOAK_FIGURES) docs/reliability.md

clean:
	rm -rf $(VENV) .lint build *.egg-info .pytest_cache .mypy_cache .ruff_cache
