// Autofill end to end (issue 8): the test build (dist/chrome-test) in headless Chromium fills the
// fixtures of tests/fixtures/fill/ through every trigger: the fill request (what the chooser window
// sends), the popup's tile click (popup.html?tab=<id>), the keyboard shortcut's handler and the context
// menu's handler (tests cannot press a shortcut or click a native menu: the TEST_BUILD message
// 'test.fillTrigger' hands the same arguments to the same functions the listeners call).
//
// The pages are served over https (a throwaway certificate, --ignore-certificate-errors) under real-
// looking names (--host-resolver-rules maps every name to 127.0.0.1), so origins and the public-
// suffix logic run on real names. Each page verifies the code its own script received with its own
// WebCrypto TOTP (tests/fixtures/totp.js); the test also checks it against node:crypto's HMAC.
// Lookalike pages must get nothing without the user's confirmation.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { serveFixtures } from '../fixtures/server.mjs';
import { CHROMIUM, OPTIONS_PATH, POPUP_PATH, dist, launchChromium, message, requireBuild, until } from './helpers.mjs';
import { base32Decode, totpCode } from './truth.mjs';

const PINNED = 1_763_000_000_000; // 20 s into its 30 s step
const SECRETS = {
  example: 'JBSWY3DPEHPK3PXP',
  idp: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  alice: 'MFWGSY3FMFWGSY3FMFWGSY3F',
  second: 'ONSWG33OMRZWKY3SMV2GK43U',
};

/** RFC 6238 (SHA-1, 6 digits, 30 s) of a base32 secret, from tests/e2e/truth.mjs (node:crypto). */
const totp = (secret, ms) => totpCode(base32Decode(secret), ms);

// Fixture → the frame that holds the field ('top' or 'inner' for the iframe page).
const FIXTURES = {
  'plain.html': 'top',
  'otc.html': 'top',
  'segmented.html': 'top',
  'react.html': 'top', // real React 18 (npm), served from node_modules
  'react-like.html': 'top', // React's value tracker imitated without React
  'vue.html': 'top',
  'keys.html': 'top',
  'shadow.html': 'top',
  'iframe-same.html': 'inner',
  'delayed.html': 'top',
  'dutch.html': 'top',
  'password-code.html': 'top',
};

