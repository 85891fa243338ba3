// Firefox smoke test: the shipped build (dist/firefox) installed in headless Firefox ESR through
// geckodriver; the popup page renders localized text and shows the RFC 4226 Appendix D code of an
// account added through its form (HOTP needs no clock, so no test hook is involved).
// Skips only when Firefox or geckodriver is not installed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { By, until as seleniumUntil } from 'selenium-webdriver';
import { POPUP_PATH, RFC4226, dist, firefoxMissing, launchFirefox, message, requireBuild, until } from './helpers.mjs';

const UUID = '11111111-2222-4333-8444-555555555555';

describe('Firefox: shipped build', { skip: firefoxMissing || false }, () => {
  let driver;

  before(async () => {
    driver = await launchFirefox(requireBuild(dist('firefox')), UUID);
  });

  after(async () => {
    await driver?.quit();
  });

  it('renders the popup in English and shows the RFC 4226 code of an added HOTP account', async () => {
    await driver.get(`moz-extension://${UUID}/${POPUP_PATH}`);
    await driver.wait(seleniumUntil.elementIsNotVisible(await driver.findElement(By.id('loading'))), 15_000);
    const text = async (selector) => (await driver.findElement(By.css(selector))).getAttribute('textContent');
    assert.equal(await text('h1'), message('popupTitle'));
    assert.equal(await text('#empty'), message('emptyState'));
    assert.equal(await text('#add-toggle'), message('addAccount'));

    await driver.findElement(By.id('add-toggle')).click();
    await driver.findElement(By.css('#advanced summary')).click();
    await driver.findElement(By.css('#type option[value="hotp"]')).click();
    await driver.findElement(By.id('issuer')).sendKeys('RFC 4226');
    await driver.findElement(By.id('account')).sendKeys('appendix-d');
    const counter = driver.findElement(By.id('counter'));
    await counter.clear();
    await counter.sendKeys('5');
    await driver.findElement(By.id('secret')).sendKeys(RFC4226.secret);
    const want = RFC4226.codes[5];
    const preview = await until(() => text('#preview'), (t) => t.replace(/ /g, '') === want, { what: `preview ${want}` });
    assert.equal(preview, `${want.slice(0, 3)} ${want.slice(3)}`);

    await driver.findElement(By.id('add-submit')).click();
    const code = await until(
      () => driver.findElements(By.css('#accounts .tile .code')).then((els) => Promise.all(els.map((e) => e.getAttribute('textContent')))),
      (codes) => codes.length === 1,
      { what: 'one tile' },
    );
    assert.equal(code[0], preview, 'the tile shows the code the preview showed');
    assert.equal(await text('#accounts .tile .issuer'), 'RFC 4226');
    assert.equal(await text('#accounts .tile .countdown'), message('counterLabel', ['5']));
  });
});
