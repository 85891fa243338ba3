// Import through the options page (issue 10), in the real extension (dist/chrome-test) in headless
// Chromium: an encrypted Aegis vault from the shared corpus is chosen with the file picker, a wrong
// password is refused and imports nothing, the right one imports every entry, and the popup then
// shows the codes. Truth is independent of our code: this file decrypts the Aegis vault itself with
// node:crypto (scrypt key slot, AES-256-GCM, as Aegis documents its format) and computes every code
// with node:crypto's HMAC (RFC 4226/6238 truncation, Steam's alphabet). Importing the same file again,
// and dropping Aegis's plain export of the same accounts on the section, report duplicates and add
// nothing.
// Needs `scripts/build.sh --test`. Skips when /usr/bin/chromium or the corpus is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHROMIUM, CORPORA, OPTIONS_PATH, POPUP_PATH, ROOT, dist, launchChromium, message, requireBuild, until } from './helpers.mjs';
import { base32Decode, truncated } from './truth.mjs';

const AEGIS = path.join(CORPORA, 'importers/aegis');
const ENCRYPTED = path.join(AEGIS, 'files/aegis_encrypted.json');
const PLAIN = path.join(AEGIS, 'files/aegis_plain.json');
const EXPECTED = path.join(AEGIS, 'expected.json');
const ENTE = path.join(CORPORA, 'importers/proton-authenticator/test_data/authenticator/ente');
const SCITO = path.join(CORPORA, 'migration/scito-extract_otp_secrets');
const AXE_PATH = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
const MIGRATION_EXPECTED = path.join(CORPORA, 'migration/expected_decoded.json');
/** 2026-11-22T00:00:07Z: any fixed time works; the codes below are computed for it. */
const TIME_MS = 1_795_305_607_000;

const skip = !fs.existsSync(CHROMIUM)
  ? `Chromium not installed at ${CHROMIUM}`
  : ![ENCRYPTED, PLAIN, EXPECTED].every((f) => fs.existsSync(f)) && `the importer corpus is absent (${AEGIS})`;

// ---- The independent truth -----------------------------------------------------------------------

/** The code an Aegis entry shows at TIME_MS (HOTP: at its stored counter). */
function expectedCode(entry) {
  const { secret, algo, digits, period, counter } = entry.info;
  const key = base32Decode(secret);
  if (entry.type === 'steam') {
    const alphabet = '23456789BCDFGHJKMNPQRTVWXY';
    let n = truncated(key, Math.floor(TIME_MS / 1000 / 30), 'SHA1');
    let code = '';
    for (let i = 0; i < 5; i++) {
      code += alphabet[n % alphabet.length];
      n = Math.floor(n / alphabet.length);
    }
    return code;
  }
  const moving = entry.type === 'hotp' ? counter : Math.floor(TIME_MS / 1000 / period);
  return String(truncated(key, moving, algo) % 10 ** digits).padStart(digits, '0');
}

/** Opens an encrypted Aegis vault as Aegis documents it: scrypt password slot, AES-256-GCM. */
function decryptAegis(file, password) {
  const vault = JSON.parse(fs.readFileSync(file, 'utf8'));
  const open = (key, nonce, tag, data) => {
    const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'hex'));
    d.setAuthTag(Buffer.from(tag, 'hex'));
    return Buffer.concat([d.update(data), d.final()]);
  };
  const slot = vault.header.slots.find((s) => s.type === 1);
  const derived = crypto.scryptSync(Buffer.from(password, 'utf8'), Buffer.from(slot.salt, 'hex'), 32, {
    N: slot.n,
    r: slot.r,
    p: slot.p,
    maxmem: 256 * 1024 * 1024,
  });
  const master = open(derived, slot.key_params.nonce, slot.key_params.tag, Buffer.from(slot.key, 'hex'));
  const { nonce, tag } = vault.header.params;
  return JSON.parse(open(master, nonce, tag, Buffer.from(vault.db, 'base64')).toString('utf8'));
}

// ---- The browser -----------------------------------------------------------------------------------

