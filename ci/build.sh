#!/usr/bin/env bash
# Configure and build reconcile. Usage: ci/build.sh [BUILD_DIR] [extra cmake args...]
# Re-running reuses the existing build directory (incremental build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
gen=()
command -v ninja >/dev/null 2>&1 && [ ! -f "$build/Makefile" ] && gen=(-G Ninja)
cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >&2
cmake --build "$build" -j "$(nproc)" >&2
