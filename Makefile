# The VAE interview course. Two commands matter: `make lab` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# stamps: LAB = what running the course needs (the package, JupyterLab, widgets, RISE);
#         DEV = LAB + the test, lint and site tools (pytest, nbval, selenium, ruff, nbconvert, ...)
LAB    := $(VENV)/.installed-lab
DEV    := $(VENV)/.installed-dev
NB     ?= notebooks
JOBS   ?= 2             # parallel pytest workers (pytest-xdist); each notebook stays on one worker
BUDGET ?= 70            # seconds of fast-mode pytest time allowed per notebook (tools/nbval_timing.py); the target is 45
# (the gate was 60 s; on the 2-core machine of 2026-12-08 lesson 23, its code unchanged, measured 58-66 s in three
#  fresh-clone runs against 31-35 s on earlier machines: README, Timings)
# Hangs fail instead of stalling CI. nbval's --nbval-cell-timeout=300 interrupts a slow cell's kernel and
# reports its traceback; pytest-timeout (--timeout, signal method) fails any test item still running after
# 360 s: a unit test, or a cell whose kernel never starts or answers. It is set above nbval's so that
# nbval, which also interrupts the kernel, fires first for an ordinary slow cell.
TIMEOUT   := --timeout=360 --timeout-method=signal
# One TensorFlow/BLAS thread per pytest worker: JOBS workers on as many cores (2 here) instead of each kernel
# starting two threads per core; measured on lessons 23 + 29 together: 52 s instead of 60 s.
ONE_THREAD := TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1
PYTEST_NB := $(BIN)/python -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=300 -p no:cacheprovider \
             $(TIMEOUT) -n $(JOBS) --dist loadfile --durations=15 --junitxml=.pytest-report.xml

.PHONY: lab test lint unit notebooks outputs site slides anki benchmark clean

# constraints.txt pins every package to the versions the committed outputs were produced with.
# A learner's `make lab` installs only the course's runtime ([lab]); `make test`/`lint`/`site` add [dev].
$(LAB): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lab]"
	touch $(LAB)

$(DEV): $(LAB)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(DEV)

lab: $(LAB)                ## open the course in JupyterLab
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root,)

# The budget gate runs (and prints the five slowest notebooks) even when pytest failed; the exit status is
# pytest's when pytest failed, else the gate's: a failing test or a notebook over BUDGET s fails make test.
test: $(DEV)               ## unit tests + nbval over every notebook, in fast mode, then the time budget
	rm -f .pytest-report.xml
	$(ONE_THREAD) VAE_FAST=1 $(PYTEST_NB) tests notebooks; status=$$?; \
	$(BIN)/python tools/nbval_timing.py --budget $(BUDGET) .pytest-report.xml || [ $$status -ne 0 ] || status=1; \
	exit $$status

lint: $(DEV)               ## ruff: lint (package, tests, tools, notebooks' code cells) and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check vae_helpers tests tools benchmarks

unit: $(DEV)               ## unit tests only
	VAE_FAST=1 $(BIN)/python -m pytest $(TIMEOUT) tests

notebooks: $(DEV)          ## nbval on one notebook or folder: make notebooks NB=notebooks/01_vae_principle.ipynb
	$(ONE_THREAD) VAE_FAST=1 $(PYTEST_NB) $(NB)

outputs: $(DEV)            ## re-execute in FULL mode, offline, and refresh committed outputs: make outputs [NB=path.ipynb]
	env -u VAE_FAST VAE_OFFLINE=1 $(BIN)/python tools/run_notebooks.py $(filter %.ipynb,$(NB))

# the slides load reveal.js from nbconvert's CDN default; REVEAL=path/or/url of a local reveal.js 4 presents offline
REVEAL ?= https://unpkg.com/reveal.js@4.0.2
site: $(DEV)               ## static HTML site in _site/: lessons, course map, errata, flashcards, mock interview, slides, Anki deck
	$(BIN)/python tools/build_site.py --out _site --reveal-prefix $(REVEAL)

slides: $(DEV)             ## reveal.js decks of every lesson in _site/slides/ (metadata applied on a copy if missing)
	$(BIN)/python tools/slides.py export --out _site/slides --reveal-prefix $(REVEAL)

anki: $(DEV)               ## the interview cards as an Anki deck: _site/vae-interview.apkg
	$(BIN)/python tools/anki.py --out _site/vae-interview.apkg

benchmark: $(DEV)          ## vae_helpers vs a keras-io-style reference VAE
	$(BIN)/python benchmarks/bench_training.py

clean:
	rm -rf $(VENV) .pytest_cache _site .pytest-report.xml
