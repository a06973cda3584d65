# parscore — the two commands that matter:
#   make demo   install what is missing, build, generate Lào Cai data, write scorecards into out/
#   make test   install what is missing, build, run the whole test suite
# Others: make build | asan | bench [BENCH_ARGS="--scales province"] | fuzz | lint | install PREFIX=... | clean
BUILD    ?= build
ASAN_BUILD ?= build-asan
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX   ?= /usr/local

.PHONY: all deps build test asan demo bench fuzz lint install clean

all: build

deps:
	@sh tools/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPS_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

demo: build
	@sh tools/demo.sh $(BUILD)

bench: build
	@sh bench/run.sh $(BUILD) $(BENCH_ARGS)

# every libFuzzer target for FUZZ_SECONDS (5 minutes) each, built with clang
# in $(BUILD)/fuzz-build; crash inputs are printed for tests/fuzz/regressions/
FUZZ_SECONDS ?= 300
fuzz: build
	PS_SOURCE=$(CURDIR) PS_BUILD=$(CURDIR)/$(BUILD) PS_FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/test_fuzz.sh

# static analysis alone (also a ctest test: analysers/test_cppcheck)
lint:
	PS_SOURCE=$(CURDIR) PS_BUILD=$(CURDIR)/$(BUILD) sh tests/analysers/test_cppcheck.sh

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) out
