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

# The tool that installs and locks, pinned too. It lives in a folder of its own inside .venv, so that
# `uv pip sync` (which removes whatever the lock does not list) leaves it alone.
UV_VERSION := 0.13.8
UV_DIR     := $(VENV)/uv-$(UV_VERSION)
UV         := $(UV_DIR)/bin/uv
# The interpreter the lock is resolved for (the Python 3.11 of the development machines and CI).
LOCK_PYTHON := 3.11.7

# A relative data mirror is made absolute once, against the folder make runs in, so that every process
# below it (pytest's workers, kernels, notebooks run from notebooks/) reads the same folder. A path that
# does not exist is passed on as given: the data layer's mirror_dir() then says what it tried.
ifdef SE_AMBULANCE_DATA_MIRROR
export SE_AMBULANCE_DATA_MIRROR := $(shell cd -- "$$SE_AMBULANCE_DATA_MIRROR" 2>/dev/null && pwd \
                                     || printf '%s' "$$SE_AMBULANCE_DATA_MIRROR")
endif

.PHONY: book pdf page-weights test test-fast env data clean benchmark lock edition lint format typecheck \
        typecheck-baseline browser-deps hooks

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and \
	  "$(VENV) is not Python 3.11, which requirements.lock is for: rm -rf $(VENV); make PYTHON=/path/to/python3.11")'

$(UV): | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --target $(UV_DIR) 'uv==$(UV_VERSION)'

# Exactly the locked packages (hash-checked; anything else is removed), then the project itself without
# resolving anything; the check fails if pyproject.toml declares something the lock lacks (then: make lock).
$(STAMP): pyproject.toml $(LOCK) | $(UV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	$(UV) pip check --quiet --python $(BIN)/python
	@touch $@

env: $(STAMP)

# Re-resolve requirements.lock from pyproject.toml (dependencies and the `test` and `dev` extras). Pins
# already in the lock are kept unless pyproject.toml now excludes them; `make lock UPGRADE=1` moves every
# package to its newest allowed release. The next `make` installs the new lock.
lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra test --extra dev --python-version $(LOCK_PYTHON) \
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
edition: browser-deps data
	$(BIN)/se-ambulance edition $(EDITION_ARGS)

# The full CI gate: unit and golden tests, nbval on the committed chapters, the books, the site in a
# real browser. On every core (pytest-xdist), in units of work that tests/conftest.py defines (a file, or a
# finer group it names) and hands out longest first: a notebook's cells run in one kernel in order and module
# fixtures are made once.
test: browser-deps data
	$(BIN)/python -m pytest -n auto --dist loadgroup --no-loadscope-reorder --nbval --nbval-current-env \
	  --durations=25 tests notebooks

# What the browser tests need: Chromium (Debian's package) and axe-core (npm ci, the version
# package-lock.json pins). Installed when missing and possible (apt-get as root), or one line that says
# what to install. SE_AMBULANCE_SKIP_BROWSER=1 skips the browser tests knowingly.
browser-deps: $(STAMP)
	@$(BIN)/python -m tests.support.browser --install

# The quick tier while working: unit, golden and contract tests; no whole-book builds (marked
# slow), no browser, no nbval.
test-fast: data
	$(BIN)/python -m pytest -n auto -m "not slow and not site" tests

# --- gates that run before the tests (.ci/run runs them first) -------------------------------------------

# ruff's pyflakes and pycodestyle checks on the package, tests, benchmarks and the notebooks (ruff reads
# .ipynb itself). FORMAT_GATE=on (the default) adds `ruff format --check`; `make format` rewrites the files it names.
FORMAT_GATE ?= on
lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(if $(filter on,$(FORMAT_GATE)),$(BIN)/ruff format --check --no-cache .)

# Rewrites files in the code style of pyproject.toml [tool.ruff.format] (the notebooks are left as written).
format: $(STAMP)
	$(BIN)/ruff format --no-cache .

# mypy on the package. Only errors not in mypy-baseline.txt fail, and so do listed errors that are gone: the
# baseline only shrinks (mypy-baseline; settings in pyproject.toml). After fixing some, or after a merge:
# `make typecheck-baseline`, and commit mypy-baseline.txt.
MYPY := $(BIN)/mypy --no-error-summary --no-color-output
typecheck: $(STAMP)
	@$(MYPY) | $(BIN)/mypy-baseline filter --no-colors --hide-stats \
	  && echo "make typecheck: no type error beyond the $$(wc -l < mypy-baseline.txt) entries of mypy-baseline.txt" \
	  || { echo "make typecheck: a new type error above fails; if errors were fixed instead, run \
	make typecheck-baseline and commit mypy-baseline.txt"; exit 1; }

typecheck-baseline: $(STAMP)
	$(MYPY) | $(BIN)/mypy-baseline sync

# Run the gates on every commit (pre-commit, from the lock; hooks in .pre-commit-config.yaml).
hooks: $(STAMP)
	$(BIN)/pre-commit install

clean:
	rm -rf _build data/cache

# Speed and memory, measured (not a test): see README "Benchmarks".
benchmark: data
	$(BIN)/python benchmarks/run.py

# Page weights of the built site (first visit: requests, bytes, console errors, 390 px overflow).
page-weights:
	$(BIN)/python benchmarks/page_weights.py
