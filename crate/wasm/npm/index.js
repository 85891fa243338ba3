// @tessera-auth/otp: one-time codes for Node.js test suites and servers — HOTP (RFC 4226), TOTP
// (RFC 6238) and Steam Guard, otpauth:// URIs and Google Authenticator migration — from Tessera's
// Rust core compiled to WebAssembly. The module is instantiated synchronously on import: no init call.
//
// Built by scripts/build-npm.sh, which copies this file next to wasm-bindgen's output
// (tessera_wasm.js, --target experimental-nodejs-module). Types: index.d.ts.
import { webcrypto } from 'node:crypto';

// newSecret() reads globalThis.crypto.getRandomValues, which Node.js has built in from version 19.
// Node 18 only has it in node:crypto; install that same Web Crypto object there, and only then.
if (typeof globalThis.crypto?.getRandomValues !== 'function') {
  globalThis.crypto = webcrypto;
}

export {
  totp,
  hotp,
  steam,
  verify,
  newSecret,
  toUri,
  parseUri,
  writeUri,
  codeAt,
  codeAtOffset,
  decodeMigration,
  normalizeSecret,
} from './tessera_wasm.js';
