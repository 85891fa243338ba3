#!/usr/bin/env bash
# Benchmarks. Speed is always compared with a peer in the same run, as a ratio; never asserted.
#   scripts/bench.sh [codes|cli|qr|vault|popup|all] [--codes N]
#     codes  tessera-core vs totp-rs, natively and in wasm under node  -> bench/RESULTS.md
#     cli    `tessera code` start-up plus one code vs oathtool (hyperfine) -> bench/RESULTS.md
#     qr     Tessera's wasm QR decoder vs jsQR and zxing-wasm on ../shared/corpora/qr -> bench/QR.md
#     vault  unlock at 600,000 iterations vs WebCrypto alone, save of 1,000 accounts -> bench/VAULT.md
#     popup  500 accounts: popup navigation to codes painted, main-thread ms/s open -> bench/RESULTS.md
#     sync   storage.sync capacity in typical accounts, bytes per account, and the wasm bytes sync
#            (miniz_oxide DEFLATE included) adds -> bench/RESULTS.md
#   The default is "codes cli"; "all" runs everything.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

n=200000; what=()
while [ $# -gt 0 ]; do
  case "$1" in
    --codes) n="$2"; shift 2 ;;
    codes|cli|qr|vault|popup|sync) what+=("$1"); shift ;;
    all) what+=(codes cli qr vault popup sync); shift ;;
    *) die "unknown argument $1 (usage: scripts/bench.sh [codes|cli|qr|vault|popup|sync|all] [--codes N])" ;;
  esac
