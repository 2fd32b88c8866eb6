# Docker from 0 to 1 — every workshop command. `make` alone lists them.

.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TARGET ?= steps
export TARGET

# `make check-step 2` passes "2" as a goal: take it as the step and make that goal do nothing.
STEP_COMMANDS := check-step hint watch reset-step
ifneq ($(filter $(firstword $(MAKECMDGOALS)),$(STEP_COMMANDS)),)
  STEP ?= $(word 2,$(MAKECMDGOALS))
  EXTRA_GOALS := $(wordlist 2,$(words $(MAKECMDGOALS)),$(MAKECMDGOALS))
  ifneq ($(EXTRA_GOALS),)
    $(eval $(EXTRA_GOALS):;@:)
  endif
endif
STEP ?= $(N)

# Messages in the learner's language (WORKSHOP_LANG > `make lang` > locale > English): checker/text/i18n.py
# decides, with the system Python, so this works before `make setup` made the virtual environment.
SAY := $(PYTHON) -m checker.commands.lang say

.PHONY: help lang setup setup-language venv engine images check-step test clean

help: ## show this list of commands
	@$(PYTHON) -m checker.commands.makehelp

lang: ## choose the language of every message and keep it: make lang L=zh (L=en; L=auto follows the locale; no L: show it)
	@$(PYTHON) -m checker.commands.lang set "$(L)"

setup: setup-language venv engine images ## install the tools, start a container engine, prepare images (once)
	@$(SAY) setup.done

# the first line of `make setup`: which language, why, and how to switch
setup-language:
	@$(PYTHON) -m checker.commands.lang explain

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(SAY) setup.installing venv=$(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@
	@$(SAY) setup.installed

engine:
	@bash scripts/ensure-engine.sh

images: venv ## make python:3.13-slim and redis:8 available (pulls, or builds offline stand-ins)
	@$(PY) -m checker images

check-step: venv ## run the checks of one step: make check-step 1 (FORMAT=json: the results as JSON on stdout)
	@$(PY) -m checker check $(STEP) --target "$(TARGET)"

test: venv ## the workshop's own tests: checker units, every solution passes, every starter fails
	@$(PY) -m pytest; status=$$?; \
	  if [ $$status -eq 5 ]; then $(SAY) test.none_collected >&2; fi; \
	  exit $$status

# the dev container (.devcontainer/) built and run as VS Code and Codespaces run it, the course checked
# inside it: minutes long, so not part of `make test` (CI runs it once). DEVCONTAINER_IMAGES=build makes
# the stand-ins inside instead of passing this engine's images in.
.PHONY: test-devcontainer
test-devcontainer: venv
	@WORKSHOP_DEVCONTAINER=1 $(PY) -m pytest -s tests/test_devcontainer.py

clean: venv ## remove the containers, networks, volumes and cached images checks made (never anything else)
	@$(PY) -m checker sweep --all

# Podman 4.3 runs steps 1-4 (4 skips its `--link` check); 5 (HEALTHCHECK) differs: docs/podman.md.
PODMAN_STEPS ?= 1 2 3 4

.PHONY: test-podman
test-podman: venv ## the solutions' checks against Podman's Docker API (starts it; PODMAN_STEPS="1 2 3 4")
	@eval "$$(bash scripts/podman-service.sh env)" && \
	  for n in $(PODMAN_STEPS); do $(PY) -m checker check $$n --target solutions || exit 1; done && \
	  $(PY) -m checker leftovers

# --- learner and instructor commands ---------------------------------------------------------

.PHONY: progress hint watch reset-step doctor demo grade grade-merge

progress: venv ## every step's state (not started / failing / passed) and the next step to do
	@$(PY) -m checker progress --target "$(TARGET)"

hint: venv ## one more hint for a step each time: make hint 2
	@$(PY) -m checker hint $(STEP)

watch: venv ## check a step again on every save: make watch 2 (WATCH_POLL=1 to poll)
	@$(PY) -m checker watch $(STEP) --target "$(TARGET)"

reset-step: venv ## restore a step's starter, keeping a backup of your files: make reset-step 2 (YES=1)
	@$(PY) -m checker reset-step $(STEP) --target "$(TARGET)"

.PHONY: lesson
lesson: venv ## the lesson in your browser: each step's text next to its live checks (LESSON_PORT=8310)
	@$(PY) -m checker lesson --target "$(TARGET)"

doctor: venv ## check Python, packages, container engine, images, disk space and ports, with fixes
	@$(PY) -m checker doctor

demo: venv ## see where you are going: the finished app with Redis on localhost:5000 until Ctrl-C (DEMO_PORT=, DEMO=compose)
	@$(PY) -m checker demo

grade: venv ## instructors: grade a copy or a class (folder of copies, or a list of paths/git URLs): make grade DIR=path
	@$(PY) -m checker grade "$(DIR)"

grade-merge: venv ## instructors: join grading shards into one table/CSV/JUnit: make grade-merge OUT=dir SHARDS="a b"
	@$(PY) -m checker grade-merge "$(OUT)" $(SHARDS)

.PHONY: new-step
new-step: venv ## authors: scaffold the next step from the last solution: make new-step SLUG=visit-counter
	@$(PY) -m checker new-step "$(SLUG)"

.PHONY: bench
bench: venv ## measure flask run vs gunicorn (wrk), image sizes, check times vs their floor (< 5 min)
	@$(PY) -m bench
