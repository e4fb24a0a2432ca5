# Two entry points for a newcomer: `make run` and `make test`.
# Each creates .venv with the pinned dependencies if needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
# languages with a catalog besides English (evidence/i18n.py LANGUAGES)
LOCALES := it

.PHONY: run dev test db browser postgres r lint clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## make db: create or upgrade the database and load data/ if it changed
db: $(VENV)/.installed
	$(BIN)/evidence init

## make run: the app on the embedded evidence base (http://localhost:$(PORT))
run: db
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

## make browser: headless Chromium for the end-to-end test (Debian package)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "make: could not install chromium; the browser test will be skipped"; \
	  else echo "make: chromium not installed and cannot install it; the browser test will be skipped"; fi; }

## make lint: ruff, configured in pyproject.toml
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

## make postgres: PostgreSQL server binaries for the store tests on PostgreSQL (Debian package)
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
	      || echo "make: could not install postgresql; the PostgreSQL tests will be skipped"; \
	  else echo "make: postgresql not installed and cannot install it; the PostgreSQL tests will be skipped"; fi; }

## make r: R with metafor, to regenerate the pooling reference values in the tests (Debian package)
r:
	@command -v Rscript >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq r-cran-metafor >/dev/null) \
	      || echo "make: could not install r-cran-metafor; the metafor regeneration tests will be skipped"; \
	  else echo "make: Rscript not installed and cannot install it; the metafor regeneration tests will be skipped"; fi; }

## make test: the linter, then the whole test suite on every core (pytest-xdist)
test: $(VENV)/.installed-test browser postgres r lint
	$(BIN)/python -m pytest -n auto --dist loadgroup

## make translations: collect every interface text (babel.cfg) and merge new ones into each catalog;
## then write the Italian of each new or "#, fuzzy" entry in evidence/locale/it/LC_MESSAGES/messages.po
## (the app reads the .po itself: nothing to compile). tests/test_translations.py fails while one is missing.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project cart-evidence \
		-o $(VENV)/messages.pot .
	for lang in $(LOCALES); do $(BIN)/pybabel update -i $(VENV)/messages.pot -d evidence/locale \
		-D messages -l $$lang --init-missing --ignore-obsolete || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

## make dev: the app with tracebacks shown in the browser and reload on save (development only)
dev: db
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --client.showErrorDetails full \
		--server.runOnSave true
