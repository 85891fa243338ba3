// Autofill from the popup (issue 8): the tile action "Fill into <domain>" on a page not bound to the
// account (a confirmation in the popup names the domain; cancelling fills nothing), and the note the
// popup shows when no account belongs to the tab's site, whose binding then lets a plain tile click
// fill. Test build (dist/chrome-test) in headless Chromium; the fixtures are served over https under
// real names (--host-resolver-rules), and each page checks the code it received with its own
// WebCrypto TOTP (tests/fixtures/totp.js); the test checks it against node:crypto's HMAC too.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { serveFixtures } from '../fixtures/server.mjs';
import { CHROMIUM, POPUP_PATH, dist, launchChromium, message, requireBuild, until } from './helpers.mjs';
import { base32Decode, totpCode } from './truth.mjs';

const PINNED = 1_763_000_000_000;
const SECRET = 'JBSWY3DPEHPK3PXP';
const OTHER = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** RFC 6238 (SHA-1, 6 digits, 30 s) of a base32 secret, from tests/e2e/truth.mjs (node:crypto). */
const totp = (secret, ms) => totpCode(base32Decode(secret), ms);

describe('Chromium: filling and binding from the popup', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let server;
  let plain; // http
  let ext;
  const ids = {};
  const send = (msg) => ext.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  const dataset = (page) => page.evaluate(() => ({ ...document.documentElement.dataset }));

  async function open(host, path, query = {}, scheme = 'https') {
    const params = new URLSearchParams({ now: String(PINNED), ...query });
    const url = `${scheme}://${host}:${new URL((scheme === 'https' ? server : plain).url).port}/fill/${path}?${params}`;
    const page = await browser.ctx.newPage();
    await page.goto(url);
    const tabId = await ext.evaluate(async (u) => (await chrome.tabs.query({ url: u.replace(/\?.*/, '*') }))[0]?.id, url);
    assert.ok(Number.isInteger(tabId), `tab of ${url}`);
    return { page, tabId };
  }

  async function popupFor(tabId) {
    const popup = await browser.ctx.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/${POPUP_PATH}?tab=${tabId}`);
    await until(() => popup.$$eval('#accounts .tile', (t) => t.length), (n) => n === 2, { what: 'the tiles' });
    return popup;
  }

  const tileOf = (popup, issuer) => `#accounts li.item:has(.issuer:text-is("${issuer}"))`;

  async function assertReceived(page, secret) {
    const data = await until(() => dataset(page), (d) => d.verdict !== undefined, { what: "the page's verdict" });
    assert.equal(data.received, totp(secret, PINNED), 'the page received the TOTP of the pinned instant');
    assert.equal(data.verdict, 'ok', "the page's own TOTP accepts it");
  }

  async function add(key, issuer, secret, sites) {
    const answer = await send({
      type: 'accounts.add',
      account: { type: 'totp', issuer, account: `${key}@example.test`, secret, algorithm: 'SHA1', digits: 6, period: 30, counter: 0, sites },
    });
    assert.equal(answer.ok, true, JSON.stringify(answer));
    ids[key] = answer.id;
  }

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')), {
      args: ['--host-resolver-rules=MAP * 127.0.0.1', '--ignore-certificate-errors'],
    });
    server = await serveFixtures(0, { tls: true });
    plain = await serveFixtures(0);
    ext = browser.page;
    await ext.goto(`chrome-extension://${browser.extensionId}/${POPUP_PATH}`);
    await ext.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), PINNED);
    await add('example', 'Example', SECRET, ['example.test']);
    await add('other', 'Other', OTHER, ['other.test']);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await plain?.close();
  });

  it('"Fill into <domain>" on an unbound page: cancel fills nothing, the confirmation naming the domain fills', async () => {
    const { page, tabId } = await open('login.unbound.test', 'plain.html');
    const popup = await popupFor(tabId);
    const tile = tileOf(popup, 'Example');
    // A plain click copies but does not fill a page that is not the account's site.
    await popup.click(`${tile} .tile`);
    await until(() => popup.textContent('#status'), (t) => t === message('copied'), { what: 'copied' });

    const action = '#tile-actions [data-action="fill"]';
    await popup.click(`${tile} .menu`);
    await until(() => popup.isVisible(action), Boolean, { what: 'the fill action' });
    assert.equal(await popup.textContent(action), message('fillIntoHost', ['login.unbound.test']));
    await popup.click(action);
    await until(() => popup.isVisible('#confirm-dialog'), Boolean, { what: 'the confirmation' });
    assert.equal(await popup.textContent('#confirm-text'), message('chooseConfirmOther', ['Example – example@example.test', 'login.unbound.test']));
    assert.equal(await popup.textContent('#confirm-ok'), message('fillIntoHost', ['login.unbound.test']));
    await popup.click('#confirm-cancel');
    await until(() => popup.textContent('#status'), (t) => t === message('fillCancelled'), { what: 'the cancelled note' });
    assert.equal(await page.inputValue('#f1'), '');
    assert.equal((await dataset(page)).changed, undefined, 'no input or change event on the page');

    await popup.click(`${tile} .menu`);
    await until(() => popup.isVisible(action), Boolean, { what: 'the fill action' });
    await popup.click(action);
    await until(() => popup.isVisible('#confirm-dialog'), Boolean, { what: 'the confirmation' });
    await popup.click('#confirm-ok');
    await until(() => popup.textContent('#status'), (t) => t === message('filledIntoOnly', ['login.unbound.test']), { what: 'the filled status' });
    await assertReceived(page, SECRET);
    await popup.close();
    await page.close();
  });

  it('the fill action is not offered where a tile click fills (the account\'s own https site)', async () => {
    const { page, tabId } = await open('login.example.test', 'plain.html');
    const popup = await popupFor(tabId);
    assert.equal(await popup.isHidden('#site-note'), true, 'an account belongs to this site: no note');
    await popup.click(`${tileOf(popup, 'Example')} .menu`);
    await until(() => popup.isVisible('#tile-actions'), Boolean, { what: 'the actions' });
    // The check is asynchronous: the other account (not bound here) gets the action, this one not.
    await popup.click(`${tileOf(popup, 'Other')} .menu`);
    await until(() => popup.getAttribute('#tile-actions [data-action="fill"]', 'data-checked'), (v) => v === ids.other, { what: "Other's check" });
    assert.equal(await popup.isVisible('#tile-actions [data-action="fill"]'), true);
    await popup.click(`${tileOf(popup, 'Example')} .menu`);
    await until(() => popup.getAttribute('#tile-actions [data-action="fill"]', 'data-checked'), (v) => v === ids.example, { what: "Example's check" });
    assert.equal(await popup.isHidden('#tile-actions [data-action="fill"]'), true);
    await popup.close();
    await page.close();
  });

  it('the React fixture runs React 18 from npm: a value set past React is not received, the popup fill is', async () => {
    const { page, tabId } = await open('login.example.test', 'react.html');
    const react = await until(() => dataset(page), (d) => d.react !== undefined && d.react !== '', { what: 'React' });
    assert.equal(react.react, JSON.parse(fs.readFileSync('node_modules/react/package.json', 'utf8')).version);
    // React's value tracker ignores an input event after a plain property write (no onChange).
    await page.waitForSelector('#rc');
    await page.evaluate(() => {
      const rc = document.getElementById('rc');
      rc.value = '123456';
      rc.dispatchEvent(new Event('input', { bubbles: true }));
    });
    assert.equal((await dataset(page)).received, undefined, 'React did not see the plain write');
    const popup = await popupFor(tabId);
    await popup.click(`${tileOf(popup, 'Example')} .tile`);
    await until(() => popup.textContent('#status'), (t) => t === message('filledInto', ['login.example.test']), { what: 'the filled status' });
    await assertReceived(page, SECRET);
    await popup.close();
    await page.close();
  });

  it('an http page of the account\'s own site: a click does not fill; "Fill into" asks, naming the host and http', async () => {
    const { page, tabId } = await open('login.example.test', 'plain.html', {}, 'http');
    const popup = await popupFor(tabId);
    const tile = tileOf(popup, 'Example');
    await popup.click(`${tile} .tile`);
    const refused = `${message('copied')} ${message('err_fill_needs_confirmation')}`;
    await until(() => popup.textContent('#status'), (t) => t === refused, { what: 'the refused fill' });
    assert.equal(await page.inputValue('#f1'), '', 'a tile click does not fill http');
    const action = '#tile-actions [data-action="fill"]';
    await popup.click(`${tile} .menu`);
    await until(() => popup.getAttribute(action, 'data-checked'), (v) => v === ids.example, { what: "Example's check" });
    assert.equal(await popup.textContent(action), message('fillIntoHost', ['login.example.test']));
    await popup.click(action);
    await until(() => popup.isVisible('#confirm-dialog'), Boolean, { what: 'the confirmation' });
    assert.equal(await popup.textContent('#confirm-text'), message('fillConfirmInsecure', ['Example – example@example.test', 'login.example.test']));
    assert.equal(await page.inputValue('#f1'), '', 'nothing before the confirmation');
    await popup.click('#confirm-ok');
    await until(() => popup.textContent('#status'), (t) => t === message('filledIntoOnly', ['login.example.test']), { what: 'the filled status' });
    // WebCrypto is for secure contexts only: node:crypto checks what the page's script received.
    const data = await until(() => dataset(page), (d) => d.received !== undefined, { what: 'the received code' });
    assert.equal(data.received, totp(SECRET, PINNED));
    await popup.close();
    await page.close();
  });

  it('no account for the site: the note offers to bind one; after the confirmation a tile click fills', async () => {
    const { page, tabId } = await open('www.newsite.test', 'plain.html', { secret: OTHER });
    const popup = await popupFor(tabId);
    await until(() => popup.isVisible('#site-note'), Boolean, { what: 'the no-account note' });
    assert.equal(await popup.textContent('#site-note-text'), message('chooseNone', ['newsite.test']));
    assert.equal(await popup.textContent('#bind-submit'), message('bindSite', ['newsite.test']));
    await popup.selectOption('#bind-account', ids.other);
    // Cancel: nothing is bound.
    await popup.click('#bind-submit');
    await until(() => popup.isVisible('#confirm-dialog'), Boolean, { what: 'the confirmation' });
    assert.equal(await popup.textContent('#confirm-text'), message('bindConfirm', ['Other – other@example.test', 'newsite.test']));
    await popup.click('#confirm-cancel');
    const stored = async () => (await send({ type: 'accounts.list' })).accounts.find((a) => a.id === ids.other).sites;
    assert.deepEqual(await stored(), ['other.test']);
    assert.equal(await popup.isVisible('#site-note'), true);
    // Confirm: the registrable domain joins the account's sites, and the note goes away.
    await popup.click('#bind-submit');
    await until(() => popup.isVisible('#confirm-dialog'), Boolean, { what: 'the confirmation' });
    await popup.click('#confirm-ok');
    await until(() => popup.textContent('#status'), (t) => t === message('boundStatus', ['Other – other@example.test', 'newsite.test']), { what: 'the bound status' });
    assert.deepEqual(await stored(), ['other.test', 'newsite.test']);
    await until(() => popup.isHidden('#site-note'), Boolean, { what: 'the note hidden' });
    assert.equal(await page.inputValue('#f1'), '', 'binding alone fills nothing');
    // A plain tile click now fills this site.
    await popup.click(`${tileOf(popup, 'Other')} .tile`);
    await until(() => popup.textContent('#status'), (t) => t === message('filledInto', ['www.newsite.test']), { what: 'the filled status' });
    await assertReceived(page, OTHER);
    await popup.close();
    await page.close();
  });
});
