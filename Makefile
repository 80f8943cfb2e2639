# liverec: two commands.
#   make run   installs what is missing, builds, and starts liverec with embedded defaults
#   make test  installs what is missing, builds, and runs every test
#   make sanitize  the same tests against an ASan + UBSan build in $(SANITIZE_DIR) (tests/README.md)
#   make format    applies .clang-format (clang-format-14) to every C++ file git tracks; make test
#                  checks it (tests/check_format.sh)
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
# Tests in parallel: twice the cores, as the integration test files mostly wait on media pushed
# in real time (tests/README.md).
TEST_JOBS ?= $(shell echo $$(( 2 * $(JOBS) )))
ARGS ?=

.PHONY: all deps build compile run test unit sanitize clean bench bench-recording bench-availability \
        bench-api bench-restart bench-relay bench-index bench-cluster bench-ts-muxer bench-compose \
        format

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@$(MAKE) --no-print-directory compile

compile:
	@mkdir -p $(BUILD_DIR)
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > $(BUILD_DIR).configure.log 2>&1 || (cat $(BUILD_DIR).configure.log; exit 1)
	@cmake --build $(BUILD_DIR) -j$(JOBS)

# `run` needs no npm test peers, only what builds and runs the server.
run:
	@bash scripts/install-deps.sh --no-npm
	@$(MAKE) --no-print-directory compile
	$(BUILD_DIR)/apps/liverec/liverec serve $(ARGS)

# Every test: unit tests (GoogleTest, one binary per layer) and integration/conformance tests
# (the real server driven by the Alibaba SDK clients), all through CTest with per-test timeouts.
# CTest starts the throwaway PostgreSQL cluster (scripts/test-postgres.sh) once, before the first
# test that needs it, and stops it after the last, also when tests fail (tests/README.md).
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(TEST_JOBS)

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L unit

# The sanitizer build (tests/README.md): clang++ with -fsanitize=address,undefined in its own
# build dir, then the tests through CTest with longer timeouts; any sanitizer report fails.
# SANITIZE_FUZZ=ON builds the libFuzzer targets in the same directory (CI: one clang build for
# both; then `scripts/fuzz.sh --build $(SANITIZE_DIR)` runs them).
SANITIZE_DIR ?= build-asan
SANITIZE_CXX ?= clang++
SANITIZE_CTEST_ARGS ?=
SANITIZE_FUZZ ?= OFF
sanitize: deps
	@if [ "$(SANITIZE_FUZZ)" = ON ]; then bash scripts/install-deps.sh --fuzz --no-npm; fi
	@mkdir -p $(SANITIZE_DIR)
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIVEREC_SANITIZE=ON \
	  -DLIVEREC_FUZZ=$(SANITIZE_FUZZ) \
	  -DCMAKE_CXX_COMPILER=$(SANITIZE_CXX) > $(SANITIZE_DIR).configure.log 2>&1 \
	  || (cat $(SANITIZE_DIR).configure.log; exit 1)
	@cmake --build $(SANITIZE_DIR) -j$(JOBS)
	@cd $(SANITIZE_DIR) && ctest --output-on-failure -j$(TEST_JOBS) $(SANITIZE_CTEST_ARGS)

# Benchmarks (docs/benchmarks.md): run by hand, never part of `make test`. Each target runs one
# bench with the arguments of its documented run unless BENCH_ARGS is given; `make bench` runs
# them all in turn (about 1 h 55 min, plus the index generation the first time) and writes
# every table (Markdown) and JSON to $(BENCH_OUT)/.
BENCH_ARGS ?=
BENCH_OUT ?= bench-results
BENCH_BIN = $(BUILD_DIR)/apps/liverec/liverec
BENCH_DB_DIR ?= /tmp/liverec-bench
# P5-P7 run on these metadata backends, side by side; PostgreSQL on a cluster of its own that
# bench/index_queries/postgres-cluster.sh keeps in BENCH_PG_DIR (started and stopped by the
# target; its data, several GB, stays for the next run).
BENCH_INDEX_BACKENDS ?= sqlite,postgres
BENCH_PG_DIR ?= $(BENCH_DB_DIR)/postgres
# The documented runs' arguments.
P1_ARGS = --n 50,200,500 --rounds 2 --window 60 --warmup 20 --json $(BENCH_OUT)/p1-p3.json
P4_ARGS = --streams 10 --window 60 --json $(BENCH_OUT)/p4-10.json
P8_ARGS = --c 1,4,16,64 --rounds 3 --window 10 --procs 2 --json $(BENCH_OUT)/p8.json
P9_ARGS = --n 10,50,100 --rounds 3 --json $(BENCH_OUT)/p9.json
P11_ARGS = --slices 1000 --streams 50 --rounds 3 --json $(BENCH_OUT)/p11.json
# The cluster metadata simulation: its own PostgreSQL cluster, durable commits (synchronous_commit
# on, wal_level replica), in BENCH_CLUSTER_PG_DIR.
BENCH_CLUSTER_PG_DIR ?= $(BENCH_DB_DIR)/postgres-sim
CLUSTER_ARGS = --streams 1000,10000,50000 --nodes 3 --duration 60 --warmup 30 \
               --json $(BENCH_OUT)/cluster-metadata.json
