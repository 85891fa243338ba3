// Adding accounts by scanning (issue 6) and the QR decoder's own worker (issue 5): the real
// extension (dist/chrome-test) in headless Chromium. A fixture page (tests/fixtures/qr.html on
// 127.0.0.1) shows a QR code rendered here by zxing-cpp's encoder (zxing-wasm's writer, an encoder
// independent of ours) for a URI written here from the Key Uri Format; migration payloads are
// protobuf written here from Google Authenticator's schema. The expected codes come from
// node:crypto's HMAC (RFC 6238), never from the extension.
//
// The scan page is opened the way a window of its own opens it: extension/scan/scan.html?tab=<id>
// in a second window, so the fixture tab stays the visible tab of its window and is captured.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { serveFixtures } from '../fixtures/server.mjs';
import path from 'node:path';
import { CHROMIUM, ROOT, dist, launchChromium, message, requireBuild, until } from './helpers.mjs';
import { base32Encode, totpCode } from './truth.mjs';

const SCAN_PATH = 'extension/scan/scan.html';
const PINNED_MS = 1_763_000_010_000; // 10 s into a 30 s step: no step change during a test

// ---- Independent truth ----------------------------------------------------------------------------

/** A fresh account: random secret bytes and its otpauth URI (Key Uri Format). */
function newAccount(issuer, name) {
  const secret = crypto.randomBytes(20);
  const uri = `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(name)}?secret=${base32Encode(secret)}&issuer=${encodeURIComponent(issuer)}`;
  return { issuer, name, secret, uri };
}

// Google Authenticator's MigrationPayload (protobuf), written by hand from its published schema:
// OtpParameters{1 secret bytes, 2 name, 3 issuer, 4 algorithm (1 SHA1), 5 digits (1 six),
// 6 type (2 TOTP)}; MigrationPayload{1 otp_parameters*, 2 version, 3 batch_size, 4 batch_index, 5 batch_id}.
function varint(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}
const field = (no, bytes) => Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
const intField = (no, n) => Buffer.concat([varint(no << 3), varint(n)]);
function migrationUri(accounts, { batchSize, batchIndex, batchId }) {
  const params = accounts.map((a) => field(1, Buffer.concat([
    field(1, a.secret), field(2, Buffer.from(a.name)), field(3, Buffer.from(a.issuer)),
    intField(4, 1), intField(5, 1), intField(6, 2),
  ])));
  const payload = Buffer.concat([...params, intField(2, 1), intField(3, batchSize), intField(4, batchIndex), intField(5, batchId)]);
  return `otpauth-migration://offline?data=${encodeURIComponent(payload.toString('base64'))}`;
}

