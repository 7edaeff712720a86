PYTHON ?= python3

.PHONY: demo test install lint refdata

install:
	$(PYTHON) -m pip install -q -e ".[dev]"

demo: install
	immex demo

test: install
	$(PYTHON) -m pytest

lint:
	ruff check immex tests bench
	mypy immex

refdata:
	immex refdata build --source ../shared/data
