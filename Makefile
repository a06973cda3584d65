# parscore — the two commands that matter:
#   make demo   install what is missing, build, generate Lào Cai data, write scorecards into out/
#   make test   install what is missing, build, run the whole test suite
# Others: make build | asan | bench [BENCH_ARGS="--scales province"] | fuzz | lint | release-check
#         | install [PREFIX=/usr/local] [DESTDIR=...] | deb | deb-test | man | clean
# `make test` and `make asan` build with warnings as errors (PS_WERROR=ON); a
# plain `make build`/`make demo` on a fresh tree does not, nor do install/deb.
BUILD    ?= build
ASAN_BUILD ?= build-asan
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX   ?= /usr/local
WERROR   ?= OFF
RELEASE_BUILD ?= build-release

.PHONY: all deps build test asan demo valgrind bench fuzz lint install clean werror release-check deb deb-test man

all: build

deps:
	@sh tools/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) -DPS_WERROR=$(WERROR) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# developer builds: warnings are errors (re-configures an existing tree)
werror: deps $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD) -DPS_WERROR=ON >/dev/null

test: werror build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPS_SANITIZE=ON -DPS_WERROR=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

demo: build
	@sh tools/demo.sh $(BUILD)

# The demo's three jobs under memcheck: no invalid access, no definite or
# indirect leak (the quality bar: valgrind clean on the demo).
valgrind: demo
	@cd out && for j in index766 lao_cai lao_cai_par; do \
	  echo "valgrind: $$j"; \
	  valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=9 -q ../$(BUILD)/parscore run $$j.job.lua \
	    --plugin-dir ../$(BUILD)/plugins -q || exit 1; \
	done; echo "valgrind: the demo's jobs are clean"

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

# every CMake build type with gcc and clang, warnings as errors (CI runs it)
release-check: deps
	sh tools/build-matrix.sh

# the build users and packagers run: Release, no -Werror
$(RELEASE_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null

install: deps $(RELEASE_BUILD)/CMakeCache.txt
	cmake --build $(RELEASE_BUILD) -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(RELEASE_BUILD) --prefix $(PREFIX)

man: build
	cmake --build $(BUILD) --target man

# a Debian package (CPack DEB, prefix /usr) in build-deb/; deb-test installs it,
# runs the demo job from installed files only, and purges it (root)
deb: deps
	sh tools/make-deb.sh build-deb

deb-test: deb
	sh tests/packaging/deb_roundtrip.sh build-deb

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(RELEASE_BUILD) build-deb out
