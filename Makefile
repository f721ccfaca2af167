# The two commands of the README: `make book` and `make test`.
# Both create .venv if it is missing and install the project into it, so they work on a
# fresh machine; re-running them is safe.
#
# The environment is pinned: requirements.lock (every package, exact version and hashes, for
# Python 3.11) is what gets installed; pyproject.toml only declares ranges. `make lock` is the
# only thing that rewrites the lock (see README "Environment").

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock

# The tools that install and lock, pinned too.
PIP_VERSION := 26.3
UV_VERSION  := 0.13.8
# The interpreter the lock is resolved for (the Python 3.11 of the development machines and CI).
LOCK_PYTHON := 3.11.7

.PHONY: book pdf page-weights test test-fast env data clean benchmark lock edition

# Exactly the locked packages (hash-checked), then the project itself without resolving anything;
# pip check fails if pyproject.toml declares something the lock lacks (then: make lock).
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and \
	  "$(VENV) is not Python 3.11, which requirements.lock is for: rm -rf $(VENV); make PYTHON=/path/to/python3.11")'
	$(BIN)/python -m pip install --quiet 'pip==$(PIP_VERSION)'
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	@touch $@

env: $(STAMP)

# Re-resolve requirements.lock from pyproject.toml (dependencies and the `test` extra). Pins already
# in the lock are kept unless pyproject.toml now excludes them; `make lock UPGRADE=1` moves every
# package to its newest allowed release. The next `make` installs the new lock.
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version $(LOCK_PYTHON) \
	  --generate-hashes --custom-compile-command 'make lock' --quiet $(if $(UPGRADE),--upgrade) -o $(LOCK)

data: $(STAMP)
	$(BIN)/se-ambulance fetch

# The book, and its PDF edition when Chromium is installed (`make pdf` insists on it).
book: data
	$(BIN)/se-ambulance build --pdf auto

# The PDF edition of the whole book and the two-page briefing, printed offline by Chromium into
# _build/html/pdf/ and linked from every page (the site is rebuilt with the links if it lacks them).
pdf: data
	$(BIN)/se-ambulance build --pdf yes

# A new edition: adopt the newest AmbSYS release (from the mirror, or NHS England's page), rebuild the canonical
# book, run the full tests, make the PDF, record the edition and its release note (CHANGELOG.md). Stops, changing
# nothing, if any step fails. The scheduled workflow (.github/workflows/edition.yml) runs exactly this.
edition: $(STAMP) | node_modules/axe-core
	$(BIN)/se-ambulance edition $(EDITION_ARGS)

# The full CI gate: unit and golden tests, nbval on the committed chapters, the books, the site in a
# real browser. On every core (pytest-xdist), in units of work that tests/conftest.py defines (a file, or a
# finer group it names) and hands out longest first: a notebook's cells run in one kernel in order and module
# fixtures are made once.
test: data | node_modules/axe-core
	$(BIN)/python -m pytest -n auto --dist loadgroup --no-loadscope-reorder --nbval --nbval-current-env \
	  --durations=25 tests notebooks

# axe-core, for the browser tests' accessibility check: exactly the version package-lock.json pins.
node_modules/axe-core:
	npm ci

# The quick tier while working: unit, golden and contract tests; no whole-book builds (marked
# slow), no browser, no nbval.
test-fast: data
	$(BIN)/python -m pytest -n auto -m "not slow and not site" tests

clean:
	rm -rf _build data/cache

# Speed and memory, measured (not a test): see README "Benchmarks".
benchmark: data
	$(BIN)/python benchmarks/run.py

# Page weights of the built site (first visit: requests, bytes, console errors, 390 px overflow).
page-weights:
	$(BIN)/python benchmarks/page_weights.py
