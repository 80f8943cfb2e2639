# liverec: two commands.
#   make run   installs what is missing, builds, and starts liverec with embedded defaults
#   make test  installs what is missing, builds, and runs every test
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
ARGS ?=

.PHONY: all deps build compile run test unit clean bench-recording

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
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L unit

# Recording benchmark (P1-P3; docs/benchmarks.md, "Recording"): liverec against nginx-rtmp with
# N light RTMP publishers. Run by hand, never part of `make test`. Quick default set (N = 20, 50,
# ~6 min); the documented run: make bench-recording BENCH_ARGS="--n 50,200,500 --rounds 2
# --window 60 --warmup 20".
BENCH_ARGS ?=
bench-recording: build
	node bench/recording/run.js --bin $(BUILD_DIR)/apps/liverec/liverec $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log
