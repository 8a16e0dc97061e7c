#!/usr/bin/env bash
# Installs everything reconcile needs to build and test, from Debian's packages
# (and a JDK + Maven for the local Kafka, if the machine has none). Idempotent:
# packages already present are not reinstalled, and apt-get update only runs
# when something is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  librdkafka-dev libyaml-dev libgit2-dev libcurl4-openssl-dev libjansson-dev libcmocka-dev
  prometheus kcat valgrind clang-format python3 python3-yaml
)
command -v java >/dev/null 2>&1 || packages+=(default-jdk-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
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
