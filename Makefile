# Two entry points for a newcomer: `make run` and `make test`.
# Each creates .venv with the pinned dependencies if needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
# languages with a catalog besides English (evidence/i18n.py LANGUAGES)
LOCALES := it

.PHONY: run dev test db browser postgres r debian-packages lint clean translations

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
	$(BIN)/python serve.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

## make lint: ruff, configured in pyproject.toml
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# Debian packages the tests use, each as package:a file it installs (a glob stands for the version).
DEB_BROWSER  := chromium:/usr/bin/chromium fonts-dejavu-core:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
DEB_POSTGRES := postgresql:/usr/lib/postgresql/*/bin/initdb
DEB_R        := r-cran-metafor:/usr/bin/Rscript

# $(call apt_install,PACKAGES,TESTS): install the missing ones in one apt-get run (each `apt-get update`
# costs seconds), one by one if that fails; without root or apt-get, say that TESTS will be skipped.
define apt_install
	@missing=""; for pair in $(1); do ls $${pair#*:} >/dev/null 2>&1 || missing="$$missing $${pair%%:*}"; done; \
	[ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq || true; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || \
	  for pkg in $$missing; do DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkg >/dev/null \
	    || echo "make: could not install $$pkg; $(2) that need it will be skipped"; done; \
	else echo "make:$$missing not installed and cannot install (needs root and apt-get); $(2) will be skipped"; fi
endef

## make browser: headless Chromium for the end-to-end tests, and the diagram font (Debian packages)
browser:
	$(call apt_install,$(DEB_BROWSER),the browser tests)

## make postgres: PostgreSQL server binaries for the store tests on PostgreSQL (Debian package)
postgres:
	$(call apt_install,$(DEB_POSTGRES),the PostgreSQL tests)

## make r: R with metafor, to regenerate the pooling reference values in the tests (Debian package)
r:
	$(call apt_install,$(DEB_R),the metafor regeneration tests)

## make debian-packages: the three above in one apt-get run
debian-packages:
	$(call apt_install,$(DEB_BROWSER) $(DEB_POSTGRES) $(DEB_R),the tests)

## make test: the linter, then the whole test suite on every core (pytest-xdist); the virtual environment
## and the Debian packages are installed side by side
test:
	@$(MAKE) --no-print-directory -j2 $(VENV)/.installed-test debian-packages
	@$(MAKE) --no-print-directory lint
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
