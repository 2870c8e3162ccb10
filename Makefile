# Tận Nhà — the two commands of the README, and a few more for developers.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CONFIG ?= config.example.toml
# make bench / make crash: a release build of its own.
BENCH_DIR ?= build-bench
CRASH_KILLS ?= 20
# make fuzz: a clang build with libFuzzer, ASan and UBSan; FUZZ_SECONDS per target. Without
# UBSan's "function" check: clang 14 fails on it in our coroutines ("cannot represent a
# difference across sections").
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SANITIZE = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function
# make test-asan: every test again, built with AddressSanitizer and UBSan.
ASAN_DIR ?= build-asan
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# GCC 12 at -O3 reports false positives inside libstdc++ (-Wrestrict on std::string +) and
# nlohmann::json (-Wmaybe-uninitialized); the bench build keeps them as warnings (make test's
# build, and the ASan one, still fail on them).
BENCH_CXXFLAGS ?= -Wno-error=restrict -Wno-error=maybe-uninitialized

.PHONY: all deps build run test test-asan clean bench bench-build crash fuzz

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/tannha serve --config $(CONFIG)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# GCC 12 with -fsanitize=address warns falsely (maybe-uninitialized in <regex> and Boost,
# mismatched-new-delete on Asio coroutine frames); make test's build keeps those checks.
$(ASAN_DIR)/CMakeCache.txt:
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DTANNHA_SANITIZE=ON \
	  "-DCMAKE_CXX_FLAGS=-Wno-maybe-uninitialized -Wno-mismatched-new-delete"

test-asan: deps $(ASAN_DIR)/CMakeCache.txt
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS)

$(BENCH_DIR)/CMakeCache.txt:
	cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANNHA_TESTS=OFF \
	  "-DCMAKE_CXX_FLAGS=$(BENCH_CXXFLAGS)"

bench-build: $(BENCH_DIR)/CMakeCache.txt
	@./scripts/install-deps.sh --bench
	cmake --build $(BENCH_DIR) -j $(JOBS) --target bench_tools

# Throughput, latency, RSS and the SQLite commit bound; writes bench/RESULTS.md.
bench: bench-build
	bench/run.sh $(BENCH_DIR)

# kill -9 under load CRASH_KILLS times, then check exactly-once and delivery.
crash: bench-build
	$(BENCH_DIR)/bench/bench_crash --binary $(BENCH_DIR)/tannha --kills $(CRASH_KILLS)

$(FUZZ_DIR)/CMakeCache.txt:
	@./scripts/install-deps.sh --fuzz
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DTANNHA_TESTS=OFF \
	  "-DCMAKE_CXX_FLAGS=$(FUZZ_SANITIZE) -fno-omit-frame-pointer" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"

# Every libFuzzer target for FUZZ_SECONDS each; a crash fails and leaves its input.
fuzz: $(FUZZ_DIR)/CMakeCache.txt
	@./scripts/install-deps.sh --fuzz
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR) $(BENCH_DIR) $(FUZZ_DIR) $(ASAN_DIR)
