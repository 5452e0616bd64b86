# Two entry points, both working on a fresh machine with only Python 3.11:
#   make demo   build the graph from data/ into build/ and print a summary
#   make test   run the whole test suite (and ruff)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test venv system-deps coverage notebooks clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/kg build --data data --out build

# Debian packages the browser tests and Chinese plot labels need (CI runs as root).
system-deps:
	@if ! dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "Please install the Debian packages chromium and fonts-noto-cjk (sudo apt-get install chromium fonts-noto-cjk)"; exit 1; \
	  fi; \
	fi

test: venv system-deps
	$(BIN)/ruff check kg tests
	$(BIN)/python -m pytest

# Open the analyst notebooks in JupyterLab, from the project's own environment (the "notebooks" extra).
notebooks: venv
	$(BIN)/python -m pip install --quiet -e '.[test,notebooks]'
	$(BIN)/jupyter lab notebooks/

# Regenerate data/COVERAGE.md from the data (a test fails when it is stale).
coverage: venv
	$(BIN)/kg stats --coverage --format markdown --data data > data/COVERAGE.md.tmp && mv data/COVERAGE.md.tmp data/COVERAGE.md

clean:
	rm -rf build $(VENV)