BENCH_TARGETS = bench-recording bench-availability bench-api bench-restart bench-relay bench-index \
                bench-cluster bench-ts-muxer bench-compose

# P1-P3: liverec against nginx-rtmp with N light RTMP publishers (about 22 min).
bench-recording: build
	@mkdir -p $(BENCH_OUT)
	node bench/recording/run.js --bin $(BENCH_BIN) \
	  $(or $(BENCH_ARGS),$(P1_ARGS))
# P4: slice availability latency, 10 and 100 streams of 1 s slices (about 2.5 min).
bench-availability: build
	@mkdir -p $(BENCH_OUT)
	node bench/slice_availability/run.js --bin $(BENCH_BIN) \
	  $(or $(BENCH_ARGS),$(P4_ARGS))
	$(if $(BENCH_ARGS),,node bench/slice_availability/run.js --bin $(BENCH_BIN) --streams 100 --window 60 --json $(BENCH_OUT)/p4-100.json)
# P8: signed API requests per second (about 2.5 min).
bench-api: build
	@mkdir -p $(BENCH_OUT)
	node bench/api_throughput/run.js --bin $(BENCH_BIN) \
	  $(or $(BENCH_ARGS),$(P8_ARGS))
# P11: restart after a crash with 1000 slices in the spool (about 2 min).
bench-restart: build
	@mkdir -p $(BENCH_OUT)
	node bench/restart/run.js --bin $(BENCH_BIN) \
	  $(or $(BENCH_ARGS),$(P11_ARGS))
# P9: relay CPU per stream against ffmpeg -c copy (about 18 min).
bench-relay: build
	@mkdir -p $(BENCH_OUT)
	node bench/relay/run.js --bin $(BENCH_BIN) \
	  $(or $(BENCH_ARGS),$(P9_ARGS))
# P1, the TS muxer alone: liverec's own against libavformat's on a 2.3 Mbit/s file (under a minute).
bench-ts-muxer: build
	@mkdir -p $(BENCH_OUT)
	@f=$(BENCH_OUT)/ts-muxer-input.flv; [ -s $$f ] || ffmpeg -v error -y -f lavfi \
	  -i testsrc2=size=1280x720:rate=25 -f lavfi -i sine=sample_rate=44100 -t 30 -c:v libx264 \
	  -preset veryfast -b:v 2200k -g 50 -c:a aac -b:a 64k -f flv $$f
	$(BUILD_DIR)/bench/ts_muxer/ts_muxer_bench --input $(BENCH_OUT)/ts-muxer-input.flv \
	  $(or $(BENCH_ARGS),--repeat 20 --rounds 5)
# P10: an MP4 of a 1 h cycle (360 slices of 10 s, 2 Mbit/s) beside ffmpeg -c copy (about 1 min).
bench-compose: build
	@mkdir -p $(BENCH_OUT)
	@f=$(BENCH_OUT)/compose-input.flv; [ -s $$f ] || ffmpeg -v error -y -f lavfi \
	  -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=sample_rate=44100 -t 60 -c:v libx264 \
	  -preset veryfast -b:v 2000k -g 50 -c:a aac -b:a 64k -f flv $$f
	$(BUILD_DIR)/bench/compose/compose_bench --input $(BENCH_OUT)/compose-input.flv \
	  --work $(BENCH_OUT)/compose-work $(or $(BENCH_ARGS),--repeat 60 --rounds 2)
