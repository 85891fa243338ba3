// Export to other apps (issue 11) in the Chromium test build: accounts are added, the export page
// downloads the otpauth list (a vault without a password: after the confirmation) and the Aegis
// vault (after the password is entered again; a wrong one is refused), and shows the Google
// Authenticator codes one at a time. Truth is independent of the page: the accounts are written
// out here; each downloaded file is read back by our importer (the native CLI `tessera import`), and
// every QR code is screenshotted off the page and read by our QR decoder (`tessera qr`, rqrr) and
// our migration decoder (`tessera migration decode`). The Aegis file must have the key sets of
// Aegis's own plain export in the shared corpus.
// Needs `scripts/build.sh --test` and the CLI (built here with cargo when absent). Skips when
// /usr/bin/chromium is absent; the Aegis structure check skips when the corpus is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { CHROMIUM, CORPORA, OPTIONS_PATH, ROOT, dist, launchChromium, message, requireBuild, until } from './helpers.mjs';
import { base32Encode, tessera } from './truth.mjs';

const EXPORT_PATH = 'extension/export/export.html';
const PASSWORD = 'export test password';
const AEGIS_PLAIN = path.join(CORPORA, 'importers/aegis/files/aegis_plain.json');
const AXE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

const skip = !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}`;

const secret = (n = 20) => base32Encode(crypto.randomBytes(n));
const totp = (issuer, account, more = {}) => ({
  type: 'totp', issuer, account, secret: secret(), algorithm: 'SHA1', digits: 6, period: 30, counter: 0, ...more,
});

/**
 * The accounts, in vault order: 21 ordinary ones, a SHA-256 8-digit one and an HOTP one (23 for
 * Google Authenticator: at most 10 a code, so three codes or more), then three it cannot hold.
 */
const ACCOUNTS = [
  ...Array.from({ length: 21 }, (_, i) => totp(`Service ${i + 1}`, `user${i + 1}@example.com`)),
  totp('Big Corp', 'bob', { algorithm: 'SHA256', digits: 8, secret: secret(32) }),
  { ...totp('Counter', 'dave'), type: 'hotp', counter: 42 },
  totp('Slow', 'erin', { period: 60 }),
  totp('Seven', 'frank', { digits: 7 }),
  { ...totp('Steam', 'gamer'), type: 'steam', digits: 5 },
];
const LEFT_OUT = [
  ['Slow (erin)', 'err_migration_period_unsupported'],
  ['Seven (frank)', 'err_migration_digits_unsupported'],
  ['Steam (gamer)', 'err_migration_steam_unsupported'],
];
const FOR_GOOGLE = ACCOUNTS.slice(0, 23);

/** An account as `tessera import` and `tessera migration decode` print it. */
function printed(a) {
  const { counter, period, ...rest } = a;
  return a.type === 'hotp' ? { ...rest, counter } : { ...rest, period };
}

let close;
let page;
let extensionId;
const pageErrors = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-export-e2e-'));

const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);

async function openExport(format) {
  await page.goto(`chrome-extension://${extensionId}/${EXPORT_PATH}${format ? `?format=${format}` : ''}`);
  await page.waitForSelector('body[data-ready="true"]');
}

