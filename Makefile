# dtr-desktop: `make run` opens the window, `make test` runs the whole suite.
# Both install what is missing first: Debian packages (when run as root),
# a virtual environment in .venv, and the package itself.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.dtr-installed

# Qt's runtime libraries, a virtual screen, the Secret Service keyring and
# the real registry and clients that the tests run against.
DEBIAN_PACKAGES := python3-venv python3-pip libegl1 libgl1 libxkbcommon0 \
	libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core \
	xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 dbus \
	gnome-keyring libsecret-tools docker-registry apache2-utils skopeo openssl \
	golang-docker-credential-helpers

PYTEST_ARGS ?=
RUN_ARGS ?=

.PHONY: run test deps system-deps venv lint check screenshots bench clean

run: deps
	$(BIN)/dtr-desktop $(RUN_ARGS)

test: deps
	scripts/run-tests $(PYTEST_ARGS)

deps: system-deps venv

system-deps:
	@scripts/install-debian-packages $(DEBIAN_PACKAGES)

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

lint: venv
	$(BIN)/ruff check dtr_desktop tests bench
	$(BIN)/ruff format --check dtr_desktop tests bench
	$(BIN)/mypy

check: lint test

screenshots: deps
	scripts/run-tests --screenshots-only

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

-include packaging/package.mk
-include bench/bench.mk
