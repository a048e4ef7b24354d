# Gongkai — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

export GONGKAI_DEMO ?= 1

.PHONY: run test lint browser-deps clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	@mkdir -p var/static
	$(BIN)/gongkai migrate --no-input
	$(BIN)/gongkai demo --profile county --if-empty
	$(BIN)/gongkai demo --print-logins
	$(BIN)/gongkai runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when missing and we may (root + apt).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "正在安装 Chromium（浏览器测试需要）…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	      || echo "!!! 无法安装 Chromium：浏览器测试将被跳过 / Chromium could not be installed: browser tests will be SKIPPED"; \
	  else \
	    echo "!!! /usr/bin/chromium 不存在且无法自动安装：浏览器测试将被跳过 / browser tests will be SKIPPED"; \
	  fi; \
	fi

# pytest's exit 5 ("no tests collected") is a failure, not a pass.
test: $(STAMP) browser-deps
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "!!! pytest collected no tests"; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
