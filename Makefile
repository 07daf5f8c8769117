# rivet's entry points. On a fresh Debian 12 machine `make run` and
# `make test` install what is missing, build what they need, and run.
#
#   make run            build (debug) and start the example HTTP service (examples/service)
#   make test           unit + stress tests under ASan+UBSan, concurrency tests under TSan,
#                       then each libFuzzer target briefly (make fuzz, FUZZ_SECONDS each)
#   make bench          every benchmark suite (release build); results in build/bench/
#   make bench-runtime  one suite (likewise bench-<module> for each folder of bench/)
#   make format         clang-format the tree
#   make tidy           clang-tidy (.clang-tidy) over the library sources

JOBS ?= $(shell nproc)
BENCH_SUITES := $(notdir $(patsubst %/,%,$(wildcard bench/*/)))

.PHONY: deps run test test-asan test-tsan fuzz build-debug build-release bench format tidy clean

deps:
	@scripts/install-deps.sh

build-debug: deps
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)

build-release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

run: build-debug
	./build/debug/examples/service/service $(ADDRESS)

test-asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS) --timeout 600

test-tsan: deps
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS) --timeout 900

# libFuzzer targets (clang): a separate project under tests/fuzz; each runs
# FUZZ_SECONDS from its seed corpus (tests/fuzz/corpus/<target>) and fails
# on a crash, a sanitizer report or a broken invariant.
FUZZ_SECONDS ?= 25
fuzz: deps
	cmake -S tests/fuzz -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang >/dev/null
	cmake --build build/fuzz -j $(JOBS)
	mkdir -p build/fuzz/corpus/request
	./build/fuzz/request_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		build/fuzz/corpus/request tests/fuzz/corpus/request >build/fuzz/request.log 2>&1 \
		|| { tail -n 40 build/fuzz/request.log; exit 1; }
	@tail -n 1 build/fuzz/request.log

test: test-asan test-tsan fuzz

bench: $(addprefix bench-,$(BENCH_SUITES))

ADDRESS ?= 127.0.0.1:8080

bench-%: build-release
	bench/$*/run.sh

format:
	clang-format -i $$(git ls-files '*.hpp' '*.cpp')

tidy: build-debug
	ls src/*/*.cpp | grep -v -e _test.cpp -e _bench.cpp | xargs -P $(JOBS) -n 1 clang-tidy -p build/debug --quiet

clean:
	rm -rf build
