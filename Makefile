# Gongkai — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

export GONGKAI_DEMO ?= 1

.PHONY: run test lint lock pdf-deps browser-deps stack-deps stack stack-stop clean

# Installs exactly the versions in the lock file (with their hashes), then Gongkai itself without looking
# at its dependencies again. Re-runs when pyproject.toml or the lock changes. requirements.lock is the same
# set without the test tools, for production (docs/operations.md).
$(STAMP): pyproject.toml requirements-test.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
	  echo "!!! the lock does not satisfy pyproject.toml: run 'make lock UPGRADE='"; exit 1; }
	@touch $(STAMP)

# Upgrades the lock files to the newest versions pyproject.toml allows (the only step that needs uv, kept in
# var/lock-tools); review the diff, run `make test`, commit both files. UPGRADE="--upgrade-package django"
# upgrades one package only.
UPGRADE ?= --upgrade
LOCK_TOOLS := var/lock-tools
UV_COMPILE = $(LOCK_TOOLS)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
	--custom-compile-command "make lock"
lock:
	@test -x $(LOCK_TOOLS)/bin/uv || ($(PYTHON) -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install --quiet uv)
	$(UV_COMPILE) --extra test $(UPGRADE) -o requirements-test.lock
	$(UV_COMPILE) -c requirements-test.lock -o requirements.lock

run: $(STAMP) pdf-deps
	@mkdir -p var/static
	$(BIN)/gongkai migrate --no-input
	$(BIN)/gongkai demo --profile county --if-empty
	$(BIN)/gongkai demo --print-logins --base-url http://$(HOST):$(PORT)/
	@# The background worker (年报体检 batches, mail, re-indexing) runs beside the server and stops with it.
	@$(BIN)/gongkai worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gongkai runserver $(HOST):$(PORT)

# Debian packages: CJK fonts, Pango and HarfBuzz's subsetter for PDFs (letters, reports); Tesseract with its
# simplified-Chinese model and poppler's pdftoppm for the 年报体检's OCR of scanned reports; Chromium for the
# browser tests. Installed when missing and we may (root + apt); otherwise those tests are skipped, loudly.
PDF_PACKAGES     := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 tesseract-ocr tesseract-ocr-chi-sim poppler-utils
BROWSER_PACKAGES := chromium
define ensure_packages
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "正在安装系统软件包：$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "!!! 无法安装：$$missing（相关测试将被跳过 / related tests will be SKIPPED）"; \
	  else \
	    echo "!!! 缺少系统软件包：$$missing，且无法自动安装（相关测试将被跳过 / related tests will be SKIPPED）"; \
	  fi; \
	fi
endef

pdf-deps:
	$(call ensure_packages,$(PDF_PACKAGES))

browser-deps:
	$(call ensure_packages,$(PDF_PACKAGES) $(BROWSER_PACKAGES))

# The production stack on this machine (deploy/stack.sh; docs/operations.md, "本机完整部署"): nginx on
# 127.0.0.1:8080 → gunicorn (4 workers) → PostgreSQL (database gongkai_stack) + Redis, with the background
# worker and the scheduler; everything it writes is under var/stack/. `make stack-stop` stops what it started.
STACK_PACKAGES := nginx curl postgresql redis-server
stack-deps:
	$(call ensure_packages,$(STACK_PACKAGES))

stack: $(STAMP) pdf-deps stack-deps
	deploy/stack.sh start

stack-stop:
	deploy/stack.sh stop

# pytest's exit 5 ("no tests collected") is a failure, not a pass. The suite runs on every core (at most 4;
# each worker has its own test database); PYTEST_PARALLEL= runs it in one process.
PYTEST_PARALLEL ?= -n auto --maxprocesses=4
test: $(STAMP) browser-deps
	@$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "!!! pytest collected no tests"; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
