#!/usr/bin/env bash
# Installs everything reconcile needs to build and test, from Debian's packages
# (and a JDK + Maven for the local Kafka, if the machine has none). Idempotent:
# packages already present are not reinstalled, and apt-get update only runs
# when something is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  librdkafka-dev libyaml-dev libgit2-dev libcurl4-openssl-dev libjansson-dev libcmocka-dev
  libmicrohttpd-dev
  prometheus kcat valgrind gdb clang-format python3 python3-yaml
)
command -v java >/dev/null 2>&1 || packages+=(default-jdk-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# The tests' helper scripts use PyYAML with whichever python3 is first on PATH
# (a pyenv or venv python does not see Debian's python3-yaml).
ensure_pyyaml() {
  python3 -c 'import yaml' 2>/dev/null && return 0
  echo "install-deps: installing PyYAML for $(command -v python3)" >&2
  python3 -m pip install -q pyyaml >&2 || python3 -m pip install -q --break-system-packages pyyaml >&2
}

if [ "${#missing[@]}" -eq 0 ]; then
  ensure_pyyaml
  echo "install-deps: everything is installed" >&2
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
ensure_pyyaml
