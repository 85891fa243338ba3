// The options page's appearance and clock check, end to end: the real extension (dist/chrome-test)
// in headless Chromium, with the https fixture server (tests/fixtures/server.mjs, tls) answering
// with a Date header the test chooses. Codes are checked against RFC 6238 computed here with
// node:crypto (itself checked against RFC 6238 Appendix B first), never against our own code.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { serveFixtures } from '../fixtures/server.mjs';
import { CHROMIUM, OPTIONS_PATH, POPUP_PATH, dist, launchChromium, message, requireBuild, rfc6238, until } from './helpers.mjs';
import { totpCode } from './truth.mjs';

const RFC = rfc6238();
const SEED = RFC.seeds.SHA1; // base32 of "12345678901234567890"

/** RFC 6238 (HMAC-SHA1, 30 s, `digits`) of an ASCII key, from tests/e2e/truth.mjs. */
const totp = (asciiKey, unixMs, digits = 6) => totpCode(Buffer.from(asciiKey), unixMs, { digits });

// A device time with a millisecond part, mid-step, and a server 3 minutes ahead of it.
const DEVICE_MS = Date.UTC(2030, 0, 1, 12, 0, 10, 250);
const SERVER_MS = DEVICE_MS - 250 + 180_000; // whole seconds, as a Date header carries them
let serverDate = () => new Date(SERVER_MS);

