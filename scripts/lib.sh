# Shared by the scripts in this folder: logging, the repository root, and the wasm toolchain.
# Source it; do not run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="$ROOT/target/.tessera"
mkdir -p "$STATE_DIR"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The exact wasm-bindgen version pinned in Cargo.toml; wasm-bindgen-cli must match it.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$ROOT/Cargo.toml"
}

# Which toolchain builds wasm32-unknown-unknown, as chosen by setup.sh: "rustup" or "debian".
wasm_toolchain() {
  cat "$STATE_DIR/wasm-toolchain" 2>/dev/null || echo unknown
}

# cargo for the wasm32-unknown-unknown target, whichever toolchain setup.sh found.
# Debian's rustc-web ships the standard library as source only, so std is built with -Z build-std
# (RUSTC_BOOTSTRAP=1 unlocks -Z on a stable compiler) and linked with lld's wasm-ld.
wasm_cargo() {
  case "$(wasm_toolchain)" in
    rustup) cargo "$@" --target wasm32-unknown-unknown ;;
    debian)
      RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
        /usr/bin/cargo "$@" -Z build-std=std,panic_abort --target wasm32-unknown-unknown ;;
    *) die "no wasm toolchain chosen; run scripts/setup.sh" ;;
  esac
}

# Runs a command as root when it needs to be (apt-get).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root for: $*"; fi
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* by hand (see README.md)"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -q >&2; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "$@" >&2
}

# Chromium and Firefox binaries (Debian names first).
chromium_bin() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }
firefox_bin() { command -v firefox-esr || command -v firefox || true; }
geckodriver_bin() { command -v geckodriver || true; }
