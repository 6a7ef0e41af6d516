# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-cuda test-lowest lint setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aekit demo --force  # a second run replaces the first one's model and figure

# Two test processes (pytest-xdist), one thread each (tests/conftest.py): 7.5 minutes on a
# 2-core machine. `python -m pytest` alone runs it in one, e.g. to debug a test.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2

# The same suite with every model on the GPU (AEKIT_TEST_DEVICE=cuda make test does the same).
test-cuda: $(STAMP)
	AEKIT_TEST_DEVICE=cuda $(BIN)/python -m pytest

# The suite with the lowest versions pyproject.toml allows (constraints-lowest.txt), in a venv
# of its own: the floors it declares are the ones this runs.
test-lowest:
	$(PYTHON) -m venv .venv-lowest
	.venv-lowest/bin/pip install --quiet --upgrade pip
	.venv-lowest/bin/pip install --quiet --only-binary=:all: -r constraints-lowest.txt
	.venv-lowest/bin/pip install --quiet -c constraints-lowest.txt -e ".[dev]"
	.venv-lowest/bin/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

clean:
	rm -rf $(VENV) .venv-lowest
