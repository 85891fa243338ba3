#!/usr/bin/env bash
# Fuzz campaign for the parsers of outside input (cargo-fuzz, libFuzzer).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Runs each target (default: uri_parse migration_decode import_any) for SECONDS_PER_TARGET (default 600), one
# at a time so that they do not starve a 2-core machine. Corpora live in fuzz/corpus/<target> and are
# seeded from shared/corpora (every otpauth:// and otpauth-migration:// URI in it) when present
# ($TESSERA_CORPORA overrides its location). Crashes land in fuzz/artifacts/<target>; copy each one
# into crate/core/tests/regressions/<target>/ so that `cargo test` keeps checking it. Logs go to
# /tmp/fuzz-<target>.log.
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`); without rustup's nightly,
# RUSTC_BOOTSTRAP=1 with the stable toolchain works too.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(uri_parse migration_decode import_any)

corpora="${TESSERA_CORPORA:-$(pwd)/../shared/corpora}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz" >&2
    exit 1
fi
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=(+nightly)
else
    toolchain=()
    export RUSTC_BOOTSTRAP=1
fi

seed() {
    local target="$1" pattern="$2"
    mkdir -p "fuzz/corpus/$target"
    [ -d "$corpora" ] || { echo "note: $corpora absent; not seeding $target"; return; }
    python3 - "$corpora" "fuzz/corpus/$target" "$pattern" <<'PY'
import hashlib, json, os, re, sys
root, out, pattern = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
found = set()
def walk(v):
    if isinstance(v, str):
        if pattern.match(v):
            found.add(v)
    elif isinstance(v, list):
        for x in v: walk(x)
    elif isinstance(v, dict):
        for x in v.values(): walk(x)
for d, _, files in os.walk(root):
    for f in files:
        if f.endswith('.json'):
            try:
                walk(json.load(open(os.path.join(d, f), encoding='utf-8')))
            except (ValueError, UnicodeDecodeError):
                pass
for s in found:
    b = s.encode()
    with open(os.path.join(out, 'seed-' + hashlib.sha1(b).hexdigest()[:16]), 'wb') as fh:
        fh.write(b)
print(f'seeded {len(found)} inputs into {out}')
PY
}

for target in "${targets[@]}"; do
    case "$target" in
        uri_parse) seed "$target" '(?i)^(otpauth|steam|apple-otpauth|motp|http)[^:]*:' ;;
        migration_decode) seed "$target" '(?i)^(otpauth-migration|qr-code|totp)' ;;
    esac
    # import_any reads the other apps' files straight from the corpora (libFuzzer reads directories
    # recursively; only the first directory is written to), so no GPL file lands in the repository.
    extra=()
    mkdir -p "fuzz/corpus/$target"
    [ "$target" = import_any ] && [ -d "$corpora/importers" ] && extra=("$corpora/importers")
    echo "== $target for ${seconds}s (log: /tmp/fuzz-$target.log)"
    cargo "${toolchain[@]}" fuzz run "$target" "fuzz/corpus/$target" "${extra[@]}" -- \
        -max_total_time="$seconds" -max_len=8192 -timeout=10 -print_final_stats=1 \
        >"/tmp/fuzz-$target.log" 2>&1 || { echo "$target: crash, see /tmp/fuzz-$target.log and fuzz/artifacts/$target"; exit 1; }
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs' "/tmp/fuzz-$target.log" || true
done
