#!/usr/bin/env bash
# The one test command: formatting, lints, Rust tests (native and wasm under node), the builds,
# web-ext lint, and the end-to-end tests in real Chromium and Firefox. Ends with one line
# "N passed, N failed" over all suites and exits non-zero on any failure.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
started=$SECONDS

bash scripts/setup.sh || die "setup failed"

LOGS="$ROOT/target/test-logs"
rm -rf "$LOGS"; mkdir -p "$LOGS"
PASSED=0; FAILED=0; SUMMARY=()

# record <suite> <passed> <failed>
record() {
  PASSED=$((PASSED + $2)); FAILED=$((FAILED + $3))
  SUMMARY+=("$(printf '%-28s %5s passed %5s failed' "$1" "$2" "$3")")
}

# run <suite> <parser> <command...>: runs the command with its output shown and kept in a log, then
# counts tests with the parser: "check" (one check: the exit status), "cargo" (libtest summaries),
# "node" (node:test summary), "summary" (a last line "N passed, N failed"). A failing exit status with no failed test counted is one failure.
run() {
  local suite="$1" parser="$2"; shift 2
  local logf="$LOGS/${suite//[^a-zA-Z0-9_-]/_}.log" status p=0 f=0
  log "$suite"
  "$@" 2>&1 | tee "$logf"; status=${PIPESTATUS[0]}
  case "$parser" in
    check) [ "$status" = 0 ] && p=1 || f=1 ;;
    cargo)
      p=$(sed -n 's/.*test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' "$logf" | awk '{s+=$1} END {print s+0}')
      f=$(sed -n 's/.*test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' "$logf" | awk '{s+=$1} END {print s+0}') ;;
    summary)
      p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$logf" | tail -1)
      f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$logf" | tail -1) ;;
    node)
      p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$logf" | awk '{s+=$1} END {print s+0}')
      f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$logf" | awk '{s+=$1} END {print s+0}') ;;
  esac
  p=${p:-0}; f=${f:-0}
  if [ "$status" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  record "$suite" "$p" "$f"
}

run "cargo fmt --check" check cargo fmt --all --check
run "cargo clippy" check cargo clippy --locked --workspace --all-targets -- -D warnings
run "cargo test (native)" cargo cargo test --locked --workspace
run "wasm tests (node)" cargo env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  bash -c 'source scripts/lib.sh && wasm_cargo test --locked -p tessera-wasm'
run "vault interop (python)" summary bash tests/interop/run.sh
# cargo deny reads `cargo metadata` for every target, so crates only other targets use (wasi,
# windows-sys, ...) must be in the registry cache first; a fresh machine has only what the builds fetched.
run "cargo deny (licences, bans, sources)" check \
  bash -c 'cargo fetch --locked && cargo deny --offline check licenses bans sources'
if bash scripts/fuzz.sh --available; then
  run "fuzz smoke (every target, 5 s)" check bash scripts/fuzz.sh --smoke 5
else
  log "skipping the fuzz smoke test: cargo-fuzz is missing (scripts/setup.sh installs it)"
fi
run "build (shipped + test)" check env TESSERA_SKIP_SETUP=1 bash scripts/build.sh --test
if [ -f dist/firefox/manifest.json ]; then
  run "web-ext lint (dist/firefox)" check node scripts/lint-firefox.mjs dist/firefox
  run "node package (dist/npm)" node node --test tests/npm/
  run "end-to-end (browsers)" node node --test --test-concurrency=1 tests/e2e/
else
  record "browser suites (no build)" 0 1
fi

echo
printf '%s\n' "${SUMMARY[@]}"
echo "took $((SECONDS - started)) s; logs in $LOGS"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
