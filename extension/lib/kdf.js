// The password key, derived with WebCrypto's PBKDF2-HMAC-SHA256 (native speed; the same function as
// the core's `derive_password_key`, docs/vault-format.md section 2.1). Used by the service worker
// only.

/** Iterations for new passwords: OWASP Password Storage Cheat Sheet (2023), as the core's PBKDF2_ITERATIONS. */
export const PBKDF2_ITERATIONS = 600_000;

/** Bytes of salt for a new password (the core's SALT_BYTES). */
export const SALT_BYTES = 16;

/**
 * PBKDF2-HMAC-SHA256(password as UTF-8, salt, iterations) → 32 bytes.
 *
 * KEY IN JAVASCRIPT (1 of 2; the other is the session key in background.js): WebCrypto hands the derived bits back as an ArrayBuffer,
 * so the password key exists as a JS value here. The caller passes it straight to wasm, whose
 * binding overwrites the Uint8Array with zeros (and the caller zeroes it again in a `finally`).
 * The encoded password is zeroed here once WebCrypto has imported it. The password string itself
 * cannot be wiped (JS strings are immutable); it is never stored or logged.
 */
export async function derivePasswordBits(password, salt, iterations) {
  const encoded = new TextEncoder().encode(password);
  let base;
  try {
    base = await crypto.subtle.importKey('raw', encoded, 'PBKDF2', false, ['deriveBits']);
  } finally {
    encoded.fill(0);
  }
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 256);
  return new Uint8Array(bits);
}

/** A fresh random salt. */
export function newSalt() {
  return crypto.getRandomValues(new Uint8Array(SALT_BYTES));
}