describe('Chromium: autofill into the fixture pages', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let https;
  let http;
  let ext; // an extension page: sends requests as the popup does
  const ids = {};

  const send = (msg) => ext.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  const port = (server) => new URL(server.url).port;
  const dataset = (frame) => frame.evaluate(() => ({ ...document.documentElement.dataset }));

  /** Opens `path` of tests/fixtures/fill on `host`; returns { page, tabId, url }. */
  async function open(host, path, query = {}, { scheme = 'https' } = {}) {
    const server = scheme === 'https' ? https : http;
    const params = new URLSearchParams({ now: String(PINNED), ...query });
    const url = new URL(`${scheme}://${host}:${port(server)}/fill/${path}?${params}`).href; // punycode host
    const page = await browser.ctx.newPage();
    await page.goto(url);
    const tabId = await ext.evaluate(async (u) => (await chrome.tabs.query({ url: u.replace(/\?.*/, '*') }))[0]?.id, url);
    assert.ok(Number.isInteger(tabId), `tab of ${url}`);
    return { page, tabId, url };
  }

  /** The frame holding the field: the page itself, or its one iframe. */
  async function fieldFrame(page, where) {
    if (where === 'top') return page.mainFrame();
    return until(() => page.frames().find((f) => f !== page.mainFrame() && f.url().includes('/fill/inner.html')), Boolean, { what: 'the inner frame' });
  }

  /** Waits for the page's verdict on what its script received, and checks it. */
  async function assertReceived(frame, secret, { pageVerifies = true } = {}) {
    const what = pageVerifies ? "the page's verdict" : 'the received code';
    const data = await until(() => dataset(frame), (d) => (pageVerifies ? d.verdict !== undefined : d.received !== undefined), { what });
    assert.equal(data.received, totp(secret, PINNED), 'the page received the TOTP of the pinned instant');
    if (pageVerifies) assert.equal(data.verdict, 'ok', "the page's own TOTP accepts it");
  }

  /** Frame ids and URLs of a tab, as the menu's info would name them. */
  async function frames(tabId) {
    return ext.evaluate(async (tabId) => {
      const results = await chrome.scripting.executeScript({ target: { tabId, allFrames: true }, func: () => location.href });
      return results.map((r) => ({ frameId: r.frameId, url: r.result }));
    }, tabId);
  }

  async function menuInfo(tabId, url, where) {
    const all = await frames(tabId);
    const frame = where === 'top' ? all.find((f) => f.frameId === 0) : all.find((f) => f.url.includes('/fill/inner.html'));
    return { frameId: frame.frameId, frameUrl: frame.url, pageUrl: url, editable: true };
  }

  async function add(key, issuer, sites) {
    const answer = await send({
      type: 'accounts.add',
      account: { type: 'totp', issuer, account: `${key}@example.test`, secret: SECRETS[key], algorithm: 'SHA1', digits: 6, period: 30, counter: 0, sites },
    });
    assert.equal(answer.ok, true, JSON.stringify(answer));
    ids[key] = answer.id;
  }

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')), {
      args: ['--host-resolver-rules=MAP * 127.0.0.1', '--ignore-certificate-errors'],
    });
    https = await serveFixtures(0, { tls: true });
    http = await serveFixtures(0);
    ext = browser.page;
    await ext.goto(`chrome-extension://${browser.extensionId}/${POPUP_PATH}`);
    await ext.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), PINNED);
    await add('example', 'Example', ['example.test']);
    await add('idp', 'Identity Provider', ['idp.test']);
    await add('alice', 'Alice Pages', ['alice.github.io']);
  });

  after(async () => {
    await browser?.close();
    await https?.close();
    await http?.close();
  });

  it('the worker registers the menu item on editable fields and the shortcut', async () => {
    const [sw] = browser.ctx.serviceWorkers();
    // update() fails for an item that does not exist.
    await sw.evaluate(() => chrome.contextMenus.update('tessera.fill', { contexts: ['editable'] }));
    const commands = await sw.evaluate(() => chrome.commands.getAll());
    const fill = commands.find((c) => c.name === 'fill-code');
    assert.equal(fill?.description, message('fillCommand'));
    assert.equal(fill?.shortcut, 'Alt+Shift+2');
  });

  for (const [fixture, where] of Object.entries(FIXTURES)) {
    it(`fill request (popup, chooser): ${fixture}`, async () => {
      const { page, tabId } = await open('login.example.test', fixture);
      const answer = await send({ type: 'accounts.fill', id: ids.example, tabId });
      assert.equal(answer.ok, true, JSON.stringify(answer));
      assert.equal(answer.host, 'login.example.test');
      await assertReceived(await fieldFrame(page, where), SECRETS.example);
      await page.close();
    });

    it(`popup tile click: ${fixture}`, async () => {
      const { page, tabId } = await open('login.example.test', fixture);
      const popup = await browser.ctx.newPage();
      await popup.goto(`chrome-extension://${browser.extensionId}/${POPUP_PATH}?tab=${tabId}`);
      const tile = await until(() => popup.$('#accounts .tile:has(.issuer:text-is("Example"))'), Boolean, { what: 'the tile' });
      await tile.click();
      await until(() => popup.textContent('#status'), (t) => t === message('filledInto', ['login.example.test']), { what: 'the filled status' });
      await assertReceived(await fieldFrame(page, where), SECRETS.example);
      await popup.close();
      await page.close();
    });

    it(`shortcut handler: ${fixture}`, async () => {
      const { page, tabId } = await open('login.example.test', fixture);
      const answer = await send({ type: 'test.fillTrigger', trigger: 'command', tabId });
      assert.deepEqual({ ok: answer.ok, action: answer.action }, { ok: true, action: 'filled' }, JSON.stringify(answer));
      await assertReceived(await fieldFrame(page, where), SECRETS.example);
      await page.close();
    });

    it(`context menu handler: ${fixture}`, async () => {
      const { page, tabId, url } = await open('login.example.test', fixture);
      // The menu is offered on editable fields: a delayed field is there before the user clicks.
      if (fixture === 'delayed.html') await until(() => page.$('#late'), Boolean, { what: 'the late field' });
      const info = await menuInfo(tabId, url, where);
      const answer = await send({ type: 'test.fillTrigger', trigger: 'menu', tabId, info });
      assert.deepEqual({ ok: answer.ok, action: answer.action }, { ok: true, action: 'filled' }, JSON.stringify(answer));
      await assertReceived(await fieldFrame(page, where), SECRETS.example);
      await page.close();
    });
  }

  it('cross-origin iframe: the frame of the account bound to its site gets the code, through every trigger', async () => {
    const query = { idp: 'login.idp.test', idpSecret: SECRETS.idp };
    let { page, tabId, url } = await open('shop.example.test', 'iframe-cross.html', query);
    const answer = await send({ type: 'accounts.fill', id: ids.idp, tabId });
    assert.deepEqual(answer, { ok: true, host: 'login.idp.test', frameId: answer.frameId });
    assert.notEqual(answer.frameId, 0);
    await assertReceived(await fieldFrame(page, 'inner'), SECRETS.idp);
    await page.close();

    ({ page, tabId, url } = await open('shop.example.test', 'iframe-cross.html', query));
    const info = await menuInfo(tabId, url, 'inner');
    const menu = await send({ type: 'test.fillTrigger', trigger: 'menu', tabId, info });
    assert.deepEqual({ action: menu.action, host: menu.host }, { action: 'filled', host: 'login.idp.test' }, JSON.stringify(menu));
    await assertReceived(await fieldFrame(page, 'inner'), SECRETS.idp);
    await page.close();
  });

  it("cross-origin iframe: the page's account never fills the other site's frame", async () => {
    const { page, tabId } = await open('shop.example.test', 'iframe-cross.html', { idp: 'login.idp.test', idpSecret: SECRETS.idp });
    const inner = await fieldFrame(page, 'inner');
    await until(() => inner.$('#inner-otp'), Boolean, { what: 'the frame field' });
    // example.test's account may fill the top frame only, which has no field.
    const answer = await send({ type: 'accounts.fill', id: ids.example, tabId });
    assert.deepEqual(answer, { ok: false, error: { code: 'fill_no_field' } });
    assert.equal(await inner.inputValue('#inner-otp'), '');
    assert.equal((await dataset(inner)).changed, undefined);
    await page.close();
  });

  it('a sign-up page with phone, postal, promo, hidden, disabled and read-only fields gets nothing', async () => {
    const { page, tabId } = await open('login.example.test', 'signup.html');
    const answer = await send({ type: 'accounts.fill', id: ids.example, tabId });
    assert.deepEqual(answer, { ok: false, error: { code: 'fill_no_field' } });
    const values = await page.$$eval('input', (els) => els.map((el) => el.value));
    assert.ok(values.every((v) => v === ''), JSON.stringify(values));
    assert.equal((await dataset(page.mainFrame())).changed, undefined);
    await page.close();
  });

  it('lookalike hosts get nothing: not by request, not by shortcut (the chooser opens instead)', async () => {
    const lookalikes = [
      ['login.example.test.evil.test', ids.example],
      ['examp1e.test', ids.example],
      ['login.exаmple.test', ids.example], // Cyrillic а: a punycode homograph
      ['example.test-login.test', ids.example],
      ['mallory.github.io', ids.alice], // two sites under the public suffix github.io
    ];
    for (const [host, id] of lookalikes) {
      const { page, tabId } = await open(host, 'plain.html');
      const shown = new URL(page.url()).hostname;
      const answer = await send({ type: 'accounts.fill', id, tabId });
      assert.deepEqual(answer, { ok: false, error: { code: 'fill_site_mismatch' }, host: shown }, host);
      const chooser = browser.ctx.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/fill/choose.html') });
      const command = await send({ type: 'test.fillTrigger', trigger: 'command', tabId });
      assert.deepEqual({ action: command.action, matching: command.matching }, { action: 'chooser', matching: 0 }, host);
      const window = await chooser;
      assert.equal(new URL(window.url()).searchParams.get('host'), shown);
      await window.close();
      assert.equal(await page.inputValue('#f1'), '', host);
      assert.equal((await dataset(page.mainFrame())).changed, undefined, host);
      await page.close();
    }
    // The positive control: the bound github.io site itself fills.
    const { page, tabId } = await open('alice.github.io', 'plain.html', { secret: SECRETS.alice });
    assert.equal((await send({ type: 'accounts.fill', id: ids.alice, tabId })).ok, true);
    await assertReceived(page.mainFrame(), SECRETS.alice);
    await page.close();
  });

  it('an http page of the bound site asks first; confirmedHost names that exact host', async () => {
    const { page, tabId } = await open('login.example.test', 'plain.html', {}, { scheme: 'http' });
    const asked = await send({ type: 'accounts.fill', id: ids.example, tabId });
    assert.deepEqual(asked, { ok: false, error: { code: 'fill_needs_confirmation' }, host: 'login.example.test' });
    assert.equal(await page.inputValue('#f1'), '');
    // A confirmation for another host (even the registrable domain) does not cover this one.
    const other = await send({ type: 'accounts.fill', id: ids.example, tabId, confirmedHost: 'example.test' });
    assert.equal(other.error?.code, 'fill_site_mismatch');
    assert.equal(await page.inputValue('#f1'), '');
    // The shortcut does not fill an http page by itself either: the chooser opens.
    const chooser = browser.ctx.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/fill/choose.html') });
    const command = await send({ type: 'test.fillTrigger', trigger: 'command', tabId });
    assert.equal(command.action, 'chooser');
    await (await chooser).close();
    assert.equal(await page.inputValue('#f1'), '');
    const filled = await send({ type: 'accounts.fill', id: ids.example, tabId, confirmedHost: 'login.example.test' });
    assert.deepEqual(filled, { ok: true, host: 'login.example.test', frameId: 0 });
    // WebCrypto is for secure contexts only, so an http page cannot check; node:crypto does.
    await assertReceived(page.mainFrame(), SECRETS.example, { pageVerifies: false });
    await page.close();
  });

  it('chooser window: an unbound site fills only after a confirmation naming its host', async () => {
    const { page, tabId } = await open('login.unbound.test', 'plain.html');
    const opened = browser.ctx.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/fill/choose.html') });
    const command = await send({ type: 'test.fillTrigger', trigger: 'command', tabId });
    assert.deepEqual({ action: command.action, matching: command.matching }, { action: 'chooser', matching: 0 });
    const chooser = await opened;
    await until(() => chooser.textContent('#status'), (t) => t === message('chooseNone', ['login.unbound.test']), { what: 'the no-account note' });
    // Cancel: nothing is filled.
    await chooser.click(`#other button[data-id="${ids.example}"]`);
    assert.equal(await chooser.textContent('#confirm-text'), message('chooseConfirmOther', ['Example', 'login.unbound.test']));
    assert.equal(await chooser.textContent('#confirm-yes'), message('fillIntoHost', ['login.unbound.test']));
    await chooser.click('#confirm-no');
    assert.equal(await chooser.isHidden('#confirm'), true);
    assert.equal(await page.inputValue('#f1'), '');
    // Confirm: the code goes in, and the window closes itself.
    await chooser.click(`#other button[data-id="${ids.example}"]`);
    const closed = chooser.waitForEvent('close');
    await chooser.click('#confirm-yes');
    await closed;
    await assertReceived(page.mainFrame(), SECRETS.example);
    await page.close();
  });

  it('context menu with two accounts for the site opens the chooser; a bound account fills without asking', async () => {
    await add('second', 'Example (second)', ['example.test']);
    const { page, tabId, url } = await open('login.example.test', 'plain.html', { secret: SECRETS.second });
    const opened = browser.ctx.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/fill/choose.html') });
    const info = await menuInfo(tabId, url, 'top');
    const menu = await send({ type: 'test.fillTrigger', trigger: 'menu', tabId, info });
    assert.deepEqual({ action: menu.action, matching: menu.matching }, { action: 'chooser', matching: 2 });
    const chooser = await opened;
    await until(() => chooser.$$eval('#matching button', (b) => b.length), (n) => n === 2, { what: 'two bound accounts' });
    assert.equal(await chooser.textContent('#matching-title'), message('chooseFor', ['login.example.test']));
    const closed = chooser.waitForEvent('close');
    await chooser.click(`#matching button[data-id="${ids.second}"]`);
    await closed;
    await assertReceived(page.mainFrame(), SECRETS.second);
    await page.close();
  });

  it('automatic filling: off by default; turned on in the options page, a bound page fills itself on load', async () => {
    const stored = () => ext.evaluate(() => chrome.storage.local.get('autofill.auto').then((r) => r['autofill.auto']));
    assert.equal(await stored(), undefined, 'off by default');
    const options = await browser.ctx.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
    await until(() => options.isVisible('#autofill-section'), Boolean, { what: 'the autofill section' });
    assert.equal(await options.isChecked('#autofill-auto'), false);
    // idp.test, example.test (two accounts) and alice.github.io are bound.
    assert.equal(await options.textContent('#autofill-sites'), message('autofillSites', ['3']));
    await options.click('#autofill-auto'); // the test build holds <all_urls>: the request is granted at once
    await until(stored, (v) => v === true, { what: 'automatic filling on' });

    // A lookalike loads first: no account belongs to it, so its load handler leaves it alone, and it
    // has finished (the vault read goes through the worker's one write chain) before the bound page's.
    const lookalike = await open('login.idp.test.evil.test', 'plain.html', { secret: SECRETS.idp });
    // One account (Identity Provider) belongs to idp.test: its code goes in with no trigger at all,
    // also into a field that appears two seconds after the load.
    const bound = await open('login.idp.test', 'plain.html', { secret: SECRETS.idp });
    await assertReceived(bound.page.mainFrame(), SECRETS.idp);
    const late = await open('login.idp.test', 'delayed.html', { secret: SECRETS.idp });
    await assertReceived(late.page.mainFrame(), SECRETS.idp);
    assert.equal(await lookalike.page.inputValue('#f1'), '');
    assert.equal((await dataset(lookalike.page.mainFrame())).changed, undefined);
    for (const p of [lookalike.page, bound.page, late.page]) await p.close();

    await options.click('#autofill-auto');
    await until(stored, (v) => v === false, { what: 'automatic filling off' });
    await options.close();
  });

  it('a locked vault: the menu fills nothing and opens the chooser, which unlocks and then fills', async () => {
    const PASSWORD = 'correct horse battery staple';
    await ext.evaluate(() => chrome.storage.local.set({ 'test.iterations': 10_000 }));
    assert.equal((await send({ type: 'vault.setPassword', password: PASSWORD })).ok, true);
    assert.equal((await send({ type: 'vault.lock' })).ok, true);
    const { page, tabId, url } = await open('login.idp.test', 'plain.html', { secret: SECRETS.idp });
    const opened = browser.ctx.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/fill/choose.html') });
    const menu = await send({ type: 'test.fillTrigger', trigger: 'menu', tabId, info: await menuInfo(tabId, url, 'top') });
    assert.deepEqual({ action: menu.action, matching: menu.matching }, { action: 'chooser', matching: 0 });
    const chooser = await opened;
    await until(() => chooser.isVisible('#unlock-form'), Boolean, { what: 'the unlock form' });
    assert.equal(await page.inputValue('#f1'), '');
    await chooser.fill('#unlock-password', 'not the password');
    await chooser.click('#unlock-submit');
    await until(() => chooser.textContent('#unlock-error'), (t) => t === message('err_vault_decrypt'), { timeout: 30_000, what: 'the wrong password' });
    await chooser.fill('#unlock-password', PASSWORD);
    await chooser.click('#unlock-submit');
    await until(() => chooser.$$eval('#matching button', (b) => b.map((x) => x.dataset.id)), (list) => list.length === 1 && list[0] === ids.idp, { timeout: 30_000, what: 'the bound account' });
    const closed = chooser.waitForEvent('close');
    await chooser.click(`#matching button[data-id="${ids.idp}"]`);
    await closed;
    await assertReceived(page.mainFrame(), SECRETS.idp);
    await page.close();
  });
});