let browser;
let page;
let extensionId;
const pageErrors = [];

const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
const count = async () => (await send({ type: 'accounts.count' })).count;

async function openOptions() {
  await page.goto(`chrome-extension://${extensionId}/${OPTIONS_PATH}`);
  await page.waitForSelector('#import-section:not([hidden])');
}

/** The newest file report: { name, summary, added, duplicates, skipped, error }. */
function latestReport() {
  return page.evaluate(() => {
    const item = document.querySelector('#import-reports .import-report');
    if (!item) return null;
    const texts = (selector) => [...item.querySelectorAll(selector)].map((e) => e.textContent);
    return {
      name: item.querySelector('.file-name')?.textContent,
      summary: item.querySelector('.summary')?.textContent ?? null,
      added: texts('.added li'),
      duplicates: texts('.duplicates li'),
      skipped: texts('.skipped li'),
      error: item.querySelector('.error')?.textContent ?? null,
      reports: document.querySelectorAll('#import-reports .import-report').length,
    };
  });
}

async function waitForReport(reports, what) {
  return until(latestReport, (r) => r && r.reports === reports && (r.summary !== null || r.error !== null), {
    what,
    timeout: 60_000,
  });
}

async function waitForPrompt() {
  await page.waitForSelector('#import-password-form:not([hidden])', { timeout: 30_000 });
  assert.equal(
    await page.textContent('#import-password-prompt'),
    message('importPasswordPrompt', [path.basename(ENCRYPTED)]),
  );
}

function readTiles() {
  return page.$$eval('#accounts .tile', (tiles) =>
    tiles.map((t) => ({
      issuer: t.querySelector('.issuer').textContent,
      account: t.querySelector('.account').textContent,
      code: t.querySelector('.code').textContent.replace(/\s/g, ''),
    })),
  );
}

const labelOf = (e) => (e.issuer && e.name ? `${e.issuer} (${e.name})` : e.issuer || e.name);

