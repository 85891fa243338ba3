// Bytes in storage: chrome.storage keeps JSON-like values only, so sealed vaults (and the session
// key) are stored as base64 text. Pure functions: node tests can call them.

const CHUNK = 0x8000;

/** Standard base64 (with padding) of a Uint8Array. */
export function toBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** The bytes of base64 text; an empty array for anything that is not valid base64 text. */
export function fromBase64(text) {
  if (typeof text !== 'string') return new Uint8Array(0);
  let binary;
  try {
    binary = atob(text);
  } catch {
    return new Uint8Array(0);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Lower-case hex of a Uint8Array. */
export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The bytes of hex text of exactly `length` bytes, or null. */
export function fromHex(text, length) {
  if (typeof text !== 'string' || !new RegExp(`^[0-9a-f]{${length * 2}}$`).test(text)) return null;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}
