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
import { CHROMIUM, OPTIONS_PATH, POPUP_PATH, RFC4226, dist, launchChromium, message, requireBuild, rfc6238, until } from './helpers.mjs';
import { base32Decode, tesseraCli, totpCode } from './truth.mjs';

const NEW_ACCOUNT_PATH = 'extension/developer/new-account.html';
const PINNED_MS = 1_700_000_000_000;

/** RFC 6238 code of a base32 secret (tests/e2e/truth.mjs, node:crypto's HMAC). */
const totp = (secretBase32, unixMs, options) => totpCode(base32Decode(secretBase32), unixMs, options);

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
    assert.equal(execFileSync(tesseraCli(), ['qr', png], { encoding: 'utf8' }).trim(), uri);

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
  it('shows steps and neighbouring codes, travels in time (marked) and copies a link', async () => {
    // RFC 6238 Appendix B, SHA1, 8 digits: 1111111109 → 07081804 (step 37037036), 1111111111 →
    // 14050471 (step 37037037); RFC 4226 Appendix D for an HOTP account at counter 5.
    const rfc = rfc6238();
    const code = (time) => rfc.vectors.find((v) => v.time === time && v.mode === 'SHA1').totp;
    const send = (m) => page.evaluate((msg) => chrome.runtime.sendMessage(msg), m);
    await page.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
    await page.evaluate(() => chrome.storage.local.set({ 'test.clock': { ms: 1_111_111_111_000, running: false, setAt: Date.now() } }));
    const base = { account: 'dev', algorithm: 'SHA1', period: 30 };
    assert.equal((await send({ type: 'accounts.add', account: { ...base, type: 'totp', issuer: 'Travel', secret: rfc.seeds.SHA1, digits: 8, counter: 0 } })).ok, true);
    assert.equal((await send({ type: 'accounts.add', account: { ...base, type: 'hotp', issuer: 'Counter', secret: RFC4226.secret, digits: 6, counter: 5 } })).ok, true);
    await page.evaluate(() => chrome.storage.local.set({ 'settings.developerMode': true, 'settings.timeTravelSteps': 0 }));

    await page.goto(`chrome-extension://${browser.extensionId}/${POPUP_PATH}`);
    const tile = (issuer) => `#accounts li.item:has(.issuer:text-is("${issuer}"))`;
    const read = (issuer) =>
      page.$eval(tile(issuer), (li) => ({ code: li.querySelector('.code').textContent.replace(/ /g, ''), dev: li.querySelector('.dev')?.textContent ?? null }));
    const group = (c) => `${c.slice(0, c.length / 2)} ${c.slice(c.length / 2)}`;
    const travel = await until(() => read('Travel'), (r) => r.dev !== null, { what: 'the developer line' });
    assert.equal(travel.code, code(1111111111));
    assert.equal(
      travel.dev,
      [message('devStepLabel', ['37037037']), message('devPrevious', [group(code(1111111109))]), message('devNext', [group(totp(rfc.seeds.SHA1, 1_111_111_141_000, { digits: 8 }))])].join(' · '),
    );
    assert.deepEqual(await read('Counter'), {
      code: RFC4226.codes[5],
      dev: [message('devCounterLabel', ['5']), message('devPrevious', [group(RFC4226.codes[4])]), message('devNext', [group(RFC4226.codes[6])])].join(' · '),
    });
    assert.equal(await page.isVisible('#time-travel-banner'), false);

    // One step back: the code of 1111111109, marked by the banner; HOTP shows counter 4.
    await page.evaluate(() => chrome.storage.local.set({ 'settings.timeTravelSteps': -1 }));
    await until(() => read('Travel'), (r) => r.code === code(1111111109), { what: 'the code one step back' });
    assert.equal(await page.textContent('#time-travel-text'), message('devTimeTravelBanner', ['-1']));
    assert.equal((await read('Counter')).code, RFC4226.codes[4]);
    await page.click('#time-travel-off');
    await until(() => read('Travel'), (r) => r.code === code(1111111111), { what: 'back to now' });
    assert.equal(await page.isVisible('#time-travel-banner'), false);
    assert.equal((await page.evaluate(() => chrome.storage.local.get('settings.timeTravelSteps')))['settings.timeTravelSteps'], 0);
    assert.deepEqual(await send({ type: 'accounts.list', offsetSteps: 99999 }), { ok: false, error: { code: 'time_travel_invalid' } });

    // Copy as an otpauth:// link from the details (after the confirmation: no password is set).
    await page.evaluate(() => {
      window.copied = '';
      navigator.clipboard.writeText = async (text) => {
        window.copied = text;
      };
    });
    await page.click(`${tile('Counter')} .menu`);
    await page.click('#tile-actions [data-action="details"]');
    await page.click('#details-show');
    await page.waitForSelector('#details-copy-uri', { state: 'visible' });
    await page.click('#details-copy-uri');
    const link = await until(() => page.evaluate(() => window.copied), Boolean, { what: 'the copied link' });
    const parsed = new URL(link);
    assert.equal(parsed.protocol, 'otpauth:');
    assert.equal(parsed.host, 'hotp');
    assert.equal(parsed.searchParams.get('secret'), RFC4226.secret);
    assert.equal(parsed.searchParams.get('counter'), '5');
    // The details' QR code (to move the account to a phone) reads back to the same link with our
    // decoder.
    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dev-')), 'details.png');
    await page.locator('#details-qr').screenshot({ path: png });
    assert.equal(execFileSync(tesseraCli(), ['qr', png], { encoding: 'utf8' }).trim(), link);

    // Developer mode off: no developer line, and the link button is gone.
    await page.click('#details-close');
    await page.evaluate(() => chrome.storage.local.set({ 'settings.developerMode': false }));
    await until(() => read('Travel'), (r) => r.dev === null, { what: 'no developer line' });
  });
});