// QR images from zxing-cpp's encoder (zxing-wasm/writer), with the packaged .wasm (no CDN).
let writeBarcode;
async function loadWriter() {
  const require = createRequire(import.meta.url);
  const writer = await import('zxing-wasm/writer');
  await writer.prepareZXingModule({
    overrides: { wasmBinary: fs.readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm')) },
    fireImmediately: true,
  });
  writeBarcode = writer.writeBarcode;
}
/** A PNG of `text` as a QR code, `scale` px per module, with its quiet zone. */
async function qrPng(text, scale = 6) {
  const result = await writeBarcode(text, { format: 'QRCode', scale, ecLevel: 'M' });
  assert.equal(result.error, '', `zxing could not encode: ${result.error}`);
  return Buffer.from(await result.image.arrayBuffer());
}

// ---- The browser ----------------------------------------------------------------------------------

describe('Chromium: add accounts by scanning a QR code', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let server;
  let sw;
  let fixture;
  let fixtureTabId;

  const swEval = (fn, arg) => sw.evaluate(fn, arg);

  /** Shows `png` (and `png2`) on the fixture page, or no code for null, and waits until drawn. */
  async function show(png, classes = '', png2 = null) {
    await fixture.bringToFront();
    const src = (b) => (b ? `data:image/png;base64,${b.toString('base64')}` : null);
    await fixture.evaluate(async ({ srcs, classes }) => {
      document.body.className = classes;
      for (const [id, s] of [['qr', srcs[0]], ['qr2', srcs[1]]]) {
        const img = document.getElementById(id);
        if (s) {
          img.src = s;
          await img.decode();
        } else {
          img.removeAttribute('src');
        }
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    }, { srcs: [src(png), src(png2)], classes });
  }

  /** Drags on the scan page's capture from capture pixel (x0, y0) to (x1, y1). */
  async function dragOnCapture(scan, [x0, y0, x1, y1]) {
    await scan.locator('#region-canvas').scrollIntoViewIfNeeded();
    const stage = await scan.evaluate(() => {
      const c = document.getElementById('region-canvas');
      const r = c.getBoundingClientRect();
      return { left: r.left, top: r.top, k: r.width / c.width };
    });
    const at = (x, y) => [stage.left + x * stage.k, stage.top + y * stage.k];
    await scan.mouse.move(...at(x0, y0));
    await scan.mouse.down();
    await scan.mouse.move(...at((x0 + x1) / 2, (y0 + y1) / 2), { steps: 4 });
    await scan.mouse.move(...at(x1, y1), { steps: 4 });
    await scan.mouse.up();
  }

  /** Opens the scan page for the fixture tab in a second window (the fixture stays visible). */
  async function openScan(query = `tab=${fixtureTabId}`) {
    const url = `chrome-extension://${browser.extensionId}/${SCAN_PATH}?${query}`;
    const [page] = await Promise.all([
      browser.ctx.waitForEvent('page', { predicate: (p) => p.url().startsWith(url.split('?')[0]) }),
      swEval((u) => chrome.windows.create({ url: u, type: 'normal', focused: false }).then(() => true), url),
    ]);
    await page.waitForLoadState('domcontentloaded');
    return page;
  }

  const visible = (page, selector) => page.evaluate((s) => {
    const el = document.querySelector(s);
    return Boolean(el) && !el.closest('[hidden]');
  }, selector);
  const text = (page, selector) => page.evaluate((s) => document.querySelector(s).textContent, selector);

  /** Accounts in the vault (labels, codes, sites) asked from an extension page. */
  const accounts = async (page) => {
    const answer = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'accounts.list' }));
    assert.equal(answer.ok, true, JSON.stringify(answer));
    return answer.accounts;
  };

  async function waitForConfirm(scan) {
    await until(async () => (await visible(scan, '#confirm')) || (await text(scan, '#scan-error')), Boolean, { what: 'the confirmation', timeout: 30_000 });
    assert.equal(await text(scan, '#scan-error'), '', 'no error before the confirmation');
  }

  /** Confirms and saves the scanned account; checks the confirmation shows the right code. */
  async function confirmAndSave(scan, account, site) {
    await waitForConfirm(scan);
    assert.equal(await text(scan, '#confirm-issuer'), account.issuer);
    assert.equal(await text(scan, '#confirm-account'), account.name);
    assert.equal((await text(scan, '#confirm-code')).replace(/\s/g, ''), totpCode(account.secret, PINNED_MS));
    assert.equal(await scan.inputValue('#confirm-site'), site);
    // The secret is nowhere in the page's markup (attributes included).
    const html = await scan.evaluate(() => document.documentElement.outerHTML);
    assert.ok(!html.includes(base32Encode(account.secret)), 'the secret is not in the DOM');
    await scan.click('#confirm-save');
    await until(() => text(scan, '#result-message'), (t) => t !== '', { what: 'the saved message' });
    assert.equal(await text(scan, '#scan-error'), '');
    assert.equal(await text(scan, '#result-message'), message('scanAdded', [`${account.issuer}: ${account.name}`]));
  }

  function assertStored(all, account, sites) {
    const stored = all.find((a) => a.issuer === account.issuer && a.account === account.name);
    assert.ok(stored, `${account.issuer} is in the vault`);
    assert.equal(stored.code, totpCode(account.secret, PINNED_MS), 'its code is RFC 6238 of the scanned secret');
    assert.deepEqual(stored.sites, sites);
    return stored;
  }

  before(async () => {
    await loadWriter();
    server = await serveFixtures();
    browser = await launchChromium(requireBuild(dist('chrome-test')));
    [sw] = browser.ctx.serviceWorkers();
    fixture = browser.page;
    await fixture.goto(`${server.url}/qr.html`);
    fixtureTabId = await swEval((url) => chrome.tabs.query({ url }).then(([t]) => t.id), `${server.url}/qr.html`);
    await swEval((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), PINNED_MS);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('scans the page, confirms, and stores the account with the right code and the site', async () => {
    const account = newAccount('Example Bank', 'alice@example.com');
    await show(await qrPng(account.uri));
    const scan = await openScan();
    await confirmAndSave(scan, account, '127.0.0.1');
    assertStored(await accounts(scan), account, ['127.0.0.1']);
    await scan.close();
  });

  it('also scans when opened as a tab in front of the page (as the popup opens it)', async () => {
    const account = newAccount('Front Tab Ltd', 'max@example.com');
    await show(await qrPng(account.uri));
    const url = `chrome-extension://${browser.extensionId}/${SCAN_PATH}?tab=${fixtureTabId}`;
    const [scan] = await Promise.all([
      browser.ctx.waitForEvent('page', { predicate: (p) => p.url().startsWith(url.split('?')[0]) }),
      swEval((u) => chrome.tabs.create({ url: u }).then(() => true), url),
    ]);
    await confirmAndSave(scan, account, '127.0.0.1');
    assertStored(await accounts(scan), account, ['127.0.0.1']);
    // The scan page is in front again.
    const active = await swEval((id) => chrome.tabs.get(id).then((t) => chrome.tabs.query({ active: true, windowId: t.windowId })).then(([t]) => t.url), fixtureTabId);
    assert.equal(active, url);
    await scan.close();
  });

  it('reads a light-on-dark code on a dark page', async () => {
    const account = newAccount('Dark Mode Inc', 'bob@example.com');
    await show(await qrPng(account.uri), 'dark');
    const scan = await openScan();
    await confirmAndSave(scan, account, '127.0.0.1');
    assertStored(await accounts(scan), account, ['127.0.0.1']);
    await scan.close();
  });

  it('does not add the same account twice', async () => {
    const account = newAccount('Twice Ltd', 'carol@example.com');
    await show(await qrPng(account.uri));
    let scan = await openScan();
    await confirmAndSave(scan, account, '127.0.0.1');
    const before = (await accounts(scan)).length;
    await scan.close();
    scan = await openScan();
    await waitForConfirm(scan);
    await scan.click('#confirm-save');
    await until(() => text(scan, '#scan-error'), (t) => t !== '', { what: 'the duplicate error' });
    assert.equal(await text(scan, '#scan-error'), message('err_account_duplicate'));
    assert.equal((await accounts(scan)).length, before);
    await scan.close();
  });

  it('offers the region overlay when the visible page has no code; an empty region says so', async () => {
    await show(null);
    const scan = await openScan();
    await until(() => text(scan, '#scan-status'), (t) => t === message('scanNothingFound'), { what: 'nothing found', timeout: 30_000 });
    assert.ok(await visible(scan, '#region'), 'the region overlay is offered');
    assert.ok(await visible(scan, '#image'), 'Add from image is offered');
    await dragOnCapture(scan, [100, 100, 400, 300]);
    await until(() => text(scan, '#scan-status'), (t) => t === message('scanNothingInRegion'), { what: 'nothing in the region', timeout: 30_000 });
    await scan.close();
  });

  it('reads exactly the code in a dragged region, on a page zoomed to 150 % with two codes', async () => {
    const left = newAccount('Left Code', 'ivan@example.com');
    const right = newAccount('Right Code', 'judy@example.com');
    await show(await qrPng(left.uri, 4), 'two', await qrPng(right.uri, 4));
    await swEval((id) => chrome.tabs.setZoom(id, 1.5), fixtureTabId);
    try {
      // Where the right code is in the capture: CSS pixels times devicePixelRatio (zoom included).
      const where = await fixture.evaluate(() => {
        const r = document.getElementById('qr2').getBoundingClientRect();
        const k = devicePixelRatio;
        return { dpr: k, box: [r.left * k, r.top * k, r.right * k, r.bottom * k] };
      });
      assert.equal(where.dpr, 1.5);
      const scan = await openScan();
      await waitForConfirm(scan); // the whole capture found a code (either one)
      assert.ok(await visible(scan, '#region-button'));
      await scan.click('#region-button');
      assert.ok(await visible(scan, '#region'));
      assert.ok(!(await visible(scan, '#confirm')));
      const [x0, y0, x1, y1] = where.box;
      await dragOnCapture(scan, [x0 - 6, y0 - 6, x1 + 6, y1 + 6]);
      await confirmAndSave(scan, right, '127.0.0.1');
      // Only the region's code was read: nothing else is queued for confirmation.
      assert.ok(!(await visible(scan, '#confirm')));
      const all = await accounts(scan);
      assertStored(all, right, ['127.0.0.1']);
      assert.ok(!all.some((a) => a.issuer === left.issuer), 'the other code was not added');
      await scan.close();
    } finally {
      await swEval((id) => chrome.tabs.setZoom(id, 1), fixtureTabId);
    }
  });

  it('adds from an image file (file picker)', async () => {
    const account = newAccount('File Picker GmbH', 'erin@example.com');
    const scan = await openScan('image');
    assert.ok(await visible(scan, '#image'));
    await scan.setInputFiles('#image-file', { name: 'code.png', mimeType: 'image/png', buffer: await qrPng(account.uri) });
    await confirmAndSave(scan, account, '');
    assertStored(await accounts(scan), account, []);
    await scan.close();
  });

  it('adds from a pasted screenshot and from a dropped file', async () => {
    const pasted = newAccount('Pasted SA', 'frank@example.com');
    const dropped = newAccount('Dropped BV', 'grace@example.com');
    const scan = await openScan('image');
    // A paste event carrying an image file, as the browser delivers one for Ctrl+V of a screenshot.
    await scan.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, (await qrPng(pasted.uri)).toString('base64'));
    await confirmAndSave(scan, pasted, '');
    await scan.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      const zone = document.getElementById('drop-zone');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    }, (await qrPng(dropped.uri)).toString('base64'));
    await confirmAndSave(scan, dropped, '');
    const all = await accounts(scan);
    assertStored(all, pasted, []);
    assertStored(all, dropped, []);
    await scan.close();
  });

  it('imports a Google Authenticator export of two codes, remembering progress across closing', async () => {
    const first = [newAccount('Batch One', 'h1@example.com'), newAccount('Batch Two', 'h2@example.com')];
    const second = [newAccount('Batch Three', 'h3@example.com')];
    const batchId = 424242;
    await show(await qrPng(migrationUri(first, { batchSize: 2, batchIndex: 0, batchId })));
    let scan = await openScan();
    await until(() => visible(scan, '#migration'), Boolean, { what: 'the migration list', timeout: 30_000 });
    assert.equal(await text(scan, '#migration-title'), message('scanMigrationBatchTitle', ['1', '2']));
    assert.deepEqual(await scan.$$eval('#migration-list li', (lis) => lis.map((li) => li.textContent)), first.map((a) => `${a.issuer}: ${a.name}`));
    await scan.click('#migration-import');
    await until(() => text(scan, '#result-message'), (t) => t !== '', { what: 'the import message' });
    assert.equal(await text(scan, '#result-message'), `${message('scanMigrationDone', ['2'])} ${message('scanBatchNext', ['2', '2'])}`);
    await scan.close(); // the popup closes between the two codes

    await show(await qrPng(migrationUri(second, { batchSize: 2, batchIndex: 1, batchId })));
    scan = await openScan();
    assert.equal(
      await until(() => text(scan, '#batch-note'), (t) => t !== '', { what: 'the batch note' }),
      message('scanBatchProgress', ['1', '2', '2']),
    );
    await until(() => visible(scan, '#migration'), Boolean, { what: 'the second migration list', timeout: 30_000 });
    assert.equal(await text(scan, '#migration-title'), message('scanMigrationBatchTitle', ['2', '2']));
    await scan.click('#migration-import');
    await until(() => text(scan, '#result-message'), (t) => t !== '', { what: 'the import message' });
    assert.equal(await text(scan, '#result-message'), `${message('scanMigrationDone', ['1'])} ${message('scanBatchComplete', ['2'])}`);
    assert.ok(!(await visible(scan, '#batch-note')), 'no batch left in progress');
    const all = await accounts(scan);
    for (const a of [...first, ...second]) assertStored(all, a, []);
    await scan.close();
  });

  it('says a non-OTP QR code is not an authenticator code, showing its text', async () => {
    const url = 'https://example.com/welcome?ref=qr';
    await show(await qrPng(url));
    const scan = await openScan();
    const countBefore = (await accounts(scan)).length;
    await until(() => visible(scan, '#not-otp'), Boolean, { what: 'the not-OTP message', timeout: 30_000 });
    assert.equal(await text(scan, '#not-otp-text'), url);
    assert.equal(await text(scan, '#not-otp-title'), message('scanNotOtpTitle'));
    assert.equal((await accounts(scan)).length, countBefore);
    await scan.close();
  });

  it('says plainly when the page cannot be captured, and offers Add from image', async () => {
    // A browser page: no extension may capture it, whatever its host permissions.
    const tabId = await swEval(() => chrome.windows.create({ url: 'chrome://version/', type: 'normal', focused: false }).then((w) => w.tabs[0].id));
    const scan = await openScan(`tab=${tabId}`);
    await until(() => text(scan, '#scan-error'), (t) => t !== '', { what: 'the capture error', timeout: 30_000 });
    assert.equal(await text(scan, '#scan-error'), message('scanCaptureNotAllowed'));
    assert.ok(await visible(scan, '#image'), 'Add from image is offered');
    await scan.close();
    await swEval((id) => chrome.tabs.remove(id), tabId);
  });

  it('has no axe-core violations in its states (image only, confirmation, export list, not a code), light and dark', async () => {
    const axe = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    const scan = await openScan('image');
    const check = async (state) => {
      for (const scheme of ['light', 'dark']) {
        await scan.emulateMedia({ colorScheme: scheme });
        await scan.evaluate(axe); // through the DevTools protocol, which the page's CSP does not govern
        const found = await scan.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
          r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))));
        assert.deepEqual(found, [], `${state}, ${scheme}`);
      }
    };
    const choose = async (png) => {
      await scan.setInputFiles('#image-file', { name: 'code.png', mimeType: 'image/png', buffer: png });
    };
    await check('image only');
    await choose(await qrPng(newAccount('Axe Check', 'lee@example.com').uri));
    await waitForConfirm(scan);
    await check('confirmation');
    await scan.click('#confirm-cancel');
    await choose(await qrPng(migrationUri([newAccount('Axe One', 'm1@example.com')], { batchSize: 1, batchIndex: 0, batchId: 7 })));
    await until(() => visible(scan, '#migration'), Boolean, { what: 'the export list', timeout: 30_000 });
    await check('export list');
    await scan.click('#migration-cancel');
    await choose(await qrPng('WIFI:S:Cafe;T:WPA;P:not-a-secret;;'));
    await until(() => visible(scan, '#not-otp'), Boolean, { what: 'the not-OTP message', timeout: 30_000 });
    await check('not a code');
    await scan.close();
  });
});
