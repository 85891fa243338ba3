// Autofill in Firefox (issue 8): the test build (dist/firefox-test) in headless Firefox ESR through
// geckodriver fills tests/fixtures/fill/plain.html on 127.0.0.1 (Firefox has no host-resolver
// rules). An account not bound to the page fills only with the confirmation's confirmedHost; an
// account bound to 127.0.0.1 fills through the shortcut's handler. The page checks the code it
// received with its own WebCrypto TOTP (127.0.0.1 is a secure context), the test with node:crypto.
// Skips only when Firefox or geckodriver is not installed.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { serveFixtures } from '../fixtures/server.mjs';
import { POPUP_PATH, dist, firefoxMissing, launchFirefox, requireBuild, until } from './helpers.mjs';
import { base32Decode, totpCode } from './truth.mjs';

const UUID = '11111111-2222-4333-8444-777777777777';
const PINNED = 1_763_000_000_000;
const SECRETS = { unbound: 'JBSWY3DPEHPK3PXP', bound: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' };

/** RFC 6238 (SHA-1, 6 digits, 30 s) of a base32 secret, from tests/e2e/truth.mjs (node:crypto). */
const totp = (secret, ms) => totpCode(base32Decode(secret), ms);

describe('Firefox: autofill (test build)', { skip: firefoxMissing || false }, () => {
  let driver;
  let server;
  let fixtureTab;
  let extTab;

  /** A message to the background from the extension page, as the popup sends it. */
  async function send(msg) {
    await driver.switchTo().window(extTab);
    return driver.executeAsyncScript('const done = arguments[arguments.length - 1]; browser.runtime.sendMessage(arguments[0]).then(done, (e) => done({ thrown: String(e) }));', msg);
  }

  async function pageData() {
    await driver.switchTo().window(fixtureTab);
    return driver.executeScript('return { ...document.documentElement.dataset, value: document.getElementById("f1").value };');
  }

  async function openFixture(secret) {
    await driver.switchTo().window(fixtureTab);
    const url = `${server.url}/fill/plain.html?${new URLSearchParams({ now: String(PINNED), secret })}`;
    await driver.get(url);
    await driver.switchTo().window(extTab);
    // Firefox's match patterns have no port: find the tab by its URL.
    const tabId = await driver.executeAsyncScript(
      'const done = arguments[arguments.length - 1]; browser.tabs.query({}).then((t) => done(t.find((x) => x.url === arguments[0])?.id));',
      url,
    );
    assert.ok(Number.isInteger(tabId), 'the fixture tab');
    return tabId;
  }

  async function add(key, sites) {
    const answer = await send({
      type: 'accounts.add',
      account: { type: 'totp', issuer: key, account: 'f', secret: SECRETS[key], algorithm: 'SHA1', digits: 6, period: 30, counter: 0, sites },
    });
    assert.equal(answer.ok, true, JSON.stringify(answer));
    return answer.id;
  }

  before(async () => {
    server = await serveFixtures();
    driver = await launchFirefox(requireBuild(dist('firefox-test')), UUID);
    fixtureTab = await driver.getWindowHandle();
    await driver.switchTo().newWindow('tab');
    extTab = await driver.getWindowHandle();
    await driver.get(`moz-extension://${UUID}/${POPUP_PATH}`);
    await driver.executeAsyncScript(
      'const done = arguments[arguments.length - 1]; browser.storage.local.set({ "test.clock": { ms: arguments[0], running: false, setAt: Date.now() } }).then(done);',
      PINNED,
    );
  });

  after(async () => {
    await driver?.quit();
    await server?.close();
  });

  it('fills the plain fixture after a confirmation, and through the shortcut for a bound account', async () => {
    const unbound = await add('unbound', []);
    let tabId = await openFixture(SECRETS.unbound);
    const refused = await send({ type: 'accounts.fill', id: unbound, tabId });
    assert.deepEqual(refused, { ok: false, error: { code: 'fill_site_mismatch' }, host: '127.0.0.1' });
    assert.equal((await pageData()).value, '');
    const filled = await send({ type: 'accounts.fill', id: unbound, tabId, confirmedHost: '127.0.0.1' });
    assert.deepEqual(filled, { ok: true, host: '127.0.0.1', frameId: 0 });
    let data = await until(pageData, (d) => d.verdict !== undefined, { what: "the page's verdict" });
    assert.equal(data.received, totp(SECRETS.unbound, PINNED));
    assert.equal(data.verdict, 'ok');

    await add('bound', ['127.0.0.1']);
    tabId = await openFixture(SECRETS.bound);
    const command = await send({ type: 'test.fillTrigger', trigger: 'command', tabId });
    assert.equal(command.action, 'filled', JSON.stringify(command));
    data = await until(pageData, (d) => d.verdict !== undefined, { what: "the page's verdict" });
    assert.equal(data.received, totp(SECRETS.bound, PINNED));
    assert.equal(data.verdict, 'ok');
  });
});
