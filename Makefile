# Stellwerk developer commands. `make run` and `make test` are the README quickstart.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-sqlite test-postgres lint format typecheck bench data clean

$(BIN)/stellwerk: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/stellwerk  ## create .venv and install Stellwerk with its development tools

run: install  ## create the SQLite database under ./var, import the demo data, serve on http://$(HOST):$(PORT)
	$(BIN)/stellwerk import --demo
	$(BIN)/stellwerk serve --host $(HOST) --port $(PORT)

test: install  ## run the whole test suite on SQLite, and on PostgreSQL too where STELLWERK_TEST_DATABASE_URL is set
	$(BIN)/pytest
	@if [ -n "$$STELLWERK_TEST_DATABASE_URL" ]; then \
		echo "--- again on PostgreSQL ($$STELLWERK_TEST_DATABASE_URL)"; \
		STELLWERK_TEST_BACKEND=postgres $(BIN)/pytest; \
	else echo "STELLWERK_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; fi

lint: install  ## ruff lint and format check, mypy
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests scripts bench
	$(BIN)/ruff check --fix src tests scripts bench

bench: install  ## print import/search figures (demo data) and normalisation/classification figures (../shared/data)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/foundation.py
	$(BIN)/python bench/normalize.py
	$(BIN)/python bench/classification.py

data: install  ## rebuild the packaged reference and demo data from ../shared/data
	$(BIN)/python scripts/build_reference_data.py
	$(BIN)/python scripts/build_demo_data.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
