#!/usr/bin/env bash
# Builds the release wasm module (tuned for size), binds it into extension/pkg/, and assembles
# dist/chrome/ and dist/firefox/ plus their zips. Prints the sizes.
#   scripts/build.sh          shipped builds
#   scripts/build.sh --test   also dist/chrome-test/ and dist/firefox-test/ (see scripts/assemble.mjs)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

test_builds=0
for arg in "$@"; do
  case "$arg" in
    --test) test_builds=1 ;;
    *) die "unknown option $arg (usage: scripts/build.sh [--test])" ;;
  esac
done

[ "${TESSERA_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh

log "building the wasm module ($(wasm_toolchain) toolchain, profile wasm-release)"
wasm_cargo build --locked -p tessera-wasm --profile wasm-release
wasm="target/wasm32-unknown-unknown/wasm-release/tessera_wasm.wasm"
rm -rf extension/pkg
# Shipped modules drop the function-name section (about a third of the main module): names only
# label stack traces, and errors reach the pages as stable codes anyway.
wasm-bindgen --target web --no-typescript --remove-name-section --out-dir extension/pkg "$wasm"

# The QR decoder is a module of its own (crate/qr-wasm), run in its own worker (extension/qr/).
# Test builds get a variant whose decoder can be made to trap (feature test-trap), bound apart.
log "building the QR decoder's wasm module"
# Profile wasm-qr: wasm-release at opt-level 3 (see Cargo.toml).
qr_wasm="target/wasm32-unknown-unknown/wasm-qr/tessera_qr_wasm.wasm"
if [ "$test_builds" = 1 ]; then
  wasm_cargo build --locked -p tessera-qr-wasm --profile wasm-qr --features test-trap
  rm -rf "$STATE_DIR/qr-test-pkg"
  wasm-bindgen --target web --no-typescript --out-dir "$STATE_DIR/qr-test-pkg" "$qr_wasm"
fi
wasm_cargo build --locked -p tessera-qr-wasm --profile wasm-qr
rm -rf extension/qr/pkg
wasm-bindgen --target web --no-typescript --remove-name-section --out-dir extension/qr/pkg "$qr_wasm"

# The popup loads one script and one style sheet (scripts/bundle-popup.mjs); here for the root,
# which loads unpacked, and again by assemble.mjs for each variant.
log "bundling the popup"
node scripts/bundle-popup.mjs extension

log "assembling dist/"
mkdir -p dist
variants=(chrome firefox)
[ "$test_builds" = 1 ] && variants+=(chrome-test firefox-test)
for v in "${variants[@]}"; do
  browser="${v%-test}"
  flag=""; [ "$v" != "$browser" ] && flag="--test"
  node scripts/assemble.mjs "$browser" "dist/$v" $flag
done
for b in chrome firefox; do
  rm -f "dist/tessera-$b.zip"
  (cd "dist/$b" && zip -qrX9 "../tessera-$b.zip" .)
done

size() { wc -c < "$1" | tr -d ' '; }
bound="extension/pkg/tessera_wasm_bg.wasm"
printf 'wasm (bound): %s bytes raw, %s bytes gzipped\n' "$(size "$bound")" "$(gzip -9 -c "$bound" | wc -c | tr -d ' ')"
qr_bound="extension/qr/pkg/tessera_qr_wasm_bg.wasm"
printf 'QR decoder wasm (bound): %s bytes raw, %s bytes gzipped\n' "$(size "$qr_bound")" "$(gzip -9 -c "$qr_bound" | wc -c | tr -d ' ')"
for b in chrome firefox; do
  printf 'dist/tessera-%s.zip: %s bytes\n' "$b" "$(size "dist/tessera-$b.zip")"
done
bash scripts/build-npm.sh
echo "Load unpacked: $ROOT/dist/chrome (Chrome) or $ROOT/dist/firefox/manifest.json (Firefox)"
