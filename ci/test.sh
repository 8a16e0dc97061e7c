#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this):
#   1. install dependencies, check formatting
#   2. build, run the unit tests (ctest -L unit)
#   3. start one local Kafka for the run, run the integration tests (ctest -L integration)
#   4. rebuild with AddressSanitizer + UndefinedBehaviorSanitizer, run everything again
#   5. run the unit tests under valgrind
# Exits non-zero on any failure; the broker is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

ci/install-deps.sh

echo "== clang-format check"
mapfile -t sources < <(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 2>/dev/null || true)
if [ "${#sources[@]}" -gt 0 ]; then
  clang-format --dry-run --Werror "${sources[@]}"
fi

build="$root/build"
asan="$root/build-asan"
ci/build.sh "$build"

echo "== unit tests"
ctest --test-dir "$build" -L unit --output-on-failure

started=""
cleanup() { [ -n "$started" ] && ci/local-kafka.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [ -z "${RECONCILE_BOOTSTRAP:-}" ]; then
  echo "== starting local Kafka"
  if ! ci/local-kafka.sh status >/dev/null 2>&1; then started=yes; fi
  RECONCILE_BOOTSTRAP=$(ci/local-kafka.sh start | tail -n 1)
  export RECONCILE_BOOTSTRAP
fi
echo "== integration tests against $RECONCILE_BOOTSTRAP"
ctest --test-dir "$build" -L integration --output-on-failure -j "$(nproc)"

echo "== ASan + UBSan build, whole suite"
ci/build.sh "$asan" -DRECONCILE_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$asan" --output-on-failure -j "$(nproc)"

echo "== unit tests under valgrind"
for t in "$build"/test_*; do
  [ -x "$t" ] || continue
  case "$(basename "$t")" in test_kadmin_live) continue ;; esac
  RECONCILE_FIXTURES="$root/tests/fixtures" RECONCILE_SRC="$root" \
    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
    "$t" >/dev/null
done
echo "== valgrind: clean"
echo "all tests passed"
