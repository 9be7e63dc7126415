#!/usr/bin/env bash
# Install the browser the tests drive: Debian's chromium, plus CJK fonts for the Chinese pages.
# Idempotent: does nothing when /usr/bin/chromium exists. Called by `make test`.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "install_browser.sh: /usr/bin/chromium is missing and apt-get is not available;" \
        "install chromium and fonts-noto-cjk by hand" >&2
    exit 1
fi
if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "install_browser.sh: /usr/bin/chromium is missing; run this script as root (or install sudo)" >&2
    exit 1
fi
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-cjk
