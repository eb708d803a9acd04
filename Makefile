# recommender — run `make` for the list of targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.setup-done
DATA   ?= data
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_ARTICLE ?= kn-1003
# pip through a retry loop: a registry download cut short (seen in CI: the same wheel stalling
# at the same byte six times) gets five whole attempts, 15 s to 60 s apart, before setup fails
# (--resume-retries needs pip 25.1: not the first step's, which installs that pip)
RETRY  = scripts/retry 5
PIP    = $(RETRY) $(BIN)/python -m pip install -q
DOWNLOADS := $(VENV)/downloads

.DEFAULT_GOAL := help
.PHONY: help setup browser nginx postgres demo build serve test test-all lint typecheck bench screenshot clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(STAMP) ## Create .venv and install torch (CPU) first, then the project (idempotent)

$(STAMP): pyproject.toml recommender/pipeline/kernels.py recommender/pipeline/ahead.py \
  recommender/serving/kernels.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) --resume-retries 10 torch==2.13.0
	# The project's wheels downloaded first, into a folder kept between attempts (pip keeps no
	# cache on these machines): a retry fetches only what the last attempt missed. Then they are
	# installed from there alone (torch pinned again: a dependency's bare `torch` would fetch
	# another build; setuptools is the editable install's build backend).
	$(RETRY) $(BIN)/python -m pip download -q --resume-retries 10 -d $(DOWNLOADS) \
	  '.[dev,ray]' torch==2.13.0 'setuptools>=77'
	$(BIN)/python -m pip install -q --no-index --find-links $(DOWNLOADS) -e '.[dev,ray]'
	# an update's list kernels and the request path's loops built once, ahead of time
	# (recommender/pipeline/ahead.py)
	$(BIN)/python -m recommender.pipeline.ahead
	touch $(STAMP)

browser: ## Install Debian's Chromium for the browser tests (needs root; skipped if present)
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

nginx: ## Install Debian's nginx for the reverse-proxy test (needs root; skipped if present)
	@test -x /usr/sbin/nginx || { \
	  echo "installing nginx (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

postgres: ## Install Debian's PostgreSQL for the server event store tests (needs root; skipped if present)
	@{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || { \
	  echo "installing postgresql (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

build: setup ## Build the demo index into $(DATA)
	$(BIN)/recommender build --data-dir $(DATA)

serve: setup ## Serve $(DATA) on http://$(HOST):$(PORT)
	$(BIN)/recommender serve --data-dir $(DATA) --host $(HOST) --port $(PORT)

demo: build ## Set up, build the demo index and serve it on http://127.0.0.1:8000
	@echo ""
	@echo "  Serving the demo on http://$(HOST):$(PORT)"
	@echo "  Open: http://$(HOST):$(PORT)/demo/$(DEMO_ARTICLE)   (an article with the widget; all: /demo)"
	@echo "  Try:  curl 'http://$(HOST):$(PORT)/v1/recommendations?article_id=$(DEMO_ARTICLE)'"
	@echo "  API docs: http://$(HOST):$(PORT)/docs"
	@echo ""
	$(BIN)/recommender serve --data-dir $(DATA) --host $(HOST) --port $(PORT)

test: setup browser nginx postgres lint ## Set up, run the lint gates, then the test suite (what CI runs)
	$(BIN)/python -m pytest

test-all: setup browser nginx postgres ## The test suite including slow tests (real corpora, crash loops)
	$(BIN)/python -m pytest -m ''

lint: setup ## ruff check, ruff format --check, mypy strict (the gates of CI and pre-commit)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: setup ## mypy only
	$(BIN)/mypy

screenshot: setup browser ## Re-take docs/widget.png from the demo page (after `make build`)
	$(BIN)/python scripts/screenshot.py --data-dir $(DATA) --article $(DEMO_ARTICLE)

bench: setup ## Run the benchmarks (JSON lines on stdout)
	$(BIN)/python benchmarks/run_all.py

clean: ## Remove the virtualenv, caches and the demo data
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache $(DATA)
