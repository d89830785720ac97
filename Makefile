# Two commands on a fresh machine:  make run  (demo shop on SQLite)  ·  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install lint

run: install
	$(BIN)/setia migrate --noinput
	$(BIN)/setia demo --if-missing
	@echo ""
	@echo "Setia: open http://127.0.0.1:$(PORT)/ and log in as wanty / setia-demo (owner) or rina / setia-demo (staff)"
	SETIA_HTTPS=false $(BIN)/setia serve --port $(PORT)

test: install
	$(BIN)/ruff check .
	bash scripts/test.sh

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@
	$(BIN)/setia buildmessages