done
[ ${#what[@]} -gt 0 ] || what=(codes cli)
wants() { [[ " ${what[*]} " == *" $1 "* ]]; }
[ "${TESSERA_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh
field() { node -e "console.log(JSON.parse(process.argv[1])[process.argv[2]])" "$1" "$2"; }
mkdir -p bench target/bench

bench_wasm() {
  wasm_cargo build --locked -q -p tessera-bench --lib --profile wasm-release
  rm -rf target/bench-wasm
  wasm-bindgen --target nodejs --no-typescript --out-dir target/bench-wasm \
    target/wasm32-unknown-unknown/wasm-release/tessera_bench.wasm
  # wasm-bindgen's nodejs output is CommonJS; the repository's package.json says "type": "module".
  echo '{ "type": "commonjs" }' > target/bench-wasm/package.json
}

if wants codes; then
  log "codes: tessera-core vs totp-rs, native"
  cargo build --locked --release -q -p tessera-bench
  target/release/tessera-bench "$n" > target/bench/codes-native.json
  log "codes: tessera-core vs totp-rs, wasm under node"
  bench_wasm
  node scripts/bench-wasm.mjs target/bench-wasm "$n" > target/bench/codes-wasm.json
  [ -f extension/pkg/tessera_wasm_bg.wasm ] || TESSERA_SKIP_SETUP=1 bash scripts/build.sh >/dev/null
  bound=extension/pkg/tessera_wasm_bg.wasm
  printf '%s %s\n' "$(wc -c < "$bound" | tr -d ' ')" "$(gzip -9 -c "$bound" | wc -c | tr -d ' ')" > target/bench/size.txt
fi

if wants cli; then
  command -v oathtool >/dev/null && command -v hyperfine >/dev/null || apt_install oathtool hyperfine
  log "cli: tessera code vs oathtool (start-up plus one code)"
  cargo build --locked --release -q -p tessera-cli
  secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
  [ "$(target/release/tessera code "$secret" --time 59)" = "$(oathtool --totp -b --now '1970-01-01 00:00:59 UTC' "$secret")" ] ||
    die "tessera and oathtool disagree"
  hyperfine -N --warmup 20 --runs 300 --export-json target/bench/cli.json \
    "target/release/tessera code $secret --time 59" \
    "oathtool --totp -b --now '1970-01-01 00:00:59 UTC' $secret" >&2
fi

if wants qr; then
  corpora="${TESSERA_CORPORA:-$ROOT/../shared/corpora}"
  if [ -d "$corpora/qr" ]; then
    log "qr: Tessera (wasm) vs jsQR vs zxing-wasm on $corpora/qr"
    # The module the extension ships (crate/qr-wasm, profile wasm-qr, as scripts/build.sh builds it),
    # bound for node.
    wasm_cargo build --locked -q -p tessera-qr-wasm --profile wasm-qr
    rm -rf target/bench-qr-wasm
    wasm-bindgen --target nodejs --no-typescript --out-dir target/bench-qr-wasm \
      target/wasm32-unknown-unknown/wasm-qr/tessera_qr_wasm.wasm
    echo '{ "type": "commonjs" }' > target/bench-qr-wasm/package.json
    TESSERA_CORPORA="$corpora" cargo run --locked --release -q -p tessera-core --example qr_corpus_dump -- target/qr-corpus
    node scripts/bench-qr.mjs target/bench-qr-wasm target/qr-corpus bench/QR.md
  else
    warn "no corpora at $corpora: skipping the QR benchmark"
  fi
fi

if wants vault; then
  log "vault: unlock vs WebCrypto alone, save of 1,000 accounts (headless Chromium)"
  [ -f dist/chrome-test/manifest.json ] || TESSERA_SKIP_SETUP=1 bash scripts/build.sh --test >/dev/null
  node scripts/bench-vault.mjs > bench/VAULT.md.new && mv bench/VAULT.md.new bench/VAULT.md
fi

if wants popup; then
  log "popup: 500 accounts, navigation to codes painted and main-thread time open (headless Chromium)"
  [ -f dist/chrome-test/manifest.json ] || TESSERA_SKIP_SETUP=1 bash scripts/build.sh --test >/dev/null
  node scripts/bench-popup.mjs > target/bench/popup.md.new && mv target/bench/popup.md.new target/bench/popup.md
fi
if wants sync; then
  log "sync: how many typical accounts fit storage.sync (tessera-core example sync_capacity)"
  cargo run --locked --release -q -p tessera-core --example sync_capacity > target/bench/sync.md.new
  log "sync: wasm size with and without the sync bindings (a copy of HEAD, its own target dir)"
  copy="$(mktemp -d)"
  git archive HEAD | tar -x -C "$copy"
  sizes=()
  for variant in with without; do
    [ "$variant" = without ] && sed -i '/^mod sync;$/d' "$copy/crate/wasm/src/lib.rs"
    (cd "$copy" && CARGO_TARGET_DIR="$ROOT/target/bench-sync-size" wasm_cargo build --locked -q -p tessera-wasm --profile wasm-release)
    out="$ROOT/target/bench-sync-size/bindgen-$variant"
    rm -rf "$out"
    wasm-bindgen --target web --no-typescript --out-dir "$out" \
      "$ROOT/target/bench-sync-size/wasm32-unknown-unknown/wasm-release/tessera_wasm.wasm"
    w="$out/tessera_wasm_bg.wasm"
    sizes+=("$(wc -c < "$w" | tr -d ' ') $(gzip -9 -c "$w" | wc -c | tr -d ' ')")
  done
  rm -rf "$copy"
  read -r with_raw with_gz <<< "${sizes[0]}"; read -r without_raw without_gz <<< "${sizes[1]}"
  {
    cat target/bench/sync.md.new
    echo
    echo "Wasm cost of sync (core sync module, miniz_oxide 0.8 deflate and inflate, bindings), tessera_wasm_bg.wasm after wasm-bindgen as shipped, profile wasm-release: $with_raw bytes with, $without_raw without: +$((with_raw - without_raw)) bytes raw, +$((with_gz - without_gz)) gzipped (\`gzip -9\`)."
  } > target/bench/sync.md
  rm -f target/bench/sync.md.new
fi
# A sync section measured elsewhere (no target/bench/sync.md here) is kept as it is.
[ -f target/bench/sync.md ] || awk '/^## /{p=/^## Sync/} p' bench/RESULTS.md > target/bench/sync.md 2>/dev/null || true
# Code and CLI sections measured by an earlier run (no JSON for them in target/bench here, e.g.
# `scripts/bench.sh qr` alone) are kept as they are.
[ -f target/bench/codes-native.json ] && [ -f target/bench/codes-wasm.json ] ||
  awk '/^## /{p=/^## Codes per second/} p' bench/RESULTS.md > target/bench/codes-kept.md 2>/dev/null || true
[ -f target/bench/cli.json ] || awk '/^## /{p=/^## CLI start-up/} p' bench/RESULTS.md > target/bench/cli-kept.md 2>/dev/null || true
# A popup section measured elsewhere (no target/bench/popup.md here) is kept as it is.
[ -f target/bench/popup.md ] || awk '/^## /{p=/^## Popup/} p' bench/RESULTS.md > target/bench/popup.md 2>/dev/null || true

# The fuzzing section is written by hand from scripts/fuzz.sh runs (bench/FUZZ.md) and kept as it is.
mkdir -p target/bench
awk '/^## /{p=/^## Fuzzing/} p' bench/RESULTS.md > target/bench/fuzz.md 2>/dev/null || true

# The QR section: totals, time ratios and goals from bench/QR.md (written by `scripts/bench.sh qr`).
if [ -f bench/QR.md ]; then
  {
    echo "## QR decoding (\`scripts/bench.sh qr\`, $(date -u -r bench/QR.md +%Y-%m-%d))"
    echo
    echo "Tessera's shipped QR module (crate/qr-wasm, profile wasm-qr) vs jsQR and zxing-wasm on the same pixels of"
    echo "every image in ../shared/corpora/qr; per set, method and machine load: [QR.md](QR.md)."
    echo
    awk '/^\| set \|/ { head = $0; getline; sep = $0; next }
         /^\| \*\*all\*\* \|/ { print "Decode time per image (ms): median / p90"; print "" }
         /^\| \*\*all/ { print head; print sep; print; print "" }' bench/QR.md
    grep '^Median time ratios' bench/QR.md
    echo
    awk '/^## /{p=/^## Against the goals/; next} p && /^- /' bench/QR.md
    qr_bound=extension/qr/pkg/tessera_qr_wasm_bg.wasm
    if [ -f "$qr_bound" ]; then
      echo
      echo "Shipped QR module \`$qr_bound\` (after wasm-bindgen): $(wc -c < "$qr_bound" | tr -d ' ') bytes raw, $(gzip -9 -c "$qr_bound" | wc -c | tr -d ' ') bytes gzipped (\`gzip -9\`)."
    fi
  } > target/bench/qr.md
fi

# bench/RESULTS.md: the code and CLI results of the last run that measured them, and links.
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
{
  echo "# Benchmark results"
  echo
  echo "Machine: $cpu, $(nproc) cores; rustc $(rustc --version | awk '{print $2}'), node $(node --version)."
  echo "Command: \`scripts/bench.sh\` (codes and cli; \`scripts/bench.sh all\` also runs qr and vault)."
  echo "Timings on this shared 2-core machine vary between runs (on 2026-11-22 the wasm codes ratio ranged 0.65-1.14"
  echo "and the CLI ratio 0.80-1.44 over several runs); only ratios within one run are compared."
  if [ -f target/bench/codes-native.json ] && [ -f target/bench/codes-wasm.json ]; then
    native="$(cat target/bench/codes-native.json)"; wasm="$(cat target/bench/codes-wasm.json)"
    read -r raw gz < target/bench/size.txt
    cat <<MD

## Codes per second (\`scripts/bench.sh codes\`, $(date -u -r target/bench/codes-wasm.json +%Y-%m-%d))

Best of 7 runs of $(field "$native" codes) TOTP codes (HMAC-SHA1, 6 digits, RFC 6238 seed, consecutive steps); both
sides compute the same codes (checked by checksum in the same run). Ratio = Tessera / totp-rs 5.7; above 1 is faster.

| where | tessera-core codes/s | totp-rs codes/s | ratio |
|---|---:|---:|---:|
| native (release) | $(field "$native" tessera_per_s) | $(field "$native" totp_rs_per_s) | $(field "$native" ratio) |
| wasm32 under node (profile wasm-release: opt-level z, its hash crates 3) | $(field "$wasm" tessera_per_s) | $(field "$wasm" totp_rs_per_s) | $(field "$wasm" ratio) |

Shipped module \`extension/pkg/tessera_wasm_bg.wasm\` (after wasm-bindgen): $raw bytes raw, $gz bytes gzipped (\`gzip -9\`).
MD
  elif [ -s target/bench/codes-kept.md ]; then
    echo
    awk 'NF { while (blank-- > 0) print ""; blank = 0; print; next } { blank++ }' target/bench/codes-kept.md
  fi
  if [ -f target/bench/cli.json ]; then
    node -e '
      const r = require(process.argv[1]).results;
      const ms = (x) => (x * 1000).toFixed(2);
      console.log(`\n## CLI start-up plus one code (\`scripts/bench.sh cli\`, hyperfine -N, 300 runs)\n`);
      console.log("| command | mean ms | median ms | min ms |\n|---|---:|---:|---:|");
      for (const x of r) console.log(`| \`${x.command}\` | ${ms(x.mean)} | ${ms(x.median)} | ${ms(x.min)} |`);
      console.log(`\nRatio tessera / oathtool (mean): ${(r[0].mean / r[1].mean).toFixed(2)} (below 1 is faster). Both print 94287082, RFC 6238 Appendix B at T = 59.`);
    ' "$ROOT/target/bench/cli.json"
  elif [ -s target/bench/cli-kept.md ]; then
    echo
    awk 'NF { while (blank-- > 0) print ""; blank = 0; print; next } { blank++ }' target/bench/cli-kept.md
  fi
  if [ -s target/bench/qr.md ]; then
    echo
    cat target/bench/qr.md
  fi
  if [ -s target/bench/popup.md ]; then
    echo
    awk 'NF { while (blank-- > 0) print ""; blank = 0; print; next } { blank++ }' target/bench/popup.md # no trailing blank lines
  fi
  if [ -s target/bench/sync.md ]; then
    echo
    awk 'NF { while (blank-- > 0) print ""; blank = 0; print; next } { blank++ }' target/bench/sync.md
  fi
  if [ -s target/bench/fuzz.md ]; then
    echo
    awk 'NF { while (blank-- > 0) print ""; blank = 0; print; next } { blank++ }' target/bench/fuzz.md
  fi
  echo
  echo "## Elsewhere"
  echo
  for f in QR VAULT FUZZ; do [ -f "bench/$f.md" ] && echo "- [$f.md]($f.md): $(sed -n '1s/^# //p' "bench/$f.md")"; done
} > bench/RESULTS.md
cat bench/RESULTS.md
