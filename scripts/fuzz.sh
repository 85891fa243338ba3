#!/usr/bin/env bash
# Fuzz campaign for the parsers of outside input (cargo-fuzz, libFuzzer).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   a campaign (default: 600 s, every target)
#   scripts/fuzz.sh --smoke [SECONDS]                  scripts/test.sh's smoke test (default 5 s each)
#   scripts/fuzz.sh --available                        exit 0 when cargo-fuzz and a toolchain are here
#
# Targets (fuzz/fuzz_targets/): uri_parse, migration_decode, import_any (every importer, each with
# and without a password), vault_open, qr_decode, storage_read, and sync_read when the core has a
# sync module. A campaign runs them one at a time so they do not starve a 2-core machine. Corpora
# live in fuzz/corpus/<target> (kept in git) and are seeded from shared/corpora (every otpauth://
# and otpauth-migration:// URI in it) when present ($TESSERA_CORPORA overrides its location), and
# from `cargo run --example seeds` (real vaults, rendered QR codes, stores) for the structured
# targets. Crashes land in fuzz/artifacts/<target>; once fixed, keep each as a regression file in
# fuzz/regressions/<target>/ (the smoke test runs them all; uri_parse and migration_decode ones also
# go to crate/core/tests/regressions/<target>/ for `cargo test`). Logs go to /tmp/fuzz-<target>.log.
#
# The smoke test runs every regression file and corpus input of each target, then fuzzes it for a
# few seconds, writing nothing into the repository.
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`, which scripts/setup.sh
# does); without rustup's nightly, RUSTC_BOOTSTRAP=1 with the stable toolchain works too (without
# AddressSanitizer: the core forbids unsafe code, so it only checks the dependencies' unsafe code).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=campaign
case "${1:-}" in
    --smoke) mode=smoke; shift; seconds="${1:-5}"; shift || true ;;
    --available) mode=available; shift ;;
    *) seconds="${1:-600}"; shift || true ;;
esac
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for f in fuzz/fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi

corpora="${TESSERA_CORPORA:-$(pwd)/../shared/corpora}"

toolchain=()
sanitizer=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
    sanitizer=(--sanitizer none)
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    [ "$mode" = available ] && exit 1
    echo "cargo-fuzz is missing: cargo install cargo-fuzz (scripts/setup.sh does)" >&2
    exit 1
fi
[ "$mode" = available ] && exit 0

if [ "$mode" = smoke ]; then
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    failed=()
    # One build of every target first (each `fuzz run` would otherwise build its own binary).
    cargo "${toolchain[@]}" fuzz build "${sanitizer[@]}" >"$scratch/build.log" 2>&1 ||
        { tail -n 40 "$scratch/build.log"; echo "fuzz smoke: the fuzz targets do not build"; exit 1; }
    for target in "${targets[@]}"; do
        dirs=("$scratch/$target")
        mkdir -p "${dirs[0]}"
        for d in "fuzz/regressions/$target" "fuzz/corpus/$target"; do [ -d "$d" ] && dirs+=("$d"); done
        log="$scratch/$target.log"
        if cargo "${toolchain[@]}" fuzz run "${sanitizer[@]}" "$target" "${dirs[@]}" -- \
            -max_total_time="$seconds" -max_len=8192 -timeout=30 -print_final_stats=1 \
            -artifact_prefix="$scratch/$target-" >"$log" 2>&1; then
            echo "$target: ok, $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") executions"
        else
            tail -n 40 "$log"
            echo "$target: FAILED"
            failed+=("$target")
        fi
    done
    [ ${#failed[@]} -eq 0 ] || { echo "fuzz smoke failed: ${failed[*]}"; exit 1; }
    exit 0
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

structured_seeds() {
    # Real vaults, rendered QR codes and stores, written by the fuzz crate's seeds example.
    cargo "${toolchain[@]}" run --quiet --release --manifest-path fuzz/Cargo.toml --example seeds -- fuzz/corpus
}

for target in "${targets[@]}"; do
    case "$target" in
        uri_parse) seed "$target" '(?i)^(otpauth|steam|apple-otpauth|motp|http)[^:]*:' ;;
        migration_decode) seed "$target" '(?i)^(otpauth-migration|qr-code|totp)' ;;
        vault_open|qr_decode|storage_read) structured_seeds ;;
    esac
    # import_any reads the other apps' files straight from the corpora (libFuzzer reads directories
    # recursively; only the first directory is written to), so no GPL file lands in the repository.
    # Regression files are read too, and never written to.
    extra=()
    mkdir -p "fuzz/corpus/$target"
    [ -d "fuzz/regressions/$target" ] && extra+=("fuzz/regressions/$target")
    [ "$target" = import_any ] && [ -d "$corpora/importers" ] && extra+=("$corpora/importers")
    echo "== $target for ${seconds}s (log: /tmp/fuzz-$target.log)"
    cargo "${toolchain[@]}" fuzz run "${sanitizer[@]}" "$target" "fuzz/corpus/$target" "${extra[@]}" -- \
        -max_total_time="$seconds" -max_len=8192 -timeout=10 -print_final_stats=1 \
        >"/tmp/fuzz-$target.log" 2>&1 || { echo "$target: crash, see /tmp/fuzz-$target.log and fuzz/artifacts/$target"; exit 1; }
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs' "/tmp/fuzz-$target.log" || true
done
