// Bundles the popup into one script and one style sheet, so that opening it loads three files
// (popup.html, popup.bundle.js, popup.bundle.css) instead of thirteen (issue 7: 500 accounts
// painted ≤ 100 ms after navigation). In a trace of the unbundled popup, the renderer's main thread
// spent ~1-2 ms starting each extension-resource request (23 ms for the preload scanner's twelve),
// and an A/B run in one browser (both pages, same worker, alternating loads) painted the codes
// ~15 ms sooner with the bundle.
//
//   node scripts/bundle-popup.mjs <extension dir>   (scripts/build.sh: extension/; assemble.mjs: dist)
//
// Writes <dir>/popup/popup.bundle.js from <dir>/popup/popup.js and every module it imports
// statically (popup-boot.js first, so its requests start before the rest runs), esbuild's ES module
// output without minification (readable, as store reviewers ask). Modules the popup imports only
// when needed stay files of their own: the wasm bindings (located through their own
// import.meta.url), the public-suffix list (site.js, ~100 kB) and the QR renderer.
// <dir>/popup/popup.bundle.css is lib/theme.css followed by popup/popup.css.
// Bundled per build variant: test builds rewrite build-flags.js, which the popup imports.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Sources only the bundle uses (not shipped in dist/; popup.css also styles other pages). */
export const BUNDLED_SOURCES = ['popup/popup.js', 'popup/popup-boot.js'];

export async function bundlePopup(extensionDir) {
  const { build } = await import('esbuild');
  const popup = path.join(extensionDir, 'popup');
  await build({
    entryPoints: [path.join(popup, 'popup.js')],
    outfile: path.join(popup, 'popup.bundle.js'),
    bundle: true,
    format: 'esm',
    external: ['../pkg/*', '../lib/site.js', '../lib/qr-render.js'],
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: '// Built by scripts/bundle-popup.mjs from popup.js and its imports: edit those, not this file.' },
  });
  const css = ['lib/theme.css', 'popup/popup.css'].map((f) => `/* ${f} */\n${fs.readFileSync(path.join(extensionDir, f), 'utf8')}`);
  fs.writeFileSync(path.join(popup, 'popup.bundle.css'),
    `/* Built by scripts/bundle-popup.mjs: edit the files named below, not this one. */\n${css.join('\n')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: bundle-popup.mjs <extension dir>');
    process.exit(2);
  }
  await bundlePopup(path.resolve(dir));
}
