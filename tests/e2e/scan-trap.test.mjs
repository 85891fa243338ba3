// The QR decoder runs in a wasm instance of its own inside a dedicated Web Worker
// (extension/qr/decoder-worker.js, started by extension/qr/client.js). A trap of that instance (a
// panic is `unreachable` under panic = "abort"), a hung decode, or the worker's error must cost
// only that worker: the caller gets a coded error, the next decode runs in a fresh worker, and the
// vault in the service worker never notices.
//
// The test build's decoder (crate/qr-wasm, feature test-trap, bound by scripts/build.sh --test)
// panics for the pixel kind "test-trap"; the shipped module refuses that kind (checked below
// under node on dist/chrome's own file). Images come from zxing-cpp's encoder (zxing-wasm/writer);
// the expected code from node:crypto.
// Needs `scripts/build.sh --test`. The browser part skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CHROMIUM, dist, launchChromium, requireBuild } from './helpers.mjs';
import { totpCode } from './truth.mjs';

const URI = 'otpauth://totp/Trap%20Test:kim%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Trap%20Test';
const SECRET_ASCII = '12345678901234567890'; // the base32 above (RFC 6238's SHA1 seed)
const PINNED_MS = 1_111_111_109_000; // RFC 6238 Appendix B: 07081804 (8 digits), so 081804 for 6

const totp6 = (ms) => totpCode(Buffer.from(SECRET_ASCII), ms);

async function qrPng(text) {
  const require = createRequire(import.meta.url);
  const writer = await import('zxing-wasm/writer');
  await writer.prepareZXingModule({
    overrides: { wasmBinary: fs.readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm')) },
    fireImmediately: true,
  });
  const result = await writer.writeBarcode(text, { format: 'QRCode', scale: 4 });
  assert.equal(result.error, '');
  return Buffer.from(await result.image.arrayBuffer());
}

describe('the shipped QR decoder module has no trap', () => {
  it('refuses the kind "test-trap" like any unknown kind (dist/chrome, under node)', async () => {
    const dir = path.join(requireBuild(dist('chrome')), 'extension/qr/pkg');
    const mod = await import(pathToFileURL(path.join(dir, 'tessera_qr_wasm.js')).href);
    mod.initSync({ module: fs.readFileSync(path.join(dir, 'tessera_qr_wasm_bg.wasm')) });
    assert.throws(() => mod.decodeQr(new Uint8Array(4), 1, 1, 'test-trap'), { message: 'qr_kind_invalid' });
    // …and still works afterwards (no trap happened).
    assert.deepEqual(mod.decodeQr(new Uint8Array(64 * 64).fill(255), 64, 64, 'luma'), []);
  });
});

describe('Chromium: a trapped QR decoder is replaced and the vault is unaffected', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let sw;
  let page;

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')));
    [sw] = browser.ctx.serviceWorkers();
    page = browser.page;
    await page.goto(`chrome-extension://${browser.extensionId}/extension/scan/scan.html?image`);
    await page.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), PINNED_MS);
  });

  after(async () => {
    await browser?.close();
  });

  it('answers a trap with qr_decoder_crashed, decodes the next image in a new instance, and the vault keeps working', async () => {
    const added = await page.evaluate(() => chrome.runtime.sendMessage({
      type: 'accounts.add',
      account: { type: 'totp', issuer: 'Before Trap', account: 'kim@example.com', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
    }));
    assert.equal(added.ok, true, JSON.stringify(added));
    // A mark on the service worker's global: it must still be there at the end (same worker).
    await sw.evaluate(() => { globalThis.__scanTrapMark = 'still here'; });

    const png = (await qrPng(URI)).toString('base64');
    const result = await page.evaluate(async (b64) => {
      const client = await import('/extension/qr/client.js');
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      context.drawImage(bitmap, 0, 0);
      const image = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const outcome = async (promise) => promise.then((texts) => ({ texts }), (error) => ({ code: error.code, name: error.name }));
      const steps = {};
      steps.first = await outcome(client.decodeImageData(image));
      steps.afterFirst = client.decoderStats();
      steps.trap = await outcome(client.decodePixels(new Uint8Array(4), 1, 1, 'test-trap'));
      steps.afterTrap = client.decoderStats();
      steps.second = await outcome(client.decodeImageData(image));
      steps.afterSecond = client.decoderStats();
      // A decode that does not answer in time (1 ms for a 16 Mpx image) is abandoned the same way.
      steps.slow = await outcome(client.decodePixels(new Uint8Array(4000 * 4000).fill(255), 4000, 4000, 'luma', { timeout: 1 }));
      steps.afterSlow = client.decoderStats();
      steps.third = await outcome(client.decodeImageData(image));
      steps.afterThird = client.decoderStats();
      return steps;
    }, png);

    assert.deepEqual(result.first, { texts: [URI] });
    assert.deepEqual(result.afterFirst, { started: 1, running: true });
    assert.deepEqual(result.trap, { code: 'qr_decoder_crashed', name: 'QrDecodeError' });
    assert.deepEqual(result.afterTrap, { started: 1, running: false }, 'the trapped worker is gone');
    assert.deepEqual(result.second, { texts: [URI] }, 'the next image is decoded');
    assert.deepEqual(result.afterSecond, { started: 2, running: true }, '…by a new worker');
    assert.deepEqual(result.slow, { code: 'qr_timeout', name: 'QrDecodeError' });
    assert.deepEqual(result.afterSlow, { started: 2, running: false });
    assert.deepEqual(result.third, { texts: [URI] });
    assert.deepEqual(result.afterThird, { started: 3, running: true });

    // The vault and its service worker did not notice.
    assert.equal(await sw.evaluate(() => globalThis.__scanTrapMark), 'still here');
    const list = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'accounts.list' }));
    assert.equal(list.ok, true, JSON.stringify(list));
    const account = list.accounts.find((a) => a.issuer === 'Before Trap');
    assert.ok(account);
    assert.equal(account.code, totp6(PINNED_MS));
    assert.equal(account.code, '081804'); // RFC 6238 Appendix B's 07081804, last six digits
  });
});
