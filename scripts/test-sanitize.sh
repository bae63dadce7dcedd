#!/usr/bin/env bash
# Builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer into build-sanitize/
# and runs the whole vitest suite (or the test files given as arguments) against it.
# Fails if a test fails or if any sanitizer reports an error. `npm run test:sanitize`.
#
# The addon is instrumented but node is not, so the ASan runtime has to be loaded first
# (LD_PRELOAD; libasan.so is GCC's name for it); UBSan's comes in as a dependency. Leak
# checking is off: node and V8 leave memory allocated at exit by design, and the addon
# only borrows JS memory. A report ends the process that made it (nothing recovers),
# which fails the test file; the output is searched for reports as well, so that one
# from a process the runner does not watch (a node started by a test) fails the run too.
set -euo pipefail
cd "$(dirname "$0")/.."

node_modules/.bin/cmake-js compile --out build-sanitize --CDTG_SANITIZE=ON

runtime=$(${CXX:-c++} -print-file-name=libasan.so)
if [[ ! -e $runtime ]]; then
  echo "test-sanitize: cannot find the ASan runtime (libasan.so) of ${CXX:-c++}" >&2
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
TENSORGRAD_ADDON=$PWD/build-sanitize/Release/tensorgrad.node \
  LD_PRELOAD=$runtime \
  ASAN_OPTIONS=detect_leaks=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  node_modules/.bin/vitest run "$@" 2>&1 | tee "$log" || status=$?

if grep -qE '^==[0-9]+==ERROR: [A-Za-z]+Sanitizer|: runtime error: ' "$log"; then
  echo "test-sanitize: FAILED: the sanitizers reported errors (above)" >&2
  exit 1
fi
if [[ $status -ne 0 ]]; then
  echo "test-sanitize: FAILED: the test suite failed under the sanitizers" >&2
  exit "$status"
fi
echo "test-sanitize: passed, no sanitizer reports"
