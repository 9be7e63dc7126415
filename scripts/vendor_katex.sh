#!/usr/bin/env bash
# Re-vendor KaTeX from the npm registry into assets/vendor/katex (run by hand when upgrading).
# Only the woff2 fonts are kept: every browser that runs the site's JavaScript reads woff2.
set -euo pipefail
version="${1:-0.19.1}"
dest="$(cd "$(dirname "$0")/.." && pwd)/assets/vendor/katex"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "katex@${version}" >/dev/null && tar xzf "katex-${version}.tgz")
rm -rf "$dest" && mkdir -p "$dest/fonts" "$dest/contrib"
cp "$tmp/package/dist/katex.min.js" "$dest/"
cp "$tmp/package/dist/contrib/auto-render.min.js" "$dest/contrib/"
cp "$tmp/package/dist/fonts/"*.woff2 "$dest/fonts/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
# Drop the woff/ttf fallbacks so the stylesheet names only files that are shipped.
sed -E 's/,url\(fonts\/[A-Za-z0-9_-]+\.(woff|ttf)\) format\("(woff|truetype)"\)//g' \
  "$tmp/package/dist/katex.min.css" > "$dest/katex.min.css"
echo "$version" > "$dest/VERSION"