describe('Chromium: options page, appearance and clock check', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let page;
  let server;
  const pageErrors = [];
  const options = () => `chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`;
  const popup = () => `chrome-extension://${browser.extensionId}/${POPUP_PATH}`;
  const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  const stored = (key) => page.evaluate((k) => chrome.storage.local.get(k).then((s) => s[k]), key);
  const text = (selector) => page.textContent(selector);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  before(async () => {
    server = await serveFixtures(0, { tls: true, date: () => serverDate() });
    browser = await launchChromium(requireBuild(dist('chrome-test')), { args: ['--ignore-certificate-errors'] });
    page = browser.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'uncaught errors in extension pages');
  });

  beforeEach(async () => {
    serverDate = () => new Date(SERVER_MS);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(options());
    await send({ type: 'vault.lock' });
    await page.evaluate(async (ms) => {
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
      await chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } });
    }, DEVICE_MS);
    await page.goto(options());
    await page.waitForFunction(() => document.getElementById('clock-in-use').textContent !== '');
  });

  it('the test’s TOTP is RFC 6238 (Appendix B, SHA1, T = 59 and 1111111109)', () => {
    assert.equal(totp(RFC.ascii.SHA1, 59_000, 8), '94287082');
    assert.equal(totp(RFC.ascii.SHA1, 1_111_111_109_000, 8), '07081804');
  });

  it('shows the defaults and stores each appearance preference as it changes', async () => {
    assert.equal(await page.inputValue('#theme'), 'system');
    assert.equal(await page.inputValue('#sort'), 'manual');
    assert.equal(await page.isChecked('#hide-codes'), false);
    assert.equal(await page.isChecked('#clear-clipboard'), false);
    assert.equal(await text('label[for=theme]'), message('themeLabel'));
    assert.equal(await text('#theme option[value=dark]'), message('themeDark'));

    await page.selectOption('#sort', 'recent');
    await until(() => stored('settings.sort'), (v) => v === 'recent', { what: 'settings.sort' });
    await page.check('#hide-codes');
    await until(() => stored('settings.hideCodes'), (v) => v === true, { what: 'settings.hideCodes' });
    await page.check('#clear-clipboard');
    await until(() => stored('settings.clearClipboard'), (v) => v === true, { what: 'settings.clearClipboard' });
    assert.equal(await text('#status'), message('settingSaved'));

    // Kept across a reload, and a change made elsewhere shows here without one.
    await page.reload();
    await page.waitForFunction(() => document.getElementById('sort').value === 'recent');
    assert.equal(await page.isChecked('#hide-codes'), true);
    await page.evaluate(() => chrome.storage.local.set({ 'settings.sort': 'name' }));
    await page.waitForFunction(() => document.getElementById('sort').value === 'name');
  });

  it('dark theme: the setting overrides the system, and "system" follows prefers-color-scheme', async () => {
    const LIGHT = 'rgb(255, 255, 255)';
    const DARK = 'rgb(21, 25, 29)'; // --bg of lib/theme.css
    assert.equal(await background(), LIGHT);
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await background(), DARK, 'system theme follows a dark system');

    await page.selectOption('#theme', 'light');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    assert.equal(await background(), LIGHT, 'the light setting beats a dark system');
    assert.equal(await stored('settings.theme'), 'light');

    await page.emulateMedia({ colorScheme: 'light' });
    await page.selectOption('#theme', 'dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    assert.equal(await background(), DARK, 'the dark setting beats a light system');

    // The popup follows the same setting (it links lib/theme.css and calls applyTheme).
    const second = await browser.ctx.newPage();
    try {
      second.on('pageerror', (e) => pageErrors.push(e.message));
      await second.emulateMedia({ colorScheme: 'light' });
      await second.goto(popup());
      await second.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
      assert.equal(await second.evaluate(() => getComputedStyle(document.body).backgroundColor), DARK);
    } finally {
      await second.close();
    }
  });

  it('clock check: measures the skew from the Date header, warns over 15 s, and codes use the offset', async () => {
    const { id } = await send({
      type: 'accounts.add',
      account: { type: 'totp', issuer: 'Clock', account: 'rfc', secret: SEED, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
    });
    const listed = async () => (await send({ type: 'accounts.list' })).accounts.find((a) => a.id === id).code;
    assert.equal(await listed(), totp(RFC.ascii.SHA1, DEVICE_MS), 'no offset: the device time');

    await page.fill('#clock-origin', server.url);
    await page.click('#clock-check');
    await page.waitForSelector('#clock-result', { state: 'visible' });
    // The Date header's second is cut off: the estimate is its middle, at the round trip's middle
    // (the device clock is pinned, so the round trip takes no device time).
    const expected = SERVER_MS + 500 - DEVICE_MS;
    const host = new URL(server.url).host;
    assert.equal(await text('#clock-skew'), message('clockBehind', [(expected / 1000).toFixed(1), host, '0.5']));
    assert.equal(await page.isVisible('#clock-warning'), true, 'skew over 15 s is warned about');
    assert.equal(await text('#clock-warning'), message('clockSkewWarning'));

    await page.click('#clock-use');
    await until(() => stored('settings.clockOffsetMs'), (v) => v === expected, { what: 'the stored offset' });
    await page.waitForSelector('#clock-warning', { state: 'hidden' });
    assert.equal(await text('#clock-in-use'), message('clockOffsetInUse', [`+${(expected / 1000).toFixed(1)}`]));

    const shifted = totp(RFC.ascii.SHA1, DEVICE_MS + expected);
    assert.notEqual(shifted, totp(RFC.ascii.SHA1, DEVICE_MS), 'the offset moves to another step');
    await until(listed, (code) => code === shifted, { what: 'the worker’s code at device time + offset' });

    const second = await browser.ctx.newPage();
    try {
      second.on('pageerror', (e) => pageErrors.push(e.message));
      await second.goto(popup());
      const grouped = `${shifted.slice(0, 3)} ${shifted.slice(3)}`;
      await until(() => second.evaluate(() => document.body.innerText), (t) => t.includes(grouped), { what: `the popup to show ${grouped}` });
    } finally {
      await second.close();
    }
  });

  it('clock check: a server behind this device, a missing Date header, and a non-https address', async () => {
    const behind = DEVICE_MS - 250 - 20_000;
    serverDate = () => new Date(behind);
    await page.fill('#clock-origin', new URL(server.url).host); // no scheme: https is assumed
    await page.click('#clock-check');
    await page.waitForSelector('#clock-result', { state: 'visible' });
    const host = new URL(server.url).host;
    const ahead = ((DEVICE_MS - (behind + 500)) / 1000).toFixed(1); // 19.75 s, shown rounded
    assert.equal(await text('#clock-skew'), message('clockAhead', [ahead, host, '0.5']));
    assert.equal(await page.isVisible('#clock-warning'), true);

    serverDate = () => null;
    await page.click('#clock-check');
    await until(() => text('#clock-error'), (t) => t === message('err_clock_no_date'), { what: 'the no-Date error' });
    assert.equal(await page.isVisible('#clock-result'), false);

    await page.fill('#clock-origin', server.url.replace('https:', 'http:'));
    await page.click('#clock-check');
    assert.equal(await text('#clock-error'), message('err_clock_origin_invalid'));
    assert.equal(await stored('settings.clockOffsetMs'), undefined, 'nothing stored');
  });

  it('manual offset: typed seconds are stored in ms and shift the codes; out of range is refused; back to 0', async () => {
    const { id } = await send({
      type: 'accounts.add',
      account: { type: 'totp', issuer: 'Manual', account: 'rfc', secret: SEED, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
    });
    const listed = async () => (await send({ type: 'accounts.list' })).accounts.find((a) => a.id === id).code;

    await page.fill('#clock-offset', '-90.5');
    await page.click('#clock-save');
    await until(() => stored('settings.clockOffsetMs'), (v) => v === -90_500, { what: 'the typed offset' });
    assert.equal(await text('#clock-in-use'), message('clockOffsetInUse', ['-90.5']));
    await until(listed, (code) => code === totp(RFC.ascii.SHA1, DEVICE_MS - 90_500), { what: 'code at device time - 90.5 s' });

    await page.fill('#clock-offset', '100000');
    await page.click('#clock-save');
    assert.equal(await text('#clock-offset-error'), message('err_clock_offset_invalid'));
    assert.equal(await stored('settings.clockOffsetMs'), -90_500, 'unchanged');

    await page.click('#clock-reset');
    await until(() => stored('settings.clockOffsetMs'), (v) => v === 0, { what: 'offset 0' });
    assert.equal(await text('#clock-in-use'), message('clockOffsetNone'));
    await until(listed, (code) => code === totp(RFC.ascii.SHA1, DEVICE_MS), { what: 'code at device time' });
  });
});

