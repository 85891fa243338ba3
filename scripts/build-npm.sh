#!/usr/bin/env bash
# Makes the Node package dist/npm/ (@tessera-auth/otp) from the release wasm module that
# scripts/build.sh has just built: binds it with wasm-bindgen for Node ES modules (loaded
# synchronously on import), and adds the hand-written entry, types and README from crate/wasm/npm/,
# the licences and a package.json with the workspace version. Does not build the module itself.
#   scripts/build-npm.sh      (called by scripts/build.sh)
# Try it: node -e "import('./dist/npm/index.js').then(m => console.log(m.totp('JBSWY3DPEHPK3PXP')))"
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

wasm="target/wasm32-unknown-unknown/wasm-release/tessera_wasm.wasm"
[ -f "$wasm" ] || die "$wasm is missing: run scripts/build.sh, which builds it and then this script"
src="crate/wasm/npm"
out="dist/npm"
version=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
[ -n "$version" ] || die "no version in [workspace.package] of Cargo.toml"

log "packaging dist/npm (@tessera-auth/otp $version)"
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target experimental-nodejs-module --no-typescript --out-dir "$out" "$wasm"
cp "$src/index.js" "$src/index.d.ts" "$src/README.md" LICENSE-MIT LICENSE-APACHE "$out/"
# wasm-bindgen writes a bare package.json of its own; ours replaces it.
node -e '
  const fs = require("node:fs");
  const [template, out, version] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(template, "utf8"));
  pkg.version = version;
  for (const f of pkg.files) if (!fs.existsSync(`${out}/${f}`)) throw new Error(`${out}/${f} is missing`);
  fs.writeFileSync(`${out}/package.json`, JSON.stringify(pkg, null, 2) + "\n");
' "$src/package.json" "$out" "$version"
printf 'dist/npm: %s bytes (%s files)\n' "$(cat "$out"/* | wc -c | tr -d ' ')" "$(ls "$out" | wc -l | tr -d ' ')"