describe('Chromium: import from other authenticators through the options page', { skip }, () => {
  let expected;
  let entries;

  before(async () => {
    expected = JSON.parse(fs.readFileSync(EXPECTED, 'utf8'));
    const password = expected.files['aegis_encrypted.json'].password;
    entries = decryptAegis(ENCRYPTED, password).entries;
    assert.ok(entries.length > 0, 'the corpus vault holds entries');
    requireBuild(dist('chrome-test'));
    browser = await launchChromium(dist('chrome-test'));
    ({ page, extensionId } = browser);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await openOptions();
  });

  after(async () => {
    await browser?.close();
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
  });

  it('a wrong password is refused and imports nothing; skipping the file says so', async () => {
    assert.equal(await count(), 0);
    await page.setInputFiles('#import-files', ENCRYPTED);
    await waitForPrompt();
    await page.fill('#import-password', 'not the password');
    await page.click('#import-password-submit');
    await until(() => page.textContent('#import-password-error'), (t) => t === message('err_import_decrypt'), {
      what: 'the wrong-password error',
      timeout: 60_000,
    });
    assert.equal(await page.isVisible('#import-password-form'), true, 'asked again');
    assert.equal(await page.inputValue('#import-password'), '', 'the password field is cleared');
    await page.click('#import-password-cancel');
    const report = await waitForReport(1, 'the report of the skipped file');
    assert.equal(report.name, path.basename(ENCRYPTED));
    assert.equal(report.error, message('importNoPassword'));
    assert.equal(await count(), 0, 'nothing was imported');
  });

  it('the right password imports every entry, and the popup shows the codes computed independently', async () => {
    await page.setInputFiles('#import-files', ENCRYPTED);
    await waitForPrompt();
    await page.fill('#import-password', expected.files['aegis_encrypted.json'].password);
    await page.click('#import-password-submit');
    const report = await waitForReport(2, 'the import report');
    assert.equal(report.error, null);
    assert.equal(report.summary, message('importSummary', ['Aegis', String(entries.length), '0', '0']));
    assert.deepEqual([...report.added].sort(), entries.map(labelOf).sort());
    assert.equal(await page.isHidden('#import-password-form'), true);
    assert.equal(await page.textContent('#count'), String(entries.length));

    await page.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), TIME_MS);
    await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}`);
    const tiles = await until(readTiles, (ts) => ts.length === entries.length, { what: 'a tile per imported entry' });
    for (const entry of entries) {
      const tile = tiles.find((t) => t.issuer === entry.issuer && t.account === entry.name);
      assert.ok(tile, `a tile for ${labelOf(entry)}`);
      assert.equal(tile.code, expectedCode(entry), `${entry.type} ${labelOf(entry)}`);
    }
    // The entries are the reference vectors Aegis's own tests check (expected.json), by secret.
    for (const entry of entries) {
      const vector = expected.vectors.find((v) => v.secret === entry.info.secret);
      assert.ok(vector, `${labelOf(entry)} is one of the reference vectors`);
      assert.equal(vector.type, entry.type);
    }
  });

  it('importing the same file again reports every account as already present and adds nothing', async () => {
    await openOptions();
    await page.setInputFiles('#import-files', ENCRYPTED);
    await waitForPrompt();
    await page.fill('#import-password', expected.files['aegis_encrypted.json'].password);
    await page.click('#import-password-submit');
    const report = await waitForReport(1, 'the second import report');
    assert.equal(report.summary, message('importSummary', ['Aegis', '0', String(entries.length), '0']));
    assert.deepEqual(report.added, []);
    assert.deepEqual([...report.duplicates].sort(), entries.map(labelOf).sort());
    assert.equal(await count(), entries.length);
  });

  it('a file dropped on the section is imported: Aegis’s plain export of the same accounts adds nothing', async () => {
    const name = path.basename(PLAIN);
    const text = fs.readFileSync(PLAIN, 'utf8');
    const before = (await latestReport()).reports;
    await page.evaluate(
      ([name, text]) => {
        const data = new DataTransfer();
        data.items.add(new File([text], name, { type: 'application/json' }));
        const target = document.getElementById('import-drop');
        for (const type of ['dragenter', 'dragover', 'drop']) {
          target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
        }
      },
      [name, text],
    );
    const report = await waitForReport(before + 1, 'the report of the dropped file');
    assert.equal(report.name, name);
    const plain = JSON.parse(text).db.entries;
    assert.equal(report.summary, message('importSummary', ['Aegis', '0', String(plain.length), '0']));
    assert.equal(await count(), entries.length);
  });

  it('an Ente Auth encrypted export asks for its password and imports its entries', { skip: !fs.existsSync(ENTE) && 'no Ente files in the corpus' }, async () => {
    const file = path.join(ENTE, 'encrypted.lowcomplexity.txt');
    const before = (await latestReport()).reports;
    const accounts = await count();
    await page.setInputFiles('#import-files', file);
    await page.waitForSelector('#import-password-form:not([hidden])', { timeout: 30_000 });
    await page.fill('#import-password', fs.readFileSync(path.join(ENTE, 'password'), 'utf8').trim());
    await page.click('#import-password-submit');
    const report = await waitForReport(before + 1, 'the Ente report');
    assert.equal(report.error, null);
    // The file's three entries (HOTP, TOTP, Steam; see crate/core/tests/import_ente.rs), all new.
    assert.equal(report.summary, message('importSummary', [message('importFormat_ente_encrypted'), '3', '0', '0']));
    assert.equal(await count(), accounts + 3);
  });

  it('a file of no known format, and a Tessera backup, get their own messages and add nothing', async () => {
    const accounts = await count();
    let reports = (await latestReport()).reports;
    for (const [name, bytes, code] of [
      ['picture.png', Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200, 0xab)]), 'err_import_unknown_format'],
      ['notes.txt', Buffer.from('hello, these are not accounts\n'), 'err_import_unknown_format'],
    ]) {
      await page.setInputFiles('#import-files', { name, mimeType: 'application/octet-stream', buffer: bytes });
      const report = await waitForReport(++reports, `the report of ${name}`);
      assert.equal(report.name, name);
      assert.equal(report.error, message(code));
    }
    // A backup made by Tessera's own export (a password is needed for one).
    await send({ type: 'vault.setPassword', password: 'backup password for the test' });
    const backup = await send({ type: 'vault.export' });
    assert.equal(backup.ok, true);
    await page.setInputFiles('#import-files', { name: 'tessera.tsrvault', mimeType: 'application/octet-stream', buffer: Buffer.from(backup.data, 'base64') });
    const report = await waitForReport(++reports, 'the report of the Tessera backup');
    assert.equal(report.error, message('err_import_is_tessera_backup'));
    assert.equal(await count(), accounts);
  });

  it('a photo of Google Authenticator’s transfer QR code imports its accounts; the popup shows their codes', {
    skip: !(fs.existsSync(SCITO) && fs.existsSync(MIGRATION_EXPECTED)) && 'no migration corpus',
  }, async () => {
    // The three entries scito's tests expect from this photo (transcribed in expected_decoded.json).
    const cases = JSON.parse(fs.readFileSync(MIGRATION_EXPECTED, 'utf8'));
    const items = Array.isArray(cases) ? cases : cases.items ?? Object.values(cases).find(Array.isArray);
    const want = items.find((c) => String(c.file).startsWith('example_export.png')).upstream_expected.entries;
    await openOptions();
    const accounts = await count();
    await page.setInputFiles('#import-files', path.join(SCITO, 'example_export.png'));
    const report = await waitForReport(1, 'the report of the photo');
    assert.equal(report.error, null);
    assert.equal(report.summary, message('importSummary', [message('importFormat_otpauth'), String(want.length), '0', '0']));
    assert.equal(await count(), accounts + want.length);
    await page.setInputFiles('#import-files', path.join(SCITO, 'data/qr_but_without_otp.png'));
    const none = await waitForReport(2, 'the report of a QR code without accounts');
    assert.equal(none.error, message('err_import_no_codes_in_image'));

    await page.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), TIME_MS);
    await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}`);
    const tiles = await until(readTiles, (ts) => want.every((w) => ts.some((t) => t.issuer === w.issuer)), {
      what: 'tiles of the transferred accounts',
    });
    for (const w of want) {
      const tile = tiles.find((t) => t.issuer === w.issuer);
      const entry = { type: 'totp', info: { secret: w.secret_base32, algo: 'SHA1', digits: 6, period: 30 } };
      assert.equal(tile.code, expectedCode(entry), w.issuer);
    }
  });

  it('axe-core finds no violations in the section with reports and the password prompt, light and dark', {
    skip: !fs.existsSync(AXE_PATH) && 'axe-core is not installed (npm install)',
  }, async () => {
    for (const theme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: theme === 'dark' ? 'light' : 'dark' });
      await page.evaluate((th) => chrome.storage.local.set({ 'settings.theme': th }), theme);
      await openOptions();
      await page.waitForFunction((th) => document.documentElement.dataset.theme === th, theme);
      await page.setInputFiles('#import-files', PLAIN);
      await waitForReport(1, 'a report with lists');
      await page.setInputFiles('#import-files', ENCRYPTED);
      await waitForPrompt();
      await page.evaluate(fs.readFileSync(AXE_PATH, 'utf8'));
      const found = await page.evaluate(() =>
        window.axe.run(document.getElementById('import-section'), { resultTypes: ['violations'] }).then((r) =>
          r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}: ${n.failureSummary}`)),
        ),
      );
      assert.deepEqual(found, [], theme);
      await page.click('#import-password-cancel');
      await waitForReport(2, 'the skipped file');
    }
  });

  it('a locked vault imports nothing and says so', async () => {
    await openOptions();
    await send({ type: 'vault.lock' });
    await page.setInputFiles('#import-files', PLAIN);
    const report = await waitForReport(1, 'the report while locked');
    assert.equal(report.error, message('err_vault_locked'));
    assert.equal((await send({ type: 'accounts.count' })).error?.code, 'vault_locked');
  });
});
