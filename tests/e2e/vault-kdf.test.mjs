// WebCrypto PBKDF2 (what the extension's worker runs: extension/lib/kdf.js, here on node's
// crypto.subtle) against independent truth: the published RFC 7914 PBKDF2-HMAC-SHA256 vector,
// OpenSSL (node's crypto.pbkdf2Sync), and the frozen vault crate/core/tests/data/vault/v1_password.vault,
// whose key slot the Rust core wrapped under its own `derive_password_key` (the pbkdf2 crate): the
// bits WebCrypto derives from the documented password must unwrap it through the wasm binding
// (AES-GCM authenticates the key, so one differing bit fails). No browser needed; needs the wasm
// module in extension/pkg (scripts/build.sh).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { ROOT } from './helpers.mjs';

const PKG = path.join(ROOT, 'extension/pkg');
const DATA = path.join(ROOT, 'crate/core/tests/data/vault');

let wasm;
let kdf;

before(async () => {
  if (!fs.existsSync(path.join(PKG, 'tessera_wasm_bg.wasm'))) throw new Error('extension/pkg is missing: run scripts/build.sh first');
  wasm = await import(path.join(PKG, 'tessera_wasm.js'));
  wasm.initSync({ module: fs.readFileSync(path.join(PKG, 'tessera_wasm_bg.wasm')) });
  kdf = await import(path.join(ROOT, 'extension/lib/kdf.js'));
});

const hex = (b) => Buffer.from(b).toString('hex');

describe('WebCrypto PBKDF2-HMAC-SHA256 as the worker derives', () => {
  it('matches RFC 7914 section 11 (P="Password", S="NaCl", c=80000; first 32 bytes)', async () => {
    const bits = await kdf.derivePasswordBits('Password', new TextEncoder().encode('NaCl'), 80_000);
    assert.equal(hex(bits), '4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56');
  });

  it('matches OpenSSL for UTF-8 passwords, random salts, 10,000 and 600,000 iterations', async () => {
    const cases = [
      ['correct horse battery staple', 10_000],
      ['pässwörd ☃ 密码', 10_000],
      ['', 10_000],
      ['the default cost', kdf.PBKDF2_ITERATIONS],
    ];
    assert.equal(kdf.PBKDF2_ITERATIONS, 600_000, 'OWASP 2023, as the core');
    for (const [password, iterations] of cases) {
      const salt = crypto.randomBytes(16);
      const web = await kdf.derivePasswordBits(password, new Uint8Array(salt), iterations);
      const openssl = crypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
      assert.equal(hex(web), hex(openssl), `${JSON.stringify(password)} at ${iterations}`);
    }
  });

  it('unwraps the frozen vault the Rust core sealed, and the binding wipes the bits it was given', async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(DATA, 'v1_expected.json'), 'utf8'));
    const sealed = new Uint8Array(fs.readFileSync(path.join(DATA, 'v1_password.vault')));
    const header = wasm.vaultHeader(sealed);
    assert.equal(header.protected, true);
    // The header as docs/vault-format.md sections 2 and 8 lay it out: iterations (u32be) at offset
    // 21, salt length at 25, the salt from 26.
    assert.equal(header.iterations, Buffer.from(sealed).readUInt32BE(21));
    assert.equal(header.iterations, 10_000);
    assert.equal(sealed[25], 16);
    assert.equal(hex(header.salt), hex(sealed.subarray(26, 42)));
    const bits = await kdf.derivePasswordBits(expected.password, header.salt, header.iterations);
    const handle = wasm.VaultHandle.openWithKey(sealed, bits, new Uint8Array(8));
    assert.deepEqual([...bits], new Array(32).fill(0), 'the key bits were overwritten with zeros');
    const listed = handle.list(Date.parse('2026-01-01T00:00:00Z'));
    const live = expected.records.filter((r) => r.type);
    assert.deepEqual(
      listed.map((a) => [a.id, a.type, a.issuer, a.account, a.digits]),
      live.map((r) => [r.id, r.type, r.issuer, r.account, r.digits]),
    );
    assert.equal(JSON.stringify(listed).includes(live[0].secret), false, 'no secret in the listing');
    handle.free();
  });

  it('a wrong password gives the opaque vault_decrypt', async () => {
    const sealed = new Uint8Array(fs.readFileSync(path.join(DATA, 'v1_password.vault')));
    const header = wasm.vaultHeader(sealed);
    const bits = await kdf.derivePasswordBits('correct horse battery stapl', header.salt, header.iterations);
    assert.throws(() => wasm.VaultHandle.openWithKey(sealed, bits, new Uint8Array(8)), (e) => e.name === 'TesseraError' && e.code === 'vault_decrypt');
    assert.deepEqual([...bits], new Array(32).fill(0));
  });
});
