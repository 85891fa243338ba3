// Export to other apps in Firefox (the test build, dist/firefox-test, in headless Firefox ESR through
// geckodriver): the export page shows the Google Authenticator codes one at a time after the
// confirmation (a vault without a password), and every code, screenshotted off the page, is read
// back by our QR decoder (`tessera qr`) and migration decoder (`tessera migration decode`) to the
// accounts written out here; the worker's otpauth list and Aegis file import back identically
// (`tessera import`). Downloads themselves are covered in Chromium (export.test.mjs).
// Needs `scripts/build.sh --test`. Skips only when Firefox or geckodriver is not installed.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { By } from 'selenium-webdriver';
import { OPTIONS_PATH, dist, firefoxMissing, launchFirefox, message, requireBuild, until } from './helpers.mjs';
import { base32Encode, tessera } from './truth.mjs';

const UUID = '11111111-2222-4333-8444-777777777777';
const EXPORT_PATH = 'extension/export/export.html';

const account = (issuer, name, more = {}) => ({
  type: 'totp', issuer, account: name, secret: base32Encode(crypto.randomBytes(20)), algorithm: 'SHA1', digits: 6, period: 30, counter: 0, ...more,
});
/** 12 accounts Google Authenticator holds (two codes or more), then a Steam one it cannot. */
const ACCOUNTS = [
  ...Array.from({ length: 11 }, (_, i) => account(`Firefox ${i + 1}`, `fx${i + 1}@example.org`)),
  { ...account('Counter', 'h'), type: 'hotp', counter: 7 },
  { ...account('Steam', 'gamer'), type: 'steam', digits: 5 },
];

function printed(a) {
  const { counter, period, ...rest } = a;
  return a.type === 'hotp' ? { ...rest, counter } : { ...rest, period };
}

describe('Firefox: export to other apps (test build)', { skip: firefoxMissing || false }, () => {
  let driver;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-export-ff-'));
  const text = async (selector) => (await driver.findElement(By.css(selector))).getAttribute('textContent');
  const click = async (selector) => (await driver.findElement(By.css(selector))).click();
  const send = (msg) => driver.executeAsyncScript('const done = arguments[arguments.length - 1]; browser.runtime.sendMessage(arguments[0]).then(done, (e) => done({ thrown: String(e) }));', msg);

  before(async () => {
    driver = await launchFirefox(requireBuild(dist('firefox-test')), UUID);
    await driver.get(`moz-extension://${UUID}/${OPTIONS_PATH}`);
    for (const a of ACCOUNTS) {
      const answer = await send({ type: 'accounts.add', account: a });
      assert.equal(answer.ok, true, JSON.stringify(answer));
    }
  });

  after(async () => {
    await driver?.quit();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('the worker’s otpauth list and Aegis file import back identically', async () => {
    for (const [format, name] of [['uris', 'list.txt'], ['aegis', 'aegis.json']]) {
      assert.deepEqual(await send({ type: 'export.accounts', format }), { ok: false, error: { code: 'export_needs_confirmation' } });
      const answer = await send({ type: 'export.accounts', format, confirmed: true });
      assert.equal(answer.ok, true, JSON.stringify(answer.error));
      const file = path.join(scratch, name);
      fs.writeFileSync(file, answer.text);
      assert.deepEqual(JSON.parse(tessera(['import', file])), ACCOUNTS.map(printed), format);
    }
  });

  it('the Google Authenticator codes, one at a time, read back to the accounts it can hold', async () => {
    await driver.get(`moz-extension://${UUID}/${EXPORT_PATH}?format=migration`);
    await until(() => driver.executeScript('return document.body.dataset.ready'), (r) => r === 'true', { what: 'the page ready' });
    await click('#export-confirm');
    await click('#export-submit');
    await until(() => driver.findElement(By.css('#migration-view')).isDisplayed(), Boolean, { timeout: 30_000, what: 'the codes' });
    const leftOut = await driver.findElements(By.css('#left-out-list li')).then((els) => Promise.all(els.map((e) => e.getAttribute('textContent'))));
    assert.deepEqual(leftOut, [`Steam (gamer): ${message('err_migration_steam_unsupported')}`]);
    const first = await text('#qr-position');
    const total = Number(first.match(/(\d+)\D*$/)[1]);
    assert.ok(total >= 2, first);
    const read = [];
    for (let n = 1; n <= total; n++) {
      assert.equal(await text('#qr-position'), message('exportPosition', [String(n), String(total)]));
      const png = path.join(scratch, `code-${n}.png`);
      fs.writeFileSync(png, Buffer.from(await driver.findElement(By.css('#qr-canvas')).takeScreenshot(), 'base64'));
      const uri = tessera(['qr', png]).trim();
      read.push(...JSON.parse(tessera(['migration', 'decode', '-'], uri)));
      if (n < total) await click('#qr-next');
    }
    assert.deepEqual(read, ACCOUNTS.slice(0, 12).map(printed));
  });
});
