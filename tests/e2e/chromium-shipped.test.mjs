// The shipped build (dist/chrome) in headless Chromium: the test hooks do nothing there. A pinned
// clock in storage is ignored (the code is the RFC 6238 code for the real time, computed here
// independently with node's HMAC), and ?tab= does not name the tab the popup acts on.
// Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CHROMIUM, POPUP_PATH, dist, launchChromium, requireBuild, rfc6238, until } from './helpers.mjs';
import { totpCode } from './truth.mjs';

const RFC = rfc6238();

/** RFC 6238 code of an ASCII seed at `unixSecs` (tests/e2e/truth.mjs, from the RFCs). */
const totp = (asciiSeed, unixSecs, digits = 8, period = 30, hash = 'sha1') =>
  totpCode(Buffer.from(asciiSeed, 'ascii'), unixSecs * 1000, { digits, period, algorithm: hash });

describe('Chromium: shipped build has no test hooks', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome')));
  });

  after(async () => {
    await browser?.close();
  });

  it('ignores a pinned clock: codes are for the real time', async () => {
    const { page, extensionId } = browser;
    const pinned = RFC.vectors.find((v) => v.mode === 'SHA1' && v.time === 59);
    // Our own check of the independent implementation against the RFC row.
    assert.equal(totp(RFC.ascii.SHA1, pinned.time), pinned.totp);

    await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}`);
    await page.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), pinned.time * 1000);
    await page.reload();
    await page.click('#add-toggle');
    await page.click('#advanced summary');
    await page.fill('#issuer', 'Shipped');
    await page.fill('#digits', '8');
    const before = Date.now() / 1000;
    await page.fill('#secret', RFC.seeds.SHA1);
    const preview = await until(() => page.textContent('#preview'), (t) => /^\d{4} \d{4}$/.test(t), { what: 'a preview code' });
    await page.click('#add-submit');
    const shown = await until(() => page.textContent('#accounts .tile .code').catch(() => ''), (t) => /^\d{4} \d{4}$/.test(t), { what: 'a tile' });
    const after = Date.now() / 1000;
    // Codes valid at some second between the two readings (a step may end in between).
    const real = new Set([totp(RFC.ascii.SHA1, before), totp(RFC.ascii.SHA1, after)]);
    for (const code of [preview, shown]) {
      assert.ok(real.has(code.replace(' ', '')), `${code} is the code for the real time (${[...real]})`);
      assert.notEqual(code.replace(' ', ''), pinned.totp, 'the pinned clock was used');
    }
  });

  it('ignores ?tab= (the popup acts on the active tab)', async () => {
    const { page, extensionId } = browser;
    await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}?tab=4242`);
    const id = await page.evaluate(async () => (await import('/extension/lib/tab.js')).targetTabId());
    assert.notEqual(id, 4242);
    assert.equal(typeof id, 'number', 'the active tab’s id');
  });
});
