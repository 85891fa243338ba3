// The real extension (dist/chrome-test) in headless Chromium: add accounts through the popup's form,
// pin the clock, and compare what the popup shows with RFC 6238 Appendix B and RFC 4226 Appendix D.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CHROMIUM, OPTIONS_PATH, POPUP_PATH, RFC4226, dist, launchChromium, message, requireBuild, rfc6238, until } from './helpers.mjs';

const RFC = rfc6238();
const MODES = ['SHA1', 'SHA256', 'SHA512'];
const issuerFor = (mode) => `RFC 6238 ${mode}`;

let ctx;
let extensionId;
let page;
const pageErrors = [];

async function serviceWorker() {
  const [sw] = ctx.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${extensionId ?? ''}`));
  return sw ?? ctx.waitForEvent('serviceworker', { timeout: 15_000 });
}

async function openPopup(query = '') {
  await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}${query}`);
  await page.waitForSelector('#loading', { state: 'hidden' });
}

/** Pins the test clock (frozen, or running from `ms` when `running`). */
async function pinClock(ms, running = false) {
  await page.evaluate(
    ([ms, running]) => chrome.storage.local.set({ 'test.clock': { ms, running, setAt: Date.now() } }),
    [ms, running],
  );
}

/** Every tile as { issuer, account, code, countdown }. */
function readTiles() {
  return page.$$eval('#accounts .tile', (tiles) =>
    tiles.map((t) => ({
      issuer: t.querySelector('.issuer').textContent,
      account: t.querySelector('.account').textContent,
      code: t.querySelector('.code').textContent,
      countdown: t.querySelector('.countdown').textContent,
    })),
  );
}

async function tileFor(issuer, ok = () => true, what = `tile ${issuer}`) {
  const tiles = await until(readTiles, (ts) => ts.some((x) => x.issuer === issuer && ok(x)), { what });
  return tiles.find((x) => x.issuer === issuer && ok(x));
}

/** Fills the add form; returns the preview code shown (spaces included). */
async function fillForm({ issuer, account, secret, type = 'totp', algorithm = 'SHA1', digits = 6, period = 30, counter }, expectCode = true) {
  if (await page.isHidden('#add-form')) await page.click('#add-toggle');
  if (!(await page.$eval('#advanced', (d) => d.open))) await page.click('#advanced summary');
  await page.selectOption('#type', type);
  await page.fill('#issuer', issuer);
  await page.fill('#account', account);
  if (type !== 'steam') {
    await page.selectOption('#algorithm', algorithm);
    await page.fill('#digits', String(digits));
  }
  if (type === 'totp') await page.fill('#period', String(period));
  if (counter !== undefined) await page.fill('#counter', String(counter));
  await page.fill('#secret', secret);
  if (!expectCode) return page.textContent('#preview');
  return until(
    () => page.textContent('#preview'),
    (text) => /^[0-9A-Z ]+$/.test(text),
    { what: 'a preview code' },
  );
}

async function addThroughForm(fields) {
  const preview = await fillForm(fields);
  await page.click('#add-submit');
  await until(() => page.isHidden('#add-form'), Boolean, { what: 'the form to close after adding' });
  return preview;
}

