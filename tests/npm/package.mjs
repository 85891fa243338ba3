// Shared by the Node package tests: loads the built package dist/npm/ through its package.json
// `exports`, as Node resolves it for a user, and fails loudly when it has not been built. Not a test
// file itself (node --test picks up *.test.mjs only).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PKG_DIR = path.join(ROOT, 'dist/npm');

if (!fs.existsSync(path.join(PKG_DIR, 'package.json'))) {
  throw new Error('dist/npm is missing: run scripts/build.sh (it ends with scripts/build-npm.sh)');
}
export const manifest = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));
/** The package's exports, loaded from the file its `exports` map names for ".". */
export const otp = await import(pathToFileURL(path.join(PKG_DIR, manifest.exports['.'].default)).href);

/** Asserts that `fn` throws a TesseraError with `code` whose message does not contain `secret`. */
export function throwsTessera(assert, fn, code, secret) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `expected a thrown Error with code ${code}`);
  assert.equal(error.name, 'TesseraError');
  assert.equal(error.code, code, error.message);
  assert.ok(error.message.length > 0);
  if (secret) assert.ok(!error.message.includes(secret), `message leaks the secret: ${error.message}`);
}
