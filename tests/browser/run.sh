#!/usr/bin/env bash
# Runs every browser check against a built site: `bash tests/browser/run.sh public`,
# and the live-preview check against `gongkai serve` (the release binary).
# Installs playwright-core and axe-core from npm (no browser download: Debian's
# /usr/bin/chromium is used). Each check serves the site itself on 127.0.0.1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
site="$(cd "${1:-public}" && pwd)"
cd "$here"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund --silent
fi
status=0
for check in search.mjs a11y.mjs; do
  if [ -f "$check" ]; then
    echo "-- $check"
    node "$check" "$site" || status=1
  fi
done
# The live preview: the real binary (GONGKAI, else the release build) on a fixture site.
gongkai="${GONGKAI:-$here/../../target/release/gongkai}"
if [ -x "$gongkai" ]; then
  echo "-- serve.mjs"
  node serve.mjs "$gongkai" "$here/../fixtures/mini" || status=1
else
  echo "-- serve.mjs: no gongkai binary at $gongkai (build with cargo build --release)" >&2
  status=1
fi
exit $status
