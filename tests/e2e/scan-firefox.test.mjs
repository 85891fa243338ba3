// The scan page's "Add from image" in Firefox: the shipped build (dist/firefox) in headless Firefox
// ESR through geckodriver. The QR decoder's module worker and its own wasm instance load in
// Firefox; a PNG rendered by zxing-cpp's encoder (zxing-wasm/writer) for an HOTP URI with the
// RFC 4226 Appendix D secret is chosen in the file picker, confirmed and stored; the code shown
// and stored is Appendix D's (HOTP needs no clock, and the shipped build has no clock pin).
// Skips only when Firefox or geckodriver is not installed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { By } from 'selenium-webdriver';
import { RFC4226, dist, firefoxMissing, launchFirefox, message, requireBuild, until } from './helpers.mjs';

const UUID = '11111111-2222-4333-8444-777777777777';
const COUNTER = 3;
const URI = `otpauth://hotp/RFC%204226:scan%40example.com?secret=${RFC4226.secret}&issuer=RFC%204226&counter=${COUNTER}`;

async function qrPng(text) {
  const require = createRequire(import.meta.url);
  const writer = await import('zxing-wasm/writer');
  await writer.prepareZXingModule({
    overrides: { wasmBinary: fs.readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm')) },
    fireImmediately: true,
  });
  const result = await writer.writeBarcode(text, { format: 'QRCode', scale: 5 });
  assert.equal(result.error, '');
  return Buffer.from(await result.image.arrayBuffer());
}

describe('Firefox: add an account from an image file (shipped build)', { skip: firefoxMissing || false }, () => {
  let driver;
  let dir;
  const text = async (selector) => (await driver.findElement(By.css(selector))).getAttribute('textContent');
  const visible = async (selector) => (await driver.findElement(By.css(selector))).isDisplayed();
  const send = (msg) => driver.executeAsyncScript('const done = arguments[arguments.length - 1]; browser.runtime.sendMessage(arguments[0]).then(done, (e) => done({ thrown: String(e) }));', msg);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-scan-ff-'));
    driver = await launchFirefox(requireBuild(dist('firefox')), UUID);
  });

  after(async () => {
    await driver?.quit();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('decodes the chosen image in the decoder worker, confirms, and stores the account', async () => {
    const file = path.join(dir, 'code.png');
    fs.writeFileSync(file, await qrPng(URI));
    await driver.get(`moz-extension://${UUID}/extension/scan/scan.html?image`);
    await until(() => text('#image-title'), (t) => t === message('scanImageTitle'), { what: 'the scan page' });
    await driver.findElement(By.css('#image-file')).sendKeys(file);
    await until(async () => (await visible('#confirm')) || (await text('#scan-error')), Boolean, { timeout: 30_000, what: 'the confirmation' });
    assert.equal(await text('#scan-error'), '');
    assert.equal(await text('#confirm-issuer'), 'RFC 4226');
    assert.equal(await text('#confirm-account'), 'scan@example.com');
    assert.equal((await text('#confirm-code')).replace(/\s/g, ''), RFC4226.codes[COUNTER]);
    await driver.findElement(By.css('#confirm-save')).click();
    await until(() => text('#result-message'), (t) => t !== '', { timeout: 30_000, what: 'the saved message' });
    assert.equal(await text('#result-message'), message('scanAdded', ['RFC 4226: scan@example.com']));
    const list = await send({ type: 'accounts.list' });
    assert.equal(list.ok, true, JSON.stringify(list));
    const stored = list.accounts.find((a) => a.issuer === 'RFC 4226');
    assert.ok(stored);
    assert.equal(stored.account, 'scan@example.com');
    assert.equal(stored.code, RFC4226.codes[COUNTER]);
  });
});
