# cqkg - run `make help` for the targets. A newcomer needs only `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: help run build view serve test lint format docs bench bench-corpus screenshots clean browser-deps store-deps web-deps

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-13s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "cqkg needs Python >= 3.11"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

build: $(STAMP) ## Build the graph into build/ (validated; previous build kept on failure)
	$(BIN)/cqkg build

view: build ## Write the offline network viewer to build/viewer.html
	$(BIN)/cqkg view

run: view web-deps ## Install, build, write the viewer and serve everything on http://$(HOST):$(PORT)/
	$(BIN)/cqkg serve --host $(HOST) --port $(PORT)

serve: $(STAMP) web-deps ## Serve an existing build (SPARQL endpoint, query page, viewer)
	$(BIN)/cqkg serve --host $(HOST) --port $(PORT)

# The query page's YASGUI editor (@zazuko/yasgui, MIT) from the npm registry, pinned by
# package-lock.json; node_modules/ is git-ignored and the server serves its two built files.
# --ignore-scripts: no install hooks run. Without it the query page falls back to a plain editor.
NPM_STAMP := node_modules/.package-lock.json
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "installing nodejs and npm (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

web-deps: $(NPM_STAMP) ## Install the query page's YASGUI editor (npm ci) when missing or outdated

browser-deps: ## Install Debian's chromium (for the browser tests) when missing
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium and CJK fonts (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Virtuoso Open Source for the push test (tests/sparql/test_push_virtuoso.py). Only the binaries
# package: the server metapackage (virtuoso-opensource) would start a system service on the
# shared ports and ask for a dba password; the test runs its own instance in a temp dir.
# If apt cannot install it (not Debian, not root) the test is skipped and says why.
store-deps: ## Install Debian's Virtuoso binaries (second store for the push test) when missing
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "installing virtuoso-opensource-7-bin (apt-get)"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      virtuoso-opensource-7-bin >/dev/null; } \
	  || echo "warning: could not install virtuoso-opensource-7-bin; its push test will be skipped"; }

test: $(STAMP) browser-deps store-deps web-deps lint ## Install test deps and run the whole suite (lint and types first)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check graph tests scripts
	$(BIN)/ruff format --check graph tests scripts
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff's formatter and safe fixes
	$(BIN)/ruff check --fix graph tests scripts
	$(BIN)/ruff format graph tests scripts

docs: $(STAMP) ## Render the ontology documentation (pyLODE) into docs/_build/
	$(BIN)/python scripts/make_docs.py

bench: build browser-deps ## Run the benchmarks (build, query, view); numbers go in the README
	$(BIN)/python scripts/bench_build.py
	$(BIN)/python scripts/bench_query.py
	$(BIN)/python scripts/bench_view.py

bench-corpus: $(STAMP) ## Build synthetic corpora of 1-1000 articles; table + docs/bench-corpus.png
	$(BIN)/pip install -q -e '.[bench]' || echo "matplotlib unavailable: the plot is skipped"
	$(BIN)/python scripts/bench_corpus.py --sizes $(or $(SIZES),1,10,100,1000)

screenshots: build browser-deps web-deps ## Refresh docs/screenshots/*.png (viewer, query page, report)
	$(BIN)/python scripts/screenshots.py

clean: ## Remove build output and caches (keeps .venv)
	rm -rf build .build.versions build.failed.md .cqkg-cache docs/_build .pytest_cache .ruff_cache .mypy_cache .hypothesis
