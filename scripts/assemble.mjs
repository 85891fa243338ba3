// Assembles one unpacked extension from the repository root into dist/<name>/, with the manifest
// adjusted for the browser. The root itself stays loadable unpacked (paths resolve from the root).
//
//   node scripts/assemble.mjs chrome|firefox <outdir> [--test]
//
// --test makes the variant end-to-end tests need and nothing shipped may contain: host access to
// every URL (tests cannot grant activeTab), a fixed key (a stable Chrome extension id) and
// TEST_BUILD = true (the fixed-clock hook and the popup's ?tab= parameter).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLED_SOURCES, bundlePopup } from './bundle-popup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [browser, outArg, ...flags] = process.argv.slice(2);
const test = flags.includes('--test');
if (!['chrome', 'firefox'].includes(browser) || !outArg) {
  console.error('usage: assemble.mjs chrome|firefox <outdir> [--test]');
  process.exit(2);
}
const out = path.resolve(outArg);

// Files in extension/ that are sources of generated files or build by-products, not shipped.
const notShipped = [/\.py$/, /\.d\.ts$/, /\.map$/, /(^|\/)package\.json$/, /(^|\/)\.gitignore$/, /(^|\/)README\.md$/];

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
for (const dir of ['extension', '_locales']) {
  fs.cpSync(path.join(root, dir), path.join(out, dir), {
    recursive: true,
    filter: (src) => !notShipped.some((re) => re.test(path.relative(root, src))),
  });
}
for (const wasm of ['extension/pkg/tessera_wasm_bg.wasm', 'extension/qr/pkg/tessera_qr_wasm_bg.wasm']) {
  if (!fs.existsSync(path.join(out, wasm))) {
    console.error(`${path.dirname(wasm)} is missing: build the wasm modules first (scripts/build.sh)`);
    process.exit(1);
  }
}

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
if (browser === 'chrome') {
  // Chrome runs background.service_worker; the Firefox-only keys only produce warnings there.
  delete manifest.background.scripts;
  delete manifest.browser_specific_settings;
} else {
  // Firefox runs background.scripts as an event page and warns about service_worker.
  delete manifest.background.service_worker;
  delete manifest.minimum_chrome_version;
}
if (test) {
  manifest.name = `${manifest.name.startsWith('__MSG_') ? 'Tessera' : manifest.name} (test build)`;
  manifest.host_permissions = ['<all_urls>'];
  if (browser === 'chrome') {
    manifest.key = fs.readFileSync(path.join(root, 'tests/fixtures/test-extension-key.txt'), 'utf8').trim();
  }
  // The QR decoder variant that can be made to trap (scripts/build.sh --test, feature test-trap).
  const qrTestPkg = path.join(root, 'target/.tessera/qr-test-pkg');
  if (!fs.existsSync(path.join(qrTestPkg, 'tessera_qr_wasm_bg.wasm'))) {
    console.error('target/.tessera/qr-test-pkg is missing: run scripts/build.sh --test');
    process.exit(1);
  }
  fs.rmSync(path.join(out, 'extension/qr/pkg'), { recursive: true, force: true });
  fs.cpSync(qrTestPkg, path.join(out, 'extension/qr/pkg'), { recursive: true });
  fs.writeFileSync(path.join(out, 'extension/build-flags.js'),
    '// Written by scripts/assemble.mjs --test: this build is for automated tests only.\nexport const TEST_BUILD = true;\n');
}
// After build-flags.js is final: the popup bundle includes it.
await bundlePopup(path.join(out, 'extension'));
for (const f of BUNDLED_SOURCES) fs.rmSync(path.join(out, 'extension', f));
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) {
  if (fs.existsSync(path.join(root, f))) fs.copyFileSync(path.join(root, f), path.join(out, f));
}
