# nianbao: `make run` sets up and runs the main job; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint check bench fuzz score system-deps clean

# The web app on the embedded SQLite database, seeded with a demo jurisdiction on first start.
HOST ?= 127.0.0.1
PORT ?= 8000
run: $(STAMP)
	NIANBAO_DATABASE_URL="$${NIANBAO_DATABASE_URL:-sqlite:///nianbao-demo.db}" $(BIN)/nianbao serve --demo --host $(HOST) --port $(PORT)

# The ledger's database tests run on SQLite always, and on PostgreSQL too when one answers here.
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PG_UP := pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
  $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1).close()" 2>/dev/null

test: $(STAMP) system-deps lint
	@if $(PG_UP); then \
	  echo "PostgreSQL answers on 127.0.0.1:5432: ledger tests run on SQLite and on PostgreSQL"; \
	  NIANBAO_TEST_POSTGRES_URL="$${NIANBAO_TEST_POSTGRES_URL:-$(PG_TEST_URL)}" $(BIN)/pytest -q; \
	else \
	  $(BIN)/pytest -q; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/read.py
	$(BIN)/python bench/check.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/ledger.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/hostile.py
	$(BIN)/python bench/uploads.py
	$(BIN)/python bench/writes.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/pairing.py

# The readers under fuzzing for longer than `make test` (bench/fuzz.py): FUZZ_EXAMPLES inputs per reader kind
# (a .doc a tenth of that) from a random seed, printed; FUZZ_SEED=N repeats a run. Failing inputs go to
# fuzz-failures/. 200 per kind take about 10 minutes here.
FUZZ_EXAMPLES ?= 200
FUZZ_KIND ?= all
fuzz: $(STAMP) system-deps
	$(BIN)/python bench/fuzz.py --examples $(FUZZ_EXAMPLES) --kind $(FUZZ_KIND) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# Whether the repository's corpus/, spec/ and tools/score.py still agree with the project's shared folder beside the checkout
# (not part of `make test`; corpus/README.md is the repository's own and not compared).
.PHONY: check-shared
SHARED_DIR ?= ../shared
check-shared:
	@if [ ! -d "$(SHARED_DIR)" ]; then \
	  echo "no $(SHARED_DIR) beside this checkout: nothing to compare corpus/ and spec/ with"; \
	else \
	  status=0; \
	  diff -r -x README.md "$(SHARED_DIR)/corpus" corpus || status=1; \
	  diff -r "$(SHARED_DIR)/spec" spec || status=1; \
	  diff "$(SHARED_DIR)/tools/score.py" tools/score.py || status=1; \
	  if [ $$status -eq 0 ]; then echo "corpus/, spec/ and tools/score.py agree with $(SHARED_DIR)"; \
	  else echo "corpus/, spec/ or tools/score.py differ from $(SHARED_DIR) (see above)"; fi; \
	  exit $$status; \
	fi

# Cell accuracy of `nianbao parse` over the repository's corpus, by the project's shared scorer.
score: $(STAMP)
	$(BIN)/python tools/score.py --cmd "$(BIN)/nianbao parse --output jsonl" corpus

system-deps:
	@scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info fuzz-failures
