# Shortcuts for dev.py, which needs nothing but Python 3.11 (`python3 dev.py run|test|lint`).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
BIN := .venv/bin

.PHONY: run test lint format bench data clean

run:  ## install into .venv, import the demo data into ./var, serve http://127.0.0.1:8000
	$(PYTHON) dev.py run

test:  ## the whole suite on SQLite, and on PostgreSQL where STELLWERK_TEST_DATABASE_URL is set
	$(PYTHON) dev.py test

lint:  ## ruff check, ruff format --check, mypy --strict
	$(PYTHON) dev.py lint

format:
	$(BIN)/ruff format src tests scripts bench dev.py
	$(BIN)/ruff check --fix src tests scripts bench dev.py

bench:  ## import/search figures (demo data), normalisation and classification figures (../shared/data)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/foundation.py
	$(BIN)/python bench/normalize.py
	$(BIN)/python bench/classification.py

data:  ## rebuild the packaged data from ../shared/data (the classifier's linear model is fitted with scikit-learn)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python scripts/build_reference_data.py
	$(BIN)/python scripts/build_classifier.py
	$(BIN)/python scripts/build_demo_data.py

clean:
	rm -rf .venv var .pytest_cache .mypy_cache .ruff_cache
