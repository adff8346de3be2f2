# Thin wrappers; the real work is in CMake and scripts/.
# make run    install what is missing, build, start sealkey on its defaults
# make test   install what is missing, build, run every test (release, then ASan/UBSan:
#             unit tests and the PKCS#11 module suites)
.PHONY: deps build build-asan run test test-release test-asan bench bench-server clean

JOBS ?= $(shell nproc)
# Tesseract's OpenMP threads only slow OCR down when tests fill every core.
export OMP_THREAD_LIMIT ?= 1

deps:
	@bash scripts/setup-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-asan: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

run: build
	@bash scripts/run

test-release: build
	@ctest --preset release -j $(JOBS)

# Unit tests, plus the PKCS#11 module's own suites (sealkey provider only:
# SoftHSM is not ours to sanitise).
test-asan: build-asan
	@ctest --preset debug -j $(JOBS)
	@ctest --test-dir build-asan --output-on-failure -j $(JOBS) -R 'Providers/.*/Sealkey|ModuleCliTest'

test: test-release test-asan

bench: deps
	@bash scripts/bench

bench-server: deps
	@bash scripts/bench-server

clean:
	rm -rf build build-asan
