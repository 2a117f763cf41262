#!/usr/bin/env bash
# Installs what the tests and benchmarks need on a Debian/Ubuntu machine, and
# the npm dependencies. Idempotent and quick when everything is there already:
# apt runs only when a package is missing, npm ci only when node_modules is
# missing or older than package-lock.json.
#
#   scripts/setup-machine.sh            # system packages + npm ci
#   scripts/setup-machine.sh --no-npm   # system packages only
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# zsh fish tmux: the shells the integration is tested in; dbus gnome-keyring
# libsecret-tools: a real Secret Service (test/helpers/secret-service.ts);
# awscli: the SDK-compatibility tests; hyperfine: benchmarks; shellcheck: the
# shell/ files; strace: tests that check what the CLI does not touch;
# openssl: a private CA for the HTTPS emulator (NODE_EXTRA_CA_CERTS tests).
packages=(zsh fish tmux dbus gnome-keyring libsecret-tools hyperfine shellcheck awscli strace openssl)

log() { printf 'setup-machine: %s\n' "$*" >&2; }

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for pkg in "${packages[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing ${missing[*]}, and this is not a Debian-like system: install them by hand"
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      log "missing ${missing[*]}; run this script as root (no sudo here)"
      exit 1
    fi
  fi
  log "installing ${missing[*]}"
  # APT::Sandbox::User=root: on some machines the _apt sandbox user cannot
  # run gpgv and `apt-get update` fails; harmless elsewhere.
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get -o APT::Sandbox::User=root -qq update
  # No recommends: gnome-keyring's are the PAM module and the PKCS#11 module,
  # which `gnome-keyring-daemon --components=secrets` does not use.
  "${sudo[@]}" apt-get -o APT::Sandbox::User=root -qq install -y --no-install-recommends "${missing[@]}" >/dev/null
  for pkg in "${missing[@]}"; do
    installed "$pkg" || { log "$pkg did not install"; exit 1; }
  done
fi

for tool in zsh fish tmux dbus-daemon dbus-send dbus-monitor gnome-keyring-daemon secret-tool hyperfine shellcheck aws strace openssl; do
  command -v "$tool" >/dev/null 2>&1 || { log "$tool is not on PATH after installing"; exit 1; }
done

if [ "${1:-}" != "--no-npm" ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund
  fi
fi
