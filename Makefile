# Conserverie — the project's commands. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# pip-tools for `make requirements`, in a virtual environment of its own (not in the project's).
TOOLS := .venv-tools
PIP_TOOLS := pip-tools==7.7.0
PIP_COMPILE = env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	CUSTOM_COMPILE_COMMAND="make requirements" $(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host --index-url https://pypi.org/simple

.PHONY: install demo test lint format messages bench bench-pages requirements clean

# Development and tests: the exact versions and hashes of requirements/dev.txt (production's, plus the test tools),
# then the project itself without dependencies. A server installs requirements/prod.txt only (docs/deploy-en.md).
$(BIN)/conserverie: pyproject.toml requirements/prod.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(BIN)/conserverie

# DEBUG is off unless asked for (settings.py): the demo asks for it, and for the SITE_URL of its port (label QR codes,
# cancel and calendar links), unless SITE_URL is already set in the environment.
demo: install
	DEBUG=1 SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/conserverie demo --port $(PORT)

test: install
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/conserverie makemigrations --check --dry-run -v0
	$(BIN)/pytest -n 2 tests

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src tests

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

# Extract the French source strings into locale/en/LC_MESSAGES/django.po (new and changed entries come back
# empty or fuzzy: translate them, tests/core/test_i18n.py fails until then), then compile django.mo (committed).
messages: install
	cd src/conserverie && DEBUG=1 ../../$(BIN)/conserverie makemessages -l en --ignore=static --ignore='*/migrations/*' --no-obsolete -v0
	cd src/conserverie && DEBUG=1 ../../$(BIN)/conserverie compilemessages -v0

# Benchmarks (not part of `make test`): a throwaway SQLite database with 1 million jars and 300,000 distributions,
# then the forward trace, the recall list and 1,000 labels, timed; then the collection-round planner on a 30-farm
# round (solve time, km against nearest neighbour) and its gap to the exact optimum on 20 small rounds.
# Prints figures; a few minutes on 2 cores.
bench: install
	$(BIN)/python benchmarks/trace_bench.py
	$(BIN)/python benchmarks/round_bench.py

# Every page and export by URL name, as each role that may see it, on a throwaway database at two sizes (1 territory
# × 1 season, then BENCH_TERRITORIES × BENCH_SEASONS, 100 × 10 by default): queries and median time, printed and
# written to var/bench-pages.json; fails when a budget of docs/performance.md is broken. BENCH_CLOCK=cpu checks the
# time budget on CPU time (a machine shared with other jobs); DATABASE_URL=… runs it on an EMPTY throwaway database.
BENCH_TERRITORIES ?= 100
BENCH_SEASONS ?= 10
bench-pages: install
	BENCH_TERRITORIES=$(BENCH_TERRITORIES) BENCH_SEASONS=$(BENCH_SEASONS) $(BIN)/python benchmarks/bench_pages.py

# Recompile requirements/prod.txt and requirements/dev.txt (exact versions and hashes) after a change to
# requirements/*.in (keep pyproject.toml's dependencies in step). Pins already in the .txt files stay unless asked:
# make requirements ARGS="--upgrade-package django" (or ARGS=--upgrade for everything). From PyPI only, so that the
# hashes are those every machine downloads.
requirements:
	test -x $(TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet "$(PIP_TOOLS)")
	$(PIP_COMPILE) $(ARGS) --output-file requirements/prod.txt requirements/prod.in
	$(PIP_COMPILE) $(ARGS) --output-file requirements/dev.txt requirements/dev.in

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .ruff_cache .hypothesis
