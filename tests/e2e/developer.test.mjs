// Developer mode end to end (issue 12) in the Chromium test build: the options section turns it on
// and sets the time travel; the New test account page makes a random secret whose URI, QR code and
// live code agree with independent truth: the code is recomputed here with node:crypto's HMAC, and
// the QR code, screenshotted from the page, is read by Tessera's QR decoder (rqrr, through the
// native CLI) back to the URI shown. Adding it puts it in the vault.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHROMIUM, OPTIONS_PATH, ROOT, dist, launchChromium, message, requireBuild, until } from './helpers.mjs';

const NEW_ACCOUNT_PATH = 'extension/developer/new-account.html';
const PINNED_MS = 1_700_000_000_000;

/** The native CLI (built by `cargo test`/`cargo build` earlier in scripts/test.sh, or here). */
function cli() {
  for (const profile of ['release', 'debug']) {
    const bin = path.join(ROOT, 'target', profile, 'tessera');
    if (fs.existsSync(bin)) return bin;
  }
  execFileSync('cargo', ['build', '-q', '-p', 'tessera-cli'], { cwd: ROOT, stdio: 'inherit' });
  return path.join(ROOT, 'target', 'debug', 'tessera');
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `not base32: ${c}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP with node:crypto (independent of the Rust core). */
function totp(secretBase32, unixMs, { algorithm = 'sha1', digits = 6, period = 30 } = {}) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixMs / 1000 / period)));
  const mac = crypto.createHmac(algorithm, base32Decode(secretBase32)).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  const n = mac.readUInt32BE(o) & 0x7fffffff;
  return String(n % 10 ** digits).padStart(digits, '0');
}

describe('developer mode', { skip: !fs.existsSync(CHROMIUM) && 'chromium is not installed' }, () => {
  let browser;
  let page;
  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')));
    page = browser.page;
    await page.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
    await page.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), PINNED_MS);
  });
  after(async () => browser?.close());

  it('is off by default; the options section turns it on and marks time travel', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
    await page.waitForSelector('#developer-mode');
    assert.equal(await page.isChecked('#developer-mode'), false);
    assert.equal(await page.isVisible('#time-travel'), false);
    await page.check('#developer-mode');
    await page.waitForSelector('#time-travel', { state: 'visible' });
    assert.equal(await page.textContent('#time-travel-state'), message('devTimeTravelOff'));
    await page.fill('#time-travel', '-2');
    await page.dispatchEvent('#time-travel', 'change');
    await until(() => page.textContent('#time-travel-state'), (s) => s === message('devTimeTravelOn', ['-2']), { what: 'the time-travel note' });
    const stored = await page.evaluate(() => chrome.storage.local.get(['settings.developerMode', 'settings.timeTravelSteps']));
    assert.deepEqual(stored, { 'settings.developerMode': true, 'settings.timeTravelSteps': -2 });
    await page.fill('#time-travel', '99999');
    await page.dispatchEvent('#time-travel', 'change');
    assert.equal(await page.getAttribute('#time-travel', 'aria-invalid'), 'true');
    assert.equal((await page.evaluate(() => chrome.storage.local.get('settings.timeTravelSteps')))['settings.timeTravelSteps'], -2);
    await page.click('#time-travel-reset');
    await until(() => page.textContent('#time-travel-state'), (s) => s === message('devTimeTravelOff'), { what: 'time travel off' });
  });

  it('makes a test account whose URI, QR code and code agree, and adds it', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/${NEW_ACCOUNT_PATH}`);
    await page.waitForSelector('#generate');
    await page.fill('#issuer', 'Acme Staging');
    await page.selectOption('#algorithm', 'SHA256');
    await page.fill('#digits', '8');
    await page.click('#generate');
    await page.waitForSelector('#result', { state: 'visible' });

    const uri = await page.textContent('#uri');
    const parsed = new URL(uri);
    assert.equal(parsed.protocol, 'otpauth:');
    const secret = parsed.searchParams.get('secret');
    assert.match(secret, /^[A-Z2-7]{32}$/, 'a 20-byte random secret in canonical base32');
    assert.equal(parsed.searchParams.get('issuer'), 'Acme Staging');
    const shown = (await page.textContent('#code')).replace(/ /g, '');
    assert.equal(shown, totp(secret, PINNED_MS, { algorithm: 'sha256', digits: 8 }));

    // Nothing secret in any attribute of the page.
    const attributes = await page.evaluate(() =>
      [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.value)).join('\n'),
    );
    assert.ok(!attributes.includes(secret));

    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dev-')), 'qr.png');
    await page.locator('#qr').screenshot({ path: png });
    assert.equal(execFileSync(cli(), ['qr', png], { encoding: 'utf8' }).trim(), uri);

    // A second generation makes a different secret.
    await page.click('#generate');
    await until(() => page.textContent('#uri'), (u) => u !== uri, { what: 'a new URI' });
    const second = new URL(await page.textContent('#uri')).searchParams.get('secret');
    assert.notEqual(second, secret);

    await page.click('#add');
    await until(() => page.textContent('#result-status'), (s) => s === message('devNewAdded', ['Acme Staging']), { what: 'added' });
    const list = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'accounts.list' }));
    const added = list.accounts.filter((a) => a.issuer === 'Acme Staging');
    assert.equal(added.length, 1);
    assert.equal(added[0].code, totp(second, PINNED_MS, { algorithm: 'sha256', digits: 8 }));
    assert.ok(!JSON.stringify(list).includes(second), 'the list answer carries no secret');

    // The same account (type and secret) is not added twice, whatever its labels.
    const again = await page.evaluate(
      (secret) =>
        chrome.runtime.sendMessage({
          type: 'accounts.add',
          account: { type: 'totp', issuer: 'Other', account: 'x', secret, algorithm: 'SHA256', digits: 8, period: 30, counter: 0 },
        }),
      second,
    );
    assert.deepEqual(again, { ok: false, error: { code: 'account_duplicate' } });
  });
});
