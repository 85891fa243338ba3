// The package as npm and Node see it: package.json fields, the files `exports`, `types` and
// `files` name, the type declarations covering every export, and an import by package name from a
// separate project (the way a user's test suite loads it).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RFC4226 } from '../e2e/helpers.mjs';
import { PKG_DIR, ROOT, manifest, otp } from './package.mjs';

test('package.json: name, version from Cargo.toml, ES module, licence, engines', () => {
  const cargo = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const version = cargo.match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)[1];
  assert.equal(manifest.name, '@tessera-auth/otp');
  assert.equal(manifest.version, version);
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.equal(manifest.engines.node, '>=18');
});

test('package.json: every file named by exports, types and files exists', () => {
  const named = [manifest.main, manifest.types, manifest.exports['.'].types, manifest.exports['.'].default, ...manifest.files];
  for (const f of named) assert.ok(fs.existsSync(path.join(PKG_DIR, f)), `${f} is missing`);
  for (const f of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'tessera_wasm_bg.wasm']) assert.ok(manifest.files.includes(f), f);
  // Nothing the package needs at run time is left out of `files` (npm would not publish it).
  const local = fs.readFileSync(path.join(PKG_DIR, 'index.js'), 'utf8').match(/from '\.\/[^']+'/g) ?? [];
  for (const spec of local) assert.ok(manifest.files.includes(spec.slice(8, -1)), spec);
});

test('exports: the functions issue 12 asks for, each declared in index.d.ts', () => {
  const required = ['totp', 'hotp', 'steam', 'parseUri', 'toUri', 'verify', 'newSecret', 'decodeMigration'];
  for (const name of required) assert.equal(typeof otp[name], 'function', name);
  const dts = fs.readFileSync(path.join(PKG_DIR, manifest.types), 'utf8');
  for (const name of Object.keys(otp)) {
    assert.match(dts, new RegExp(`export function ${name}\\(`), `${name} has no declaration`);
  }
  const declared = [...dts.matchAll(/export function (\w+)\(/g)].map((m) => m[1]);
  assert.deepEqual(declared.sort(), Object.keys(otp).sort());
});

test('a separate project imports it by name and computes RFC 4226 codes', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-npm-user-'));
  try {
    fs.mkdirSync(path.join(project, 'node_modules/@tessera-auth'), { recursive: true });
    fs.symlinkSync(PKG_DIR, path.join(project, 'node_modules/@tessera-auth/otp'), 'dir');
    fs.writeFileSync(path.join(project, 'package.json'), '{"type": "module", "private": true}\n');
    fs.writeFileSync(
      path.join(project, 'user.mjs'),
      `import { hotp, totp } from '@tessera-auth/otp';\n` +
        `import pkg from '@tessera-auth/otp/package.json' with { type: 'json' };\n` +
        `console.log(JSON.stringify({ name: pkg.name, hotp: hotp('${RFC4226.secret}', 7), totp: totp('${RFC4226.secret}', { unixMs: 30_000 }) }));\n`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['user.mjs'], { cwd: project, encoding: 'utf8' }));
    assert.deepEqual(out, { name: '@tessera-auth/otp', hotp: RFC4226.codes[7], totp: RFC4226.codes[1] });
    // Internal files are not importable past the exports map.
    fs.writeFileSync(path.join(project, 'deep.mjs'), `import '@tessera-auth/otp/tessera_wasm.js';\n`);
    assert.throws(
      () => execFileSync(process.execPath, ['deep.mjs'], { cwd: project, encoding: 'utf8', stdio: 'pipe' }),
      /ERR_PACKAGE_PATH_NOT_EXPORTED/,
    );
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});
