# Two entry points, both working on a fresh machine with only Python 3.11:
#   make demo   build the graph from data/ into build/ and print a summary
#   make test   run the whole test suite (and ruff)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test venv clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/kg build --data data --out build

test: venv
	$(BIN)/ruff check kg tests
	$(BIN)/python -m pytest

clean:
	rm -rf build $(VENV)
