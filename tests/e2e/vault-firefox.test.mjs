// The encrypted vault in Firefox: the shipped build (dist/firefox, no test hooks, so new passwords
// use the real 600,000 PBKDF2 iterations) in headless Firefox ESR through geckodriver. Sets a
// password in the options page, locks in the popup, refuses a wrong password, and after the right
// one shows the RFC 4226 Appendix D code (HOTP needs no clock).
// Skips only when Firefox or geckodriver is not installed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { By } from 'selenium-webdriver';
import { OPTIONS_PATH, POPUP_PATH, RFC4226, dist, firefoxMissing, launchFirefox, message, requireBuild, until } from './helpers.mjs';

const UUID = '11111111-2222-4333-8444-666666666666';
const PASSWORD = 'correct horse battery staple';

describe('Firefox: the encrypted vault (shipped build)', { skip: firefoxMissing || false }, () => {
  let driver;
  const text = async (selector) => (await driver.findElement(By.css(selector))).getAttribute('textContent');
  const visible = async (selector) => (await driver.findElement(By.css(selector))).isDisplayed();
  const type = async (selector, value) => {
    const el = await driver.findElement(By.css(selector));
    await el.clear();
    await el.sendKeys(value);
  };
  const click = async (selector) => (await driver.findElement(By.css(selector))).click();
  /** A message to the background from the extension page, as the popup sends it. */
  const send = (msg) => driver.executeAsyncScript('const done = arguments[arguments.length - 1]; browser.runtime.sendMessage(arguments[0]).then(done, (e) => done({ thrown: String(e) }));', msg);

  before(async () => {
    driver = await launchFirefox(requireBuild(dist('firefox')), UUID);
  });

  after(async () => {
    await driver?.quit();
  });

  it('set a password, lock, refuse a wrong password, unlock and show the RFC 4226 code', async () => {
    await driver.get(`moz-extension://${UUID}/${OPTIONS_PATH}`);
    await until(() => text('#password-status'), (t) => t === message('passwordStatusNone'), { what: 'no password yet' });
    const added = await send({ type: 'accounts.add', account: { type: 'hotp', issuer: 'RFC 4226', account: 'd', secret: RFC4226.secret, algorithm: 'SHA1', digits: 6, period: 30, counter: 6 } });
    assert.equal(added.ok, true, JSON.stringify(added));

    await type('#new-password', PASSWORD);
    await type('#confirm-password', PASSWORD);
    await click('#password-submit');
    await until(() => text('#password-status'), (t) => t === message('passwordStatusSet'), { timeout: 30_000, what: 'the password set' });
    const stored = await driver.executeAsyncScript('const done = arguments[0]; browser.storage.local.get(null).then((a) => done(JSON.stringify(a)));');
    assert.equal(stored.includes(RFC4226.secret), false);
    assert.equal(stored.includes('otpauth'), false);

    await driver.get(`moz-extension://${UUID}/${POPUP_PATH}`);
    await until(() => visible('#lock-button'), Boolean, { what: 'the lock button' });
    await click('#lock-button');
    await until(() => visible('#unlock-form'), Boolean, { what: 'the unlock form' });
    assert.deepEqual(await send({ type: 'accounts.list' }), { ok: false, error: { code: 'vault_locked' } });

    await type('#unlock-password', 'wrong password');
    await click('#unlock-submit');
    assert.equal(await until(() => text('#unlock-error'), (t) => t !== '' && t !== message('working'), { timeout: 30_000, what: 'an error' }), message('err_vault_decrypt'));

    await type('#unlock-password', PASSWORD);
    await click('#unlock-submit');
    const codes = await until(
      () => driver.findElements(By.css('#accounts .tile .code')).then((els) => Promise.all(els.map((e) => e.getAttribute('textContent')))),
      (c) => c.length === 1,
      { timeout: 30_000, what: 'the tile after unlocking' },
    );
    assert.equal(codes[0].replace(/ /g, ''), RFC4226.codes[6]);
  });
});
