// Filling a code into the active tab on a tile click (issue 8): the real extension (dist/chrome-test)
// in headless Chromium against tests/fixtures/signin.html on 127.0.0.1 (a loopback http page counts
// as secure, lib/site.js), whose own WebCrypto TOTP (tests/fixtures/totp.js) is the independent
// truth. Also: an account bound to another site fills nothing, and the basic host matching of
// lib/site.js. The full fixture suite is fill-suite.test.mjs; registrable domains fill-site.test.mjs.
// Needs `scripts/build.sh --test`. The browser tests skip only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { serveFixtures } from '../fixtures/server.mjs';
import { hostOfUrl, siteMatches } from '../../extension/lib/site.js';
import { CHROMIUM, POPUP_PATH, dist, launchChromium, message, requireBuild, until } from './helpers.mjs';

const SECRET = 'JBSWY3DPEHPK3PXP'; // the fixture page's account
const OTHER_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const PINNED = 1_763_000_000_000; // mid-step: 1_763_000_000 s is 20 s into its 30 s step

describe('site matching (lib/site.js)', () => {
  it('takes the host of http(s) URLs only', () => {
    assert.equal(hostOfUrl('https://Login.Example.com./a?b'), 'login.example.com');
    assert.equal(hostOfUrl('http://127.0.0.1:8080/signin.html'), '127.0.0.1');
    for (const url of ['file:///etc/passwd', 'chrome://settings', 'javascript:alert(1)', 'not a url', undefined]) {
      assert.equal(hostOfUrl(url), '', String(url));
    }
  });

  it('matches the site and its subdomains, not lookalikes', () => {
    assert.equal(siteMatches('example.com', ['example.com']), true);
    assert.equal(siteMatches('login.example.com', ['Example.com']), true);
    for (const host of ['example.com.evil.test', 'badexample.com', 'example.co', 'com']) {
      assert.equal(siteMatches(host, ['example.com']), false, host);
    }
    assert.equal(siteMatches('example.com', []), false);
    assert.equal(siteMatches('example.com', ['']), false);
  });
});

describe('Chromium: fill the code into the tab on a tile click', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let server;
  let popup;
  let signin;
  let tabId;

  const otp = () => signin.inputValue('#otp');
  const status = () => popup.textContent('#status');

  async function tile(issuer) {
    return until(
      () => popup.$(`#accounts .tile:has(.issuer:text-is("${issuer}"))`),
      Boolean,
      { what: `the tile of ${issuer}` },
    );
  }

  async function addThroughPopup({ issuer, secret, site }) {
    await popup.click('#add-toggle');
    await popup.fill('#issuer', issuer);
    await popup.fill('#secret', secret);
    // The Site field is prefilled with the target tab's host name.
    assert.equal(await until(() => popup.inputValue('#site'), (v) => v !== '', { what: 'the prefilled site' }), '127.0.0.1');
    await popup.fill('#site', site);
    await popup.click('#add-submit');
    await until(status, (s) => s === message('added'), { what: 'the added status' });
  }

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')));
    server = await serveFixtures();
    signin = await browser.ctx.newPage();
    await signin.goto(`${server.url}/signin.html?now=${PINNED}`);
    const [sw] = browser.ctx.serviceWorkers();
    const tabs = await sw.evaluate((url) => chrome.tabs.query({ url }), `${server.url}/signin.html*`);
    assert.equal(tabs.length, 1);
    tabId = tabs[0].id;
    popup = browser.page;
    await popup.goto(`chrome-extension://${browser.extensionId}/${POPUP_PATH}?tab=${tabId}`);
    await popup.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), PINNED);
    await until(() => popup.evaluate(() => document.getElementById('loading').hidden), Boolean, { what: 'the popup' });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('fills the code of an account bound to 127.0.0.1, and the page verifies it', async () => {
    await addThroughPopup({ issuer: 'Example Corp', secret: SECRET, site: '127.0.0.1' });
    const code = (await (await tile('Example Corp')).$eval('.code', (el) => el.textContent)).replace(/ /g, '');
    assert.equal(await otp(), '');
    await (await tile('Example Corp')).click();
    await until(status, (s) => s === message('filledInto', ['127.0.0.1']), { what: 'the filled status' });
    assert.equal(await otp(), code);
    assert.equal(await signin.evaluate(() => document.activeElement?.id), 'otp');
    await signin.click('button[type="submit"]');
    const result = await until(() => signin.textContent('#result'), (t) => t !== '', { what: "the page's verdict" });
    assert.match(result, /^Verified/);
    // Nothing but the code reached the page: the secret appears in its DOM as often as in the file.
    const served = fs.readFileSync(new URL('../fixtures/signin.html', import.meta.url), 'utf8').split(SECRET).length;
    assert.equal((await signin.content()).split(SECRET).length, served);
  });

  it('does not fill an account bound to another site (example.com)', async () => {
    await signin.reload();
    assert.equal(await otp(), '');
    await addThroughPopup({ issuer: 'Elsewhere', secret: OTHER_SECRET, site: 'example.com' });
    await (await tile('Elsewhere')).click();
    // The popup copies the code and, the tab not being one of the account's sites, asks no fill.
    await until(status, (s) => s.startsWith(message('copied')) || s === message('copyFailed'), { what: 'the copy status' });
    assert.equal(await otp(), '');
    // The worker refuses the same request directly, too.
    const list = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'accounts.list' }));
    const id = list.accounts.find((a) => a.issuer === 'Elsewhere').id;
    assert.deepEqual(list.accounts.find((a) => a.issuer === 'Elsewhere').sites, ['example.com']);
    const answer = await popup.evaluate((m) => chrome.runtime.sendMessage(m), { type: 'accounts.fill', id, tabId });
    // The answer names the page's host, for a "Fill into <domain>" confirmation.
    assert.deepEqual(answer, { ok: false, error: { code: 'fill_site_mismatch' }, host: '127.0.0.1' });
    assert.equal(await otp(), '');
  });
});
