#!/usr/bin/env bash
# Python interop for the vault format: vaults written by the Rust code (crate/core/examples/
# write_vaults.rs) and the frozen v1 vectors must open with tests/interop/open_vault.py, which knows
# only docs/vault-format.md and Python's `cryptography` package, and give exactly the expected
# records; a wrong password and a flipped byte must fail there too.
# Needs: python3 with `cryptography` (pip install cryptography). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

if ! python3 -c 'import cryptography' 2>/dev/null; then
  echo "tests/interop: python3 cannot import cryptography (pip install cryptography)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
data=crate/core/tests/data/vault
expected=$data/v1_expected.json
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"], end="")' "$expected" > "$out/password.txt"

if ! cargo run --locked -q -p tessera-core --example write_vaults -- "$expected" "$out"; then
  echo "tests/interop: the Rust writer failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
not_ok() { failed=$((failed + 1)); echo "FAIL $1"; }

# opens <name> <vault> [password file]: Python's output must equal the expected records and settings.
opens() {
  local name=$1 vault=$2 args=()
  [ $# -ge 3 ] && args=(--password-file "$3")
  if python3 tests/interop/open_vault.py "$vault" "${args[@]}" > "$out/$name.json" &&
    python3 - "$expected" "$out/$name.json" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
want.pop("password")
got = json.load(open(sys.argv[2]))
if got != want:
    print("expected:", json.dumps(want, sort_keys=True), "\ngot:     ", json.dumps(got, sort_keys=True), file=sys.stderr)
    sys.exit(1)
PY
  then ok "$name"; else not_ok "$name"; fi
}

# refuses <name> <vault> [password file]: Python must fail to open it.
refuses() {
  local name=$1 vault=$2 args=()
  [ $# -ge 3 ] && args=(--password-file "$3")
  if python3 tests/interop/open_vault.py "$vault" "${args[@]}" > /dev/null 2>&1; then not_ok "$name"; else ok "$name"; fi
}

opens "frozen v1 password vault" "$data/v1_password.vault" "$out/password.txt"
opens "frozen v1 unprotected vault" "$data/v1_none.vault"
opens "new unprotected vault" "$out/none.vault"
opens "new password vault" "$out/password.vault" "$out/password.txt"
opens "resealed with the data key" "$out/resealed.vault" "$out/password.txt"
opens "after a password change" "$out/changed.vault" "$out/changed.txt"
refuses "old password on the changed vault" "$out/changed.vault" "$out/password.txt"
refuses "password vault without a password" "$out/password.vault"
python3 - "$out/password.vault" "$out/flipped.vault" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 1
open(sys.argv[2], "wb").write(data)
PY
refuses "one flipped byte" "$out/flipped.vault" "$out/password.txt"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
