# Developer tasks. Needs GNU make and python >= 3.11; everything else goes into .venv.
#   make test            ruff (lint and format check), unit tests (every notebook executed on
#                        the bundled data and on made-up exports, its numbers checked), the
#                        docstrings' examples
#   make nbval           every notebook by nbval (already executed by make test's notebook tests)
#   make report [CODE=1] execute the notebooks and export reports/*.html (CODE=1 keeps code)
#   make lab             JupyterLab on notebooks/
#   make bench           run benchmarks/bench_*.py (installs the bench extra, and
#                        scattertext in .venv-scattertext)
#   make clean           remove reports/ and caches (keeps .venv)
#   make lock            rewrite constraints.txt from a fresh venv (after changing dependencies)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
# scattertext (the peer of bench_messages.py) pins NumPy and SciPy below ours: its own venv
PEER_VENV := .venv-scattertext
PEER_STAMP := $(PEER_VENV)/.installed
BENCHMARKS := $(sort $(wildcard benchmarks/bench_*.py))

.PHONY: report test nbval lab bench clean datasets lock

# The stamp is newer than pyproject.toml and constraints.txt once the venv matches them, so
# re-running is instant. constraints.txt pins every package to the versions CI tested.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/pip install -c constraints.txt -e ".[dev]"
	touch $@

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install -c constraints.txt -e ".[dev,bench]"
	touch $@

# A fresh venv with the newest versions pyproject.toml allows, frozen into constraints.txt.
LOCK_VENV := .venv-lock
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --upgrade pip
	$(LOCK_VENV)/bin/pip install -e ".[dev]"
	sed -n '/^#/p' constraints.txt > constraints.txt.new
	$(LOCK_VENV)/bin/pip freeze --exclude-editable | grep -v '^research' >> constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf $(LOCK_VENV)

$(PEER_STAMP):
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install "scattertext==0.2.2" six pyarrow
	touch $@

report: $(STAMP)
	$(BIN)/python -m research.report $(if $(filter 1,$(CODE)),--code)

# tests/notebooks executes every notebook top to bottom (on the bundled data, at another
# interval level, and on exports made by the tests) and asserts the numbers it records, which
# is what an nbval pass would check and more: running nbval as well would execute each
# notebook a second time for nothing (about 3 minutes), so it is a target of its own.
test: export MPLBACKEND = Agg
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --doctest-modules research

# nbval runs each notebook top to bottom (outputs are not compared: the committed notebooks
# have none).
nbval: export MPLBACKEND = Agg
nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax notebooks/

# The small synthetic CRM sample committed in datasets/synthetic_crm (see its README).
datasets: $(STAMP)
	$(BIN)/python -m research.data.synthetic --out datasets/synthetic_crm

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: export MPLBACKEND = Agg
bench: $(BENCH_STAMP) $(PEER_STAMP)
	@if [ -z "$(BENCHMARKS)" ]; then echo "no benchmarks/bench_*.py to run"; fi
	@set -e; for f in $(BENCHMARKS); do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf reports .pytest_cache .ruff_cache .hypothesis build dist
	find . \( -path ./.venv -o -path ./.git \) -prune -o \
	    \( -name __pycache__ -o -name .ipynb_checkpoints -o -name '*.egg-info' \) \
	    -type d -prune -exec rm -rf {} +
