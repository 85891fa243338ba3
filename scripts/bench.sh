#!/usr/bin/env bash
# Benchmarks; writes bench/RESULTS.md. Speed is compared with a peer in the same run, as a ratio.
#   scripts/bench.sh [codes]   (default 200000 codes per measurement; best of 7)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
n="${1:-200000}"
[ "${TESSERA_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh

log "native: tessera-core vs totp-rs"
cargo build --locked --release -q -p tessera-bench
native="$(target/release/tessera-bench "$n")"

log "wasm under node: tessera-core vs totp-rs"
wasm_cargo build --locked -q -p tessera-bench --lib --profile wasm-release
rm -rf target/bench-wasm
wasm-bindgen --target nodejs --no-typescript --out-dir target/bench-wasm \
  target/wasm32-unknown-unknown/wasm-release/tessera_bench.wasm
wasm="$(node scripts/bench-wasm.mjs target/bench-wasm "$n")"

log "sizes"
[ -f extension/pkg/tessera_wasm_bg.wasm ] || TESSERA_SKIP_SETUP=1 bash scripts/build.sh >/dev/null
bound=extension/pkg/tessera_wasm_bg.wasm
wasm_raw=$(wc -c < "$bound" | tr -d ' '); wasm_gz=$(gzip -9 -c "$bound" | wc -c | tr -d ' ')

field() { node -e "console.log(JSON.parse(process.argv[1])[process.argv[2]])" "$1" "$2"; }
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
cat > bench/RESULTS.md <<MD
# Benchmark results

Written by \`scripts/bench.sh $n\` on $(date -u +%Y-%m-%d) ($cpu, $(nproc) cores, rustc $(rustc --version | awk '{print $2}'), node $(node --version)).
Each rate is the best of 7 runs of $n TOTP codes (HMAC-SHA1, 6 digits, RFC 6238 seed, consecutive steps);
both sides compute the same codes (checked by checksum in the same run). Ratio = Tessera / totp-rs; above 1 is faster.

| where | tessera-core codes/s | totp-rs 5.7 codes/s | ratio |
|---|---:|---:|---:|
| native (release) | $(field "$native" tessera_per_s) | $(field "$native" totp_rs_per_s) | $(field "$native" ratio) |
| wasm32 under node (profile wasm-release, opt-level z) | $(field "$wasm" tessera_per_s) | $(field "$wasm" totp_rs_per_s) | $(field "$wasm" ratio) |

## Size of the shipped module

\`extension/pkg/tessera_wasm_bg.wasm\` (after wasm-bindgen): $wasm_raw bytes raw, $wasm_gz bytes gzipped (\`gzip -9\`).
MD
[ -f bench/FUZZ.md ] && printf '\nFuzzing campaigns are reported in [FUZZ.md](FUZZ.md).\n' >> bench/RESULTS.md
cat bench/RESULTS.md