describe('Chromium: popup, worker and wasm', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let close;

  before(async () => {
    ({ ctx, extensionId, page, close } = await launchChromium(requireBuild(dist('chrome-test'))));
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await close?.();
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'uncaught errors in extension pages');
  });

  beforeEach(async () => {
    await openPopup();
    await page.evaluate(() => chrome.storage.local.clear());
    await openPopup();
  });

  it('renders the popup in English from _locales, with the empty state', async () => {
    assert.equal(await page.textContent('h1'), message('popupTitle'));
    assert.equal(await page.textContent('#add-toggle'), message('addAccount'));
    assert.equal(await page.isVisible('#empty'), true);
    assert.equal(await page.textContent('#empty'), message('emptyState'));
    assert.equal(await page.$$eval('#accounts .tile', (t) => t.length), 0);
  });

  it('shows RFC 6238 Appendix B codes for SHA1, SHA256 and SHA512 accounts added through the form', async () => {
    await pinClock(RFC.vectors[0].time * 1000);
    const previews = {};
    for (const mode of MODES) {
      previews[mode] = await addThroughForm({
        issuer: issuerFor(mode),
        account: 'rfc@example.com',
        secret: RFC.seeds[mode],
        algorithm: mode,
        digits: RFC.digits,
        period: RFC.period,
      });
    }
    assert.equal(await page.textContent('#status'), message('added'));
    assert.equal(await page.inputValue('#secret'), '', 'the secret field is cleared after adding');

    for (const { time, mode, totp } of RFC.vectors) {
      await pinClock(time * 1000);
      const tile = await tileFor(issuerFor(mode), (x) => x.code.replace(/ /g, '') === totp, `${mode} at T=${time} to show ${totp}`);
      assert.match(tile.code, /^\d{4} \d{4}$/, 'eight digits are grouped 4 + 4');
      assert.equal(tile.account, 'rfc@example.com');
      // RFC 6238: the code changes every X = 30 s, so at `time` it has 30 - time mod 30 seconds left.
      assert.equal(tile.countdown, message('secondsLeft', [String(RFC.period - (time % RFC.period))]), `countdown at T=${time}`);
      if (time === RFC.vectors[0].time) {
        assert.equal(previews[mode].replace(/ /g, ''), totp, `the form's preview for ${mode} is the RFC code`);
        assert.equal(previews[mode], tile.code, 'the preview equals the code later shown');
      }
    }
  });

  it('refuses to add the same account twice, even written differently', async () => {
    await pinClock(59_000);
    await addThroughForm({ issuer: 'First', account: 'a', secret: RFC.seeds.SHA1, digits: 8 });
    // Same type and secret: lower case with spaces, another label and other digits.
    const spaced = RFC.seeds.SHA1.toLowerCase().replace(/(.{4})/g, '$1 ');
    await fillForm({ issuer: 'Second', account: 'b', secret: spaced, digits: 6 });
    await page.click('#add-submit');
    const error = await until(() => page.textContent('#form-error'), (t) => t !== '', { what: 'a form error' });
    assert.equal(error, message('err_account_duplicate'));
    assert.equal(await page.isVisible('#add-form'), true);
    // The accounts live in the encrypted vault now (tests/e2e/vault.test.mjs): ask the worker.
    const stored = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'accounts.count' }));
    assert.equal(stored.count, 1, 'no duplicate was stored');
    assert.deepEqual((await readTiles()).map((x) => x.issuer), ['First']);
  });

  it('adds one account when the same one arrives twice at once (writes are serialized)', async () => {
    const account = { type: 'totp', issuer: 'Race', account: 'r', secret: RFC.seeds.SHA256, algorithm: 'SHA256', digits: 8, period: 30, counter: 0 };
    const answers = await page.evaluate(
      (account) => Promise.all([1, 2, 3].map(() => chrome.runtime.sendMessage({ type: 'accounts.add', account }))),
      account,
    );
    assert.equal(answers.filter((a) => a.ok).length, 1, JSON.stringify(answers));
    assert.deepEqual(answers.filter((a) => !a.ok).map((a) => a.error.code), ['account_duplicate', 'account_duplicate']);
    assert.equal((await page.evaluate(() => chrome.runtime.sendMessage({ type: 'accounts.count' }))).count, 1);
  });

  it('explains an invalid secret in the preview and adds nothing', async () => {
    await fillForm({ issuer: 'Bad', account: 'x', secret: 'GEZDGNBV1' }, false);
    assert.equal(
      await until(() => page.textContent('#preview'), (t) => t !== message('previewEmpty'), { what: 'a preview' }),
      message('err_secret_invalid_character'),
    );
    await page.click('#add-submit');
    assert.equal(
      await until(() => page.textContent('#form-error'), (t) => t !== '', { what: 'a form error' }),
      message('err_secret_invalid_character'),
    );
    assert.equal((await page.evaluate(() => chrome.runtime.sendMessage({ type: 'accounts.count' }))).count, 0);
  });

  it('answers the popup with labels and codes, never a secret', async () => {
    await pinClock(59_000);
    for (const mode of MODES) {
      await addThroughForm({ issuer: issuerFor(mode), account: 'rfc@example.com', secret: RFC.seeds[mode], algorithm: mode, digits: 8 });
    }
    const answer = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'accounts.list' }));
    assert.equal(answer.ok, true);
    assert.equal(answer.accounts.length, 3);
    for (const a of answer.accounts) {
      const mode = a.issuer.split(' ').pop();
      const want = RFC.vectors.find((v) => v.time === 59 && v.mode === mode).totp;
      assert.equal(a.code, want, `${mode} code in the answer`);
      assert.equal(a.counter, 1, 'the step the code is for (T = floor(59 / 30))');
      assert.equal(a.validUntil, 60_000);
    }
    const text = JSON.stringify(answer);
    for (const mode of MODES) {
      for (const form of [RFC.seeds[mode], RFC.seeds[mode].toLowerCase(), RFC.ascii[mode], RFC.hex[mode]]) {
        assert.equal(text.includes(form), false, `the answer contains the ${mode} secret`);
      }
    }
    assert.doesNotMatch(text, /secret|otpauth/i);
    // The secret never reaches the DOM outside the (now empty) secret field.
    const html = await page.content();
    for (const mode of MODES) assert.equal(html.includes(RFC.seeds[mode]), false);
  });

  it('asks the worker again at the step boundary (RFC 4226 counters 2 → 3 as TOTP steps)', async () => {
    // TOTP is HOTP of the step number, so with the RFC 4226 seed and 6 digits the code at step 2
    // (60–89 s) is Appendix D's counter 2 and at step 3 its counter 3.
    await pinClock(85_000);
    await addThroughForm({ issuer: 'Boundary', account: 'b', secret: RFC4226.secret, digits: 6 });
    let tile = await tileFor('Boundary', (x) => x.code.replace(/ /g, '') === RFC4226.codes[2]);
    assert.match(tile.code, /^\d{3} \d{3}$/, 'six digits are grouped 3 + 3');
    assert.equal(tile.countdown, message('secondsLeft', ['5']));
    await page.focus('#accounts .tile');
    await pinClock(89_400, true); // running: the step ends 0.6 s from now
    tile = await tileFor('Boundary', (x) => x.code.replace(/ /g, '') === RFC4226.codes[3], 'the next step’s code');
    const left = [28, 29, 30].find((s) => tile.countdown === message('secondsLeft', [String(s)]));
    assert.ok(left, `the countdown restarted at the boundary: ${tile.countdown}`);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.id !== undefined), true, 'the tile kept focus');
  });

  it('shows HOTP codes at the stored counter (RFC 4226 Appendix D)', async () => {
    await addThroughForm({ issuer: 'Counter', account: 'h', secret: RFC4226.secret, type: 'hotp', digits: 6, counter: 7 });
    const tile = await tileFor('Counter');
    assert.equal(tile.code.replace(/ /g, ''), RFC4226.codes[7]);
    assert.equal(tile.countdown, message('counterLabel', ['7']));
  });

  it('copies a code on click and on Enter', async () => {
    await pinClock(59_000);
    await addThroughForm({ issuer: 'Copy', account: 'c', secret: RFC.seeds.SHA1, digits: 8 });
    // Record what the popup hands to the real clipboard API (reading the clipboard back needs a
    // permission Playwright cannot grant to extension origins).
    await page.evaluate(() => {
      const write = navigator.clipboard.writeText.bind(navigator.clipboard);
      window.copiedTexts = [];
      navigator.clipboard.writeText = (text) => {
        window.copiedTexts.push(text);
        return write(text);
      };
    });
    await page.click('#accounts .tile');
    await until(() => page.textContent('#status'), (t) => t === message('copied'), { what: 'the copied status' });
    await page.evaluate(() => {
      document.getElementById('status').textContent = '';
    });
    await page.focus('#accounts .tile');
    await page.keyboard.press('Enter');
    await until(() => page.textContent('#status'), (t) => t === message('copied'), { what: 'the copied status after Enter' });
    assert.deepEqual(await page.evaluate(() => window.copiedTexts), [RFC.vectors[0].totp, RFC.vectors[0].totp]);
  });

  it('keeps the accounts when the service worker is stopped', async () => {
    await pinClock(1_234_567_890_000);
    await addThroughForm({ issuer: 'Durable', account: 'd', secret: RFC.seeds.SHA256, algorithm: 'SHA256', digits: 8 });
    const want = RFC.vectors.find((v) => v.time === 1234567890 && v.mode === 'SHA256').totp;
    const sw = await serviceWorker();
    // Stop the worker as Chrome does when it is idle (CDP ServiceWorker.stopWorker); CDP reports
    // each version's running status.
    const cdp = await ctx.newCDPSession(page);
    const updates = [];
    cdp.on('ServiceWorker.workerVersionUpdated', (e) => updates.push(...e.versions.filter((v) => v.scriptURL === sw.url())));
    await cdp.send('ServiceWorker.enable');
    const running = await until(() => updates.find((v) => v.runningStatus === 'running'), Boolean, { what: 'the running worker' });
    const seen = updates.length;
    await cdp.send('ServiceWorker.stopWorker', { versionId: running.versionId });
    await until(() => updates.slice(seen).some((v) => v.runningStatus === 'stopped'), Boolean, { what: 'the worker to stop' });
    const stoppedAt = updates.length;
    await openPopup();
    // The popup's request started the worker again, which read the accounts from storage.
    await until(() => updates.slice(stoppedAt).some((v) => v.runningStatus === 'running'), Boolean, { what: 'the worker to restart' });
    await cdp.detach();
    const tile = await tileFor('Durable');
    assert.equal(tile.code.replace(/ /g, ''), want);
  });

  it('options page shows the version and the number of accounts', async () => {
    await addThroughForm({ issuer: 'One', account: '1', secret: RFC4226.secret, type: 'hotp', counter: 0 });
    await page.goto(`chrome-extension://${extensionId}/${OPTIONS_PATH}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(dist('chrome-test'), 'manifest.json'), 'utf8'));
    assert.equal(await until(() => page.textContent('#count'), (t) => t !== ''), '1');
    assert.equal(await page.textContent('#version'), manifest.version);
    assert.equal(await page.textContent('h1'), message('optionsTitle'));
  });

  it('test build: the popup acts on the tab named by ?tab=', async () => {
    await openPopup('?tab=4242');
    const id = await page.evaluate(async () => (await import('/extension/lib/tab.js')).targetTabId());
    assert.equal(id, 4242);
  });
});
