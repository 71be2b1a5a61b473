# The two commands: `make run` (the demo on embedded defaults) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# The site's address in emails. honcho gives each process its own PORT (the worker's is
# PORT+100), so every process is told the web's address rather than deriving it from PORT.
BASE_URL ?= http://127.0.0.1:$(PORT)
FLASK  := $(BIN)/flask --app tacenter
# Two test processes (pytest-xdist), a module each at a time so module fixtures stay shared: most of
# the suite's time is spent waiting on workers, browsers and mail servers, not on the CPU.
PYTEST_PARALLEL ?= -n 2 --dist loadfile

.PHONY: run test soak semgrep multihost multihost-packages lint services chromium dovecot clean assets bench translations translations-update

$(VENV)/.installed-run: requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run requirements-dev.txt
	$(BIN)/python -m pip install -q -r requirements-dev.txt -c constraints.txt
	touch $@

# Front-end assets from the npm registry (package-lock.json pins them): USWDS's compiled css, js,
# fonts and images are copied into static/vendor/uswds/ (gitignored); axe-core stays in
# node_modules for the accessibility tests.
USWDS_DIST := node_modules/@uswds/uswds/dist
ASSETS     := static/vendor/uswds/.copied

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund
	rm -rf static/vendor/uswds && mkdir -p static/vendor/uswds
	cp -R $(USWDS_DIST)/css $(USWDS_DIST)/js $(USWDS_DIST)/fonts $(USWDS_DIST)/img static/vendor/uswds/
	touch $@

assets: $(ASSETS)

# Translations (docs/i18n.md): the .po catalogs are committed; their .mo are built here, each
# again when its .po changes. `make translations-update` extracts the marked strings and merges
# them into every catalog for translators.
CATALOGS_PO := $(wildcard tacenter/translations/*/LC_MESSAGES/messages.po)
CATALOGS_MO := $(CATALOGS_PO:.po=.mo)

%/LC_MESSAGES/messages.mo: %/LC_MESSAGES/messages.po $(VENV)/.installed-run
	$(BIN)/pybabel -q compile -i $< -o $@

translations: $(CATALOGS_MO)

translations-update: $(VENV)/.installed-run
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o tacenter/translations/messages.pot .
	$(BIN)/pybabel -q update -i tacenter/translations/messages.pot -d tacenter/translations \
		--no-fuzzy-matching --width 110

## make run: install, migrate, load the demo, serve web + a real worker on SQLite (no Redis needed)
run: $(VENV)/.installed-run $(ASSETS) translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "==> $(BASE_URL)  (demo logins in README.md; password: demo-password)"
	BASE_URL=$(BASE_URL) $(BIN)/honcho start -f Procfile.dev -p $(PORT)

# semgrep (quality.md S13) in a venv of its own: its pins (click, opentelemetry, ...) clash with the app's.
SEMGREP_VENV := .venv-semgrep
$(SEMGREP_VENV)/.installed: requirements-semgrep.txt
	test -x $(SEMGREP_VENV)/bin/python || $(PYTHON) -m venv $(SEMGREP_VENV)
	$(SEMGREP_VENV)/bin/python -m pip install -q -r requirements-semgrep.txt
	touch $@

semgrep: $(SEMGREP_VENV)/.installed

## make test: install everything the suite needs, then run it on SQLite and on PostgreSQL
test: $(VENV)/.installed-test $(ASSETS) translations chromium dovecot services semgrep
	$(BIN)/ruff check .
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_PARALLEL)
	TACENTER_TEST_DB=postgresql $(BIN)/pytest -p no:cacheprovider $(PYTEST_PARALLEL) -m "not soak and not browser and not database_independent"

## make soak: the long variants (pytest marker `soak`) on both databases and the browser tests on
## PostgreSQL, printing the figures of quality.md (docs/security-reliability.md); SOAK_ARGS="-k r11";
## then the multi-host run (R1 at full size, then the faults; root, docs/production.md)
soak: $(VENV)/.installed-test $(ASSETS) translations chromium dovecot services semgrep multihost-packages
	$(BIN)/pytest -p no:cacheprovider -m soak -rs -s $(SOAK_ARGS)
	TACENTER_TEST_DB=postgresql $(BIN)/pytest -p no:cacheprovider -m "soak or browser" -rs -s $(SOAK_ARGS)
	$(MAKE) multihost

## make multihost: ten hosts in network namespaces (deploy/multihost, docs/production.md); prints figures
multihost: $(VENV)/.installed-test multihost-packages
	$(BIN)/python -m deploy.multihost.run r1
	$(BIN)/python -m deploy.multihost.run faults

# Debian's nginx (the proxy), nftables (cuts a host off), iproute2 (ip netns) and PostgreSQL's
# server binaries (the db host's own cluster) for the multi-host run.
multihost-packages:
	@command -v nginx >/dev/null && command -v nft >/dev/null && command -v ip >/dev/null \
		&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			nginx nftables iproute2 openssl postgresql redis-server; }

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The IMAP server the mail-in tests start on loopback with their own config (tests/imap.py); the
# package's own service is not used. openssl makes the tests' self-signed certificate for IMAPS.
dovecot:
	@command -v dovecot >/dev/null && command -v openssl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd openssl; }

services:
	@bash scripts/ensure-services.sh

## make bench: the page benchmark (docs/performance.md); BENCH_ARGS="--db sqlite --duration 10" to adjust
bench: $(VENV)/.installed-test services
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) $(SEMGREP_VENV) instance test-artifacts node_modules static/vendor
