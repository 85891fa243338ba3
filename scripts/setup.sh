#!/usr/bin/env bash
# Installs what building and testing Tessera needs, and only what is missing. Idempotent: the other
# scripts call it first, and a second run does nothing but check.
#   - a toolchain for wasm32-unknown-unknown (rustup's target, else Debian's rustc-web + lld)
#   - wasm-bindgen-cli at exactly the wasm-bindgen version pinned in Cargo.toml
#   - Node packages from package-lock.json (npm ci)
#   - Python's cryptography package (tests/interop)
#   - chromium, firefox-esr (apt) and geckodriver (cargo install)
#   - cargo-deny and cargo-fuzz (cargo install; fuzzing also needs a nightly toolchain or uses
#     RUSTC_BOOTSTRAP=1, see scripts/fuzz.sh)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs) first"
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm

# --- wasm toolchain -------------------------------------------------------------------------------
have_debian_wasm() {
  [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] && command -v wasm-ld >/dev/null &&
    [ -d /usr/lib/rustlib/src/rust/library ]
}
choose_wasm_toolchain() {
  local current; current="$(wasm_toolchain)"
  if [ "$current" = rustup ] && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then return; fi
  if [ "$current" = debian ] && have_debian_wasm; then return; fi
  # 1. rustup's target, when installed or when it can be added within 60 s. A failed attempt is
  #    remembered for a day outside the checkout, so fresh clones on this machine do not wait again.
  local failed="${XDG_CACHE_HOME:-$HOME/.cache}/tessera/rustup-wasm32-failed"
  if command -v rustup >/dev/null; then
    if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
      echo rustup > "$STATE_DIR/wasm-toolchain"; return
    fi
    if [ -z "$(find "$failed" -mmin -1440 2>/dev/null)" ]; then
      log "trying rustup target add wasm32-unknown-unknown (60 s at most)"
      if timeout 60 rustup target add wasm32-unknown-unknown >&2; then
        echo rustup > "$STATE_DIR/wasm-toolchain"; return
      fi
      mkdir -p "$(dirname "$failed")"; touch "$failed"
      warn "rustup could not add the wasm32 target; using Debian's rustc-web instead"
    fi
  fi
  # 2. Debian's rustc-web with the standard library's source (built with -Z build-std) and lld.
  if ! have_debian_wasm; then
    log "installing Debian's rustc-web, cargo-web, rust-web-src and lld"
    apt_install rustc-web cargo-web rust-web-src lld
    have_debian_wasm || die "Debian's rustc-web toolchain is incomplete after installing it"
  fi
  echo debian > "$STATE_DIR/wasm-toolchain"
}
choose_wasm_toolchain

# --- wasm-bindgen-cli, exactly the pinned version ------------------------------------------------
want="$(wasm_bindgen_version)"
[ -n "$want" ] || die "could not read the pinned wasm-bindgen version from Cargo.toml"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (about 5 minutes)"
  cargo install wasm-bindgen-cli --version "$want" --force >&2
fi

# --- Node packages ---------------------------------------------------------------------------------
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.tessera-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  log "installing Node packages (npm ci)"
  npm ci --no-audit --no-fund >&2
  echo "$lock_hash" > node_modules/.tessera-lock-hash
fi

# --- Python's cryptography package (the independent vault reader in tests/interop) ---------------
if ! python3 -c 'import cryptography' 2>/dev/null; then
  log "installing Python's cryptography package"
  python3 -m pip install --quiet cryptography >&2 || apt_install python3-cryptography
fi

# --- cargo-deny (the dependency check) and cargo-fuzz (the fuzz smoke test) ------------------------
if ! cargo deny --version >/dev/null 2>&1; then
  log "installing cargo-deny (about 10 minutes)"
  cargo install cargo-deny --locked >&2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz (about 2 minutes)"
  cargo install cargo-fuzz --locked >&2 || warn "could not install cargo-fuzz: the fuzz smoke test will be skipped"
fi

# --- browsers --------------------------------------------------------------------------------------
[ -n "$(chromium_bin)" ] || { log "installing chromium"; apt_install chromium; }
# Chromium's Dutch UI for the --lang=nl end-to-end test (Debian ships the other locales apart).
[ ! -d /usr/lib/chromium/locales ] || [ -f /usr/lib/chromium/locales/nl.pak ] || { log "installing chromium-l10n"; apt_install chromium-l10n; }
[ -n "$(firefox_bin)" ] || { log "installing firefox-esr"; apt_install firefox-esr; }
if [ -z "$(geckodriver_bin)" ]; then
  log "installing geckodriver (about 5 minutes)"
  cargo install geckodriver >&2
fi
exit 0
