// Dutch end to end: Chromium started with --lang=nl (and LANGUAGE=nl, see launchChromium) shows the
// options page and the popup in Dutch, every [data-i18n] text and the texts the scripts write, as
// _locales/nl/messages.json has them. That English and Dutch have the same keys is checked in
// manifest.test.mjs ('locales').
// Chromium loads another UI language only with its locale data (/usr/lib/chromium/locales/nl.pak,
// Debian package chromium-l10n); without it the extension gets English and this test skips, saying so.
// Needs `scripts/build.sh --test`. Skips when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHROMIUM, OPTIONS_PATH, POPUP_PATH, ROOT, dist, launchChromium, message, requireBuild } from './helpers.mjs';

const load = (lang) => JSON.parse(fs.readFileSync(path.join(ROOT, '_locales', lang, 'messages.json'), 'utf8'));
const EN = load('en');
const NL = load('nl');
const nl = (name, subs) => message(name, subs, 'nl');

/** [name, text] of every [data-i18n] element of the page. */
const i18nTexts = (page) =>
  page.$$eval('[data-i18n]', (els) => els.map((el) => [el.dataset.i18n, el.textContent]));

describe('Chromium in Dutch (--lang=nl)', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let page;
  let missing = '';
  const pageErrors = [];

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')), { lang: 'nl' });
    page = browser.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
    const title = await page.evaluate(() => chrome.i18n.getMessage('optionsTitle'));
    if (title !== NL.optionsTitle.message) {
      const pak = fs.existsSync('/usr/lib/chromium/locales/nl.pak') ? 'present' : 'absent';
      missing = `Chromium did not load the Dutch locale (got "${title}"; /usr/lib/chromium/locales/nl.pak is ${pak}: install chromium-l10n)`;
    }
  });

  after(async () => {
    await browser?.close();
  });

  it('the Dutch and English messages differ where a test can tell them apart', () => {
    for (const name of ['optionsTitle', 'appearanceHeading', 'clockHeading', 'unlock']) {
      assert.notEqual(NL[name].message, EN[name].message, name);
    }
  });

  it('options page: language nl, every data-i18n text and the scripts’ texts in Dutch', async (t) => {
    if (missing) return t.skip(missing);
    await page.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
    await page.waitForFunction(() => document.getElementById('clock-in-use').textContent !== '');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'nl');
    assert.equal(await page.title(), nl('optionsTitle'));
    const texts = await i18nTexts(page);
    assert.ok(texts.length > 30, `${texts.length} data-i18n elements`);
    for (const [name, text] of texts) assert.equal(text, nl(name), `options: ${name}`);
    // Written by the scripts, not by data-i18n.
    assert.equal(await page.textContent('#clock-in-use'), nl('clockOffsetNone'));
    assert.equal(await page.textContent('#password-submit'), nl('setPassword'));
    await page.fill('#clock-origin', 'http://example.com');
    await page.click('#clock-check');
    assert.equal(await page.textContent('#clock-error'), nl('err_clock_origin_invalid'));
    // Numbers in the Dutch way: a decimal comma.
    await page.fill('#clock-offset', '-90.5');
    await page.click('#clock-save');
    await page.waitForFunction((want) => document.getElementById('clock-in-use').textContent === want, nl('clockOffsetInUse', ['-90,5']));
    assert.deepEqual(pageErrors.splice(0), []);
  });

  it('popup: every data-i18n text in Dutch, and the account list in Dutch', async (t) => {
    if (missing) return t.skip(missing);
    await page.evaluate(() => chrome.runtime.sendMessage({
      type: 'accounts.add',
      account: { type: 'totp', issuer: 'Voorbeeld', account: 'nl@example.test', secret: 'JBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
    }));
    await page.goto(`chrome-extension://${browser.extensionId}/${POPUP_PATH}`);
    await page.waitForFunction(() => document.body.innerText.includes('Voorbeeld'));
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'nl');
    const texts = await i18nTexts(page);
    assert.ok(texts.length > 5, `${texts.length} data-i18n elements`);
    for (const [name, text] of texts) assert.equal(text, nl(name), `popup: ${name}`);
    // Attributes too (placeholders, labels, titles).
    const attributes = await page.$$eval('[data-i18n-aria-label],[data-i18n-placeholder],[data-i18n-title]', (els) =>
      els.flatMap((el) => ['aria-label', 'placeholder', 'title']
        .filter((a) => el.hasAttribute(`data-i18n-${a}`))
        .map((a) => [el.getAttribute(`data-i18n-${a}`), el.getAttribute(a)])));
    for (const [name, text] of attributes) assert.equal(text, nl(name), `popup attribute: ${name}`);
    assert.deepEqual(pageErrors.splice(0), []);
  });
});