# P5-P7: index queries on a generated index, 10x smaller and full, on SQLite and PostgreSQL side
# by side (about 25 min once generated; the first time adds ~17 min of generation and ~30 GB on
# disk; the databases stay in $(BENCH_DB_DIR) and $(BENCH_PG_DIR) for the next run).
bench-index: build
	@mkdir -p $(BENCH_OUT)
	mkdir -p $(BENCH_DB_DIR)
	@url=""; case ",$(BENCH_INDEX_BACKENDS)," in *,postgres,*) \
	  url=$$(bench/index_queries/postgres-cluster.sh start $(BENCH_PG_DIR)) || exit 1;; esac; \
	status=0; \
	for size in "10 small" "100 full"; do set -- $$size; \
	  $(BUILD_DIR)/bench/index_queries/index_queries_bench --backends $(BENCH_INDEX_BACKENDS) \
	    --db $(BENCH_DB_DIR)/index-$$1x90.db $${url:+--postgres-url "$$url"} \
	    --streams $$1 --days 90 --json $(BENCH_OUT)/p5-p7-$$2.json \
	    $(or $(BENCH_ARGS),--rounds 3) || status=1; \
	done; \
	if [ -n "$$url" ]; then bench/index_queries/postgres-cluster.sh stop $(BENCH_PG_DIR); fi; \
	exit $$status

# Cluster metadata traffic, simulated: N = 1 000, 10 000, 50 000 streams over 3 nodes against
# one PostgreSQL (about 7 min; the database is made and dropped per run).
bench-cluster: build
	@mkdir -p $(BENCH_OUT) $(BENCH_DB_DIR)
	@url=$$(BENCH_PG_SYNCHRONOUS_COMMIT=on BENCH_PG_WAL_LEVEL=replica BENCH_PG_MAX_CONNECTIONS=200 \
	  BENCH_PG_SHARED_BUFFERS=$${BENCH_PG_SHARED_BUFFERS:-2GB} \
	  bench/index_queries/postgres-cluster.sh start $(BENCH_CLUSTER_PG_DIR)) || exit 1; \
	status=0; \
	$(BUILD_DIR)/bench/cluster_metadata/cluster_metadata_bench --postgres-url "$$url" \
	  $(or $(BENCH_ARGS),$(CLUSTER_ARGS)) || status=1; \
	bench/index_queries/postgres-cluster.sh stop $(BENCH_CLUSTER_PG_DIR); \
	exit $$status

bench: build
	@mkdir -p $(BENCH_OUT)
	@for t in $(BENCH_TARGETS); do \
	  echo "=== $$t"; \
	  $(MAKE) --no-print-directory $$t BENCH_ARGS= > $(BENCH_OUT)/$$t.md 2> $(BENCH_OUT)/$$t.log \
	    || { echo "$$t failed: $(BENCH_OUT)/$$t.log"; exit 1; }; \
	done
	@echo "tables in $(BENCH_OUT)/*.md, data in $(BENCH_OUT)/*.json"

format:
	@git ls-files -z -- '*.cc' '*.h' '*.cpp' '*.hpp' | xargs -0 clang-format-14 --style=file -i

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log $(SANITIZE_DIR) $(SANITIZE_DIR).configure.log \
	  $(FUZZ_BUILD_DIR) $(FUZZ_BUILD_DIR).configure.log

# Fuzzing (docs/fuzzing.md): the libFuzzer targets of fuzz/, built with clang (ASan + UBSan +
# libFuzzer) in $(FUZZ_BUILD_DIR), apart from the g++ build. `make fuzz` runs every target for
# FUZZ_SECONDS (default 180 s: about 51 min for the 17 targets), `make fuzz-smoke` for
# FUZZ_SMOKE_SECONDS (10 s each, after its seed corpus: CI). FUZZ_TARGETS=a,b picks targets.
# Both print executions, speed, corpus size and findings per target and fail on any finding.
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 180
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_TARGETS ?=
FUZZ_RUN = bash scripts/fuzz.sh --build $(FUZZ_BUILD_DIR) $(if $(FUZZ_TARGETS),--only $(FUZZ_TARGETS))
.PHONY: fuzz fuzz-smoke fuzz-build

fuzz-build:
	@bash scripts/install-deps.sh --fuzz --no-npm
	@mkdir -p $(FUZZ_BUILD_DIR)
	@cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
	  -DLIVEREC_FUZZ=ON > $(FUZZ_BUILD_DIR).configure.log 2>&1 \
	  || (cat $(FUZZ_BUILD_DIR).configure.log; exit 1)
	@cmake --build $(FUZZ_BUILD_DIR) -j$(JOBS) --target liverec_fuzzers

fuzz: fuzz-build
	@$(FUZZ_RUN) --seconds $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	@$(FUZZ_RUN) --seconds $(FUZZ_SMOKE_SECONDS)
