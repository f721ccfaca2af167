# The two commands of the README: `make book` and `make test`.
# Both create .venv if it is missing and install the project into it, so they work on a
# fresh machine; re-running them is safe.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test env data clean benchmark

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

env: $(STAMP)

data: $(STAMP)
	$(BIN)/se-ambulance fetch

book: data
	$(BIN)/se-ambulance build

# Unit and golden tests, nbval on the committed chapters, then the site in a real browser.
test: data
	$(BIN)/python -m pytest --nbval --nbval-current-env tests notebooks

clean:
	rm -rf _build data/cache

# Speed and memory, measured (not a test): see README "Benchmarks".
benchmark: data
	$(BIN)/python benchmarks/run.py