describe('Chromium, shipped build (dist/chrome): the clock offset applies, the test pin does not', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let page;
  const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome')));
    page = browser.page;
    await page.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
  });

  after(async () => {
    await browser?.close();
  });

  it('codes are for Date.now() plus settings.clockOffsetMs, read once and then followed', async () => {
    const HOUR = 3_600_000;
    await page.evaluate(() => chrome.storage.local.set({ 'test.clock': { ms: 59_000, running: false, setAt: Date.now() } }));
    const { id } = await send({
      type: 'accounts.add',
      account: { type: 'totp', issuer: 'Shipped', account: 'rfc', secret: SEED, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
    });
    /** The worker's time for codes minus this machine's clock (ms), and whether its code is RFC 6238 at that time. */
    const probe = async () => {
      const before = Date.now();
      const answer = await send({ type: 'accounts.list' });
      const after = Date.now();
      const account = answer.accounts.find((a) => a.id === id);
      return { lo: answer.now - after, hi: answer.now - before, rfc: account.code === totp(RFC.ascii.SHA1, answer.now) };
    };
    let p = await probe();
    assert.ok(p.rfc, 'the code is RFC 6238 at the time the worker used');
    assert.ok(p.lo <= 0 && p.hi >= 0, `no offset and no pin: the worker uses this machine's clock (${JSON.stringify(p)})`);

    await page.evaluate((ms) => chrome.storage.local.set({ 'settings.clockOffsetMs': ms }), HOUR);
    p = await until(probe, (x) => x.hi >= HOUR, { what: 'the worker to use the offset' });
    assert.ok(p.rfc);
    assert.ok(p.lo <= HOUR && p.hi >= HOUR, `one hour ahead (${JSON.stringify(p)})`);
  });
});
