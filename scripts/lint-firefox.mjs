// Runs web-ext lint (the checks addons.mozilla.org runs) on an unpacked Firefox build and fails on
// any error. Warnings are printed; the one expected with a shared manifest is documented in README.md.
//   node scripts/lint-firefox.mjs dist/firefox
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? 'dist/firefox');
let raw;
try {
  raw = execFileSync('npx', ['--no-install', 'web-ext', 'lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
} catch (e) {
  raw = e.stdout; // web-ext exits non-zero when it finds errors; the JSON is still on stdout
}
const report = JSON.parse(raw.slice(raw.indexOf('{')));
for (const kind of ['errors', 'warnings', 'notices']) {
  for (const m of report[kind] ?? []) console.log(`${kind.slice(0, -1)}: ${m.code} ${m.file ?? ''} ${m.message}`);
}
console.log(`web-ext lint: ${report.count} messages, ${report.summary.errors} errors, ${report.summary.warnings} warnings`);
process.exit(report.summary.errors === 0 ? 0 : 1);
