// Independent truth for the end-to-end tests: RFC 4648 base32 and RFC 4226/6238 codes written from
// the RFCs on node:crypto's HMAC, never Tessera's own code, and the native `tessera` CLI for the
// tests that read exports and QR codes back. Not a test file itself (node --test runs *.test.mjs).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case without padding (Tessera's canonical form). */
export function base32Encode(bytes) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** RFC 4648 base32 (any case, spaces and padding ignored) to bytes; throws on any other character. */
export function base32Decode(text) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const i = BASE32.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 section 5.3: HMAC(key, counter) dynamically truncated to a 31-bit number. */
export function truncated(key, counter, algorithm = 'sha1') {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac(algorithm.toLowerCase(), key).update(message).digest();
  return mac.readUInt32BE(mac[mac.length - 1] & 0x0f) & 0x7fffffff;
}

/** RFC 4226 HOTP of the key bytes at `counter`. */
export function hotpCode(key, counter, { digits = 6, algorithm = 'sha1' } = {}) {
  return String(truncated(key, counter, algorithm) % 10 ** digits).padStart(digits, '0');
}

/** RFC 6238 TOTP of the key bytes at `unixMs`. */
export function totpCode(key, unixMs, { digits = 6, period = 30, algorithm = 'sha1' } = {}) {
  return hotpCode(key, Math.floor(unixMs / 1000 / period), { digits, algorithm });
}

/** The native CLI (built by scripts/test.sh's cargo steps before the browser tests, or here). */
export function tesseraCli() {
  for (const profile of ['release', 'debug']) {
    const bin = path.join(ROOT, 'target', profile, 'tessera');
    if (fs.existsSync(bin)) return bin;
  }
  execFileSync('cargo', ['build', '-q', '-p', 'tessera-cli'], { cwd: ROOT, stdio: 'inherit' });
  return path.join(ROOT, 'target', 'debug', 'tessera');
}

/** Runs `tessera args…` with `input` on standard input; its standard output (throws on failure). */
export function tessera(args, input) {
  return execFileSync(tesseraCli(), args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}
