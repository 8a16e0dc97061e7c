#!/usr/bin/env bash
# Run every parser fuzz harness (tests/fuzz/fuzz_*.c) under libFuzzer with
# AddressSanitizer and UndefinedBehaviorSanitizer. Not part of the test suite:
# ctest only replays the committed corpora (tests/fuzz/corpus/<name>/).
#
#   ci/fuzz.sh [SECONDS] [NAME...]    SECONDS per harness (default 60);
#                                     NAME e.g. yamldoc, tmpl (default: all)
#
# Needs clang with libFuzzer (Debian: apt-get install clang). Work happens in
# $FUZZ_DIR (default build-fuzz/): binaries, a working copy of each corpus that
# grows as new coverage is found, crash artifacts and logs. The committed
# corpus is only read. When a harness crashes the run goes on with the next
# one and the script exits 1; minimise with `<binary> -minimize_crash=1
# -runs=10000 <artifact>` and add the input to tests/fuzz/crashes/ (or, once
# fixed, to the corpus).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
out=${FUZZ_DIR:-$root/build-fuzz}
cc=${CC_FUZZ:-clang}

if ! command -v "$cc" >/dev/null; then
  echo "fuzz.sh: $cc not found (apt-get install clang)" >&2
  exit 2
fi
case "$seconds" in
  '' | *[!0-9]*) echo "usage: ci/fuzz.sh [SECONDS] [NAME...]" >&2; exit 2 ;;
esac

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in "$root"/tests/fuzz/fuzz_*.c; do
    n=$(basename "$f" .c)
    names+=("${n#fuzz_}")
  done
fi

mkdir -p "$out/obj" "$out/corpus" "$out/artifacts" "$out/logs"
# shellcheck disable=SC2054 # the commas belong to -fsanitize=
flags=(-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
       -std=c11 -D_POSIX_C_SOURCE=200809L $(for d in "$root"/src/*/; do printf -- "-I%s " "$d"; done))
# shellcheck disable=SC2207
pkgflags=($(pkg-config --cflags rdkafka yaml-0.1 libgit2 jansson libcurl))
# shellcheck disable=SC2207
pkglibs=($(pkg-config --libs rdkafka yaml-0.1 libgit2 jansson libcurl) -lm)

echo "== building the library with coverage instrumentation ($cc)"
objs=()
for src in "$root"/src/*/*.c; do
  base=$(basename "$src" .c)
  case "$base" in main | cli) continue ;; esac
  obj="$out/obj/$base.o"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find "$root/src" -name '*.h' -newer "$obj")" ]; then
    "$cc" "${flags[@]}" -fsanitize=fuzzer-no-link "${pkgflags[@]}" -c "$src" -o "$obj"
  fi
  objs+=("$obj")
done

status=0
summary=()
for name in "${names[@]}"; do
  harness="$root/tests/fuzz/fuzz_$name.c"
  if [ ! -f "$harness" ]; then
    echo "fuzz.sh: no harness $harness" >&2
    exit 2
  fi
  bin="$out/fuzz_$name"
  echo "== building fuzz_$name"
  "$cc" "${flags[@]}" -fsanitize=fuzzer "${pkgflags[@]}" "$harness" "${objs[@]}" "${pkglibs[@]}" \
    -o "$bin"
  work="$out/corpus/$name"
  mkdir -p "$work"
  log="$out/logs/$name.log"
  echo "== fuzzing $name for ${seconds}s (log: $log)"
  rc=0
  # new inputs go to the first (working) directory; the seed corpus is only read
  "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/artifacts/$name-" "$work" "$root/tests/fuzz/corpus/$name" \
    >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "!! $name crashed (exit $rc):"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -5
    summary+=("$name: CRASH after ${execs:-?} execs, ${rate:-?} exec/s; see $log")
  else
    summary+=("$name: ${execs:-?} execs in ${seconds}s, ${rate:-?} exec/s, ${cov:-cov: ?}, corpus $(find "$work" -type f | wc -l) files")
  fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$status"
