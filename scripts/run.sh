#!/usr/bin/env bash
# Builds Tessera and starts a browser with the extension in a fresh profile, next to a demo sign-in
# page served on 127.0.0.1 from tests/fixtures/.
#   scripts/run.sh [--browser chrome|firefox] [--headless]
# With no display (or --headless) the browser runs headless: the demo account is added through the
# popup, and screenshots of the popup and the demo page are saved to dist/screenshots/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

browser=chrome; headless=0
while [ $# -gt 0 ]; do
  case "$1" in
    --browser) browser="${2:-}"; shift 2 ;;
    --browser=*) browser="${1#*=}"; shift ;;
    --headless) headless=1; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) die "unknown option $1 (usage: scripts/run.sh [--browser chrome|firefox] [--headless])" ;;
  esac
done
case "$browser" in chrome|chromium) browser=chrome ;; firefox) ;; *) die "--browser must be chrome or firefox" ;; esac
[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && headless=1

bash scripts/build.sh
ext="$ROOT/dist/$browser"

if [ "$headless" = 1 ]; then
  log "no display: running $browser headless"
  node scripts/run-headless.mjs "$browser" "$ext"
  echo "Load unpacked: $ext"
  exit 0
fi

port="${TESSERA_DEMO_PORT:-8765}"
node tests/fixtures/server.mjs "$port" & server=$!
trap 'kill $server 2>/dev/null' EXIT
url="http://127.0.0.1:$port/signin.html"
profile="$(mktemp -d)"
echo "Load unpacked: $ext"
echo "Demo sign-in page: $url"
if [ "$browser" = chrome ]; then
  "$(chromium_bin)" --user-data-dir="$profile" --no-first-run --disable-extensions-except="$ext" \
    --load-extension="$ext" "$url"
else
  npx --no-install web-ext run --source-dir "$ext" --firefox "$(firefox_bin)" --profile-create-if-missing \
    --firefox-profile "$profile" --start-url "$url" --no-reload
fi