/** Submits the form and returns the downloaded file's text. */
async function downloadExport() {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-submit')]);
  const file = path.join(scratch, download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

function importFile(file) {
  return JSON.parse(tessera(['import', file]));
}

/** Every object's key set by path (array elements share their array's path). */
function keySets(value, at = '', out = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => keySets(v, `${at}[]`, out));
  else if (value && typeof value === 'object') {
    out.add(`${at} {${Object.keys(value).sort().join(',')}}`);
    for (const [k, v] of Object.entries(value)) keySets(v, `${at}.${k}`, out);
  }
  return out;
}

describe('export to other apps (Chromium)', { skip }, () => {
  before(async () => {
    ({ extensionId, page, close } = await launchChromium(requireBuild(dist('chrome-test'))));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`chrome-extension://${extensionId}/${OPTIONS_PATH}`);
    await page.evaluate(() => chrome.storage.local.set({ 'test.iterations': 10_000 }));
    for (const account of ACCOUNTS) {
      const answer = await send({ type: 'accounts.add', account });
      assert.equal(answer.ok, true, JSON.stringify(answer));
    }
  });

  after(async () => {
    await close?.();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'uncaught errors in extension pages');
  });

  it('the options section links to the export page for each format', async () => {
    await page.goto(`chrome-extension://${extensionId}/${OPTIONS_PATH}`);
    await page.waitForSelector('#export-section:not([hidden])');
    assert.equal(await page.textContent('#export-link-aegis'), message('exportFormatAegis'));
    await page.click('#export-link-migration');
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.isChecked('#format-migration'), true);
  });

  it('without a password: the otpauth list only after the confirmation; it imports back identically', async () => {
    await openExport('uris');
    assert.equal(await page.isVisible('#confirm-row'), true);
    assert.equal(await page.isVisible('#password-row'), false);
    assert.equal(await page.textContent('#unencrypted-warning'), message('exportUnencryptedWarning'));
    // The worker refuses without the confirmation, whatever the page does.
    assert.deepEqual(await send({ type: 'export.accounts', format: 'uris' }), {
      ok: false,
      error: { code: 'export_needs_confirmation' },
    });
    await page.click('#export-submit');
    assert.equal(await page.textContent('#export-error'), message('exportConfirmFirst'));
    await page.check('#export-confirm');
    const file = await downloadExport();
    assert.match(path.basename(file), /^tessera-otpauth-\d{4}-\d{2}-\d{2}\.txt$/);
    assert.deepEqual(importFile(file), ACCOUNTS.map(printed));
    assert.equal(await page.textContent('#export-status'), message('exportDownloaded', [path.basename(file)]));
  });

  it('with a password: a wrong one is refused; the Aegis file imports back identically and has Aegis’s structure', async () => {
    assert.equal((await send({ type: 'vault.setPassword', password: PASSWORD })).ok, true);
    await openExport('aegis');
    assert.equal(await page.isVisible('#password-row'), true);
    assert.equal(await page.isVisible('#confirm-row'), false);
    await page.fill('#export-password', 'not the password');
    await page.click('#export-submit');
    await until(() => page.textContent('#export-error'), (t) => t === message('err_vault_decrypt'), { timeout: 30_000, what: 'wrong password refused' });
    assert.equal(await page.inputValue('#export-password'), '', 'the field is cleared');
    assert.deepEqual(await send({ type: 'export.accounts', format: 'aegis', confirmed: true }), {
      ok: false,
      error: { code: 'password_empty' },
    });
    // Locked meanwhile: the password opens the stored vault all the same.
    assert.equal((await send({ type: 'vault.lock' })).ok, true);
    assert.equal((await send({ type: 'vault.status' })).locked, true);
    await page.fill('#export-password', PASSWORD);
    const file = await downloadExport();
    assert.match(path.basename(file), /^tessera-aegis-plain-\d{4}-\d{2}-\d{2}\.json$/);
    assert.deepEqual(importFile(file), ACCOUNTS.map(printed));
    const ours = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!fs.existsSync(AEGIS_PLAIN)) return; // corpus absent: the structure check is skipped
    const theirs = JSON.parse(fs.readFileSync(AEGIS_PLAIN, 'utf8'));
    assert.deepEqual([...keySets(ours)].sort(), [...keySets(theirs)].sort());
    assert.equal(ours.version, theirs.version);
    assert.equal(ours.db.version, theirs.db.version);
  });

  it('Google Authenticator: every code, one at a time, reads back to the accounts it can hold', async () => {
    await openExport('migration');
    await page.fill('#export-password', PASSWORD);
    await page.click('#export-submit');
    await page.waitForSelector('#migration-view:not([hidden])', { timeout: 30_000 });
    // The left-out accounts, with their reasons.
    const leftOut = await page.$$eval('#left-out-list li', (items) => items.map((li) => li.textContent));
    assert.deepEqual(leftOut, LEFT_OUT.map(([label, reason]) => `${label}: ${message(reason)}`));
    const caution = await page.$$eval('#caution-list li', (items) => items.map((li) => li.textContent));
    assert.deepEqual(caution, [`Big Corp (bob): ${message('err_export_ga_algorithm_caution')}`]);
    // No secret and no transfer URI anywhere in the DOM (text or attributes).
    const html = await page.content();
    assert.equal(html.includes('otpauth-migration'), false);
    for (const a of ACCOUNTS) assert.equal(html.includes(a.secret), false);

    // 23 accounts at most 10 a code (fewer when the 600-byte payload limit cuts first): 3 or more.
    const first = await page.textContent('#qr-position');
    const total = Number(first.match(/(\d+)\D*$/)[1]);
    assert.ok(total >= 3, first);
    const read = [];
    for (let n = 1; n <= total; n++) {
      assert.equal(await page.textContent('#qr-position'), message('exportPosition', [String(n), String(total)]));
      assert.equal(await page.isDisabled('#qr-previous'), n === 1);
      assert.equal(await page.isDisabled('#qr-next'), n === total);
      const box = await page.locator('#qr-canvas').boundingBox();
      // Phone-sized: at least 3 px a module, and no wider than a laptop screen's comfortable view.
      assert.ok(box.width >= 300 && box.width <= 700, `canvas ${box.width} px`);
      const png = path.join(scratch, `code-${n}.png`);
      await page.locator('#qr-canvas').screenshot({ path: png });
      const uri = tessera(['qr', png]).trim();
      assert.match(uri, /^otpauth-migration:\/\/offline\?data=/);
      const accounts = JSON.parse(tessera(['migration', 'decode', '-'], uri));
      read.push(...accounts);
      if (n < total) await page.click('#qr-next');
    }
    assert.deepEqual(read, FOR_GOOGLE.map(printed));
    // Previous goes back; Done forgets the codes.
    await page.click('#qr-previous');
    assert.equal(await page.textContent('#qr-position'), message('exportPosition', [String(total - 1), String(total)]));
    await page.click('#qr-done');
    assert.equal(await page.isVisible('#migration-view'), false);
    assert.equal(await page.evaluate(() => document.getElementById('qr-canvas').width), 0);
  });

  it('the export page passes axe-core in the light and the dark theme, codes shown', async () => {
    for (const theme of ['light', 'dark']) {
      // The system's scheme is the other one, so the setting must win.
      await page.emulateMedia({ colorScheme: theme === 'dark' ? 'light' : 'dark' });
      await page.evaluate((th) => chrome.storage.local.set({ 'settings.theme': th }), theme);
      await openExport('migration');
      await page.fill('#export-password', PASSWORD);
      await page.click('#export-submit');
      await page.waitForSelector('#migration-view:not([hidden])', { timeout: 30_000 });
      await page.evaluate(AXE);
      const violations = await page.evaluate(() =>
        window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
          r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`)),
        ),
      );
      assert.deepEqual(violations, [], theme);
    }
  });
});
