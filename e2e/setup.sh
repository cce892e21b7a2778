#!/usr/bin/env bash
# Make the browser the e2e tests drive available: Debian's Chromium (/usr/bin/chromium) and
# the Noto CJK fonts (Chinese text renders as text, not boxes, in screenshots).
#
# stderr: progress lines only. Idempotent: if both are installed it only says so.
# Needs root to install (apt-get); never downloads a browser build of its own
# (no `playwright install`).
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk)
CHROMIUM=/usr/bin/chromium

log() { printf 'e2e/setup.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for package in "${PACKAGES[@]}"; do
    installed "$package" || missing+=("$package")
done

if (( ${#missing[@]} == 0 )); then
    log "already installed: ${PACKAGES[*]}"
else
    [[ $EUID -eq 0 ]] || die "missing ${missing[*]} and not root (cannot apt-get install)"
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get on this machine"
    # Serialise concurrent invocations of this script.
    exec 9>/tmp/supervision-e2e-setup.lock
    if command -v flock >/dev/null 2>&1; then
        flock -w 900 9 || die "could not take lock /tmp/supervision-e2e-setup.lock"
    fi
    log "installing Debian packages: ${missing[*]} ..."
    t=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    # Another apt-get (a CI step, a developer) may hold dpkg's lock: wait for it.
    lock_wait=(-o DPkg::Lock::Timeout=600)
    apt-get "${lock_wait[@]}" update -q >&2
    apt-get "${lock_wait[@]}" install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" </dev/null >&2
    log "install took $((SECONDS - t))s"
fi

[[ -x "$CHROMIUM" ]] || die "$CHROMIUM not found after installing chromium"
log "$("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
