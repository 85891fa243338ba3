// Messages are routed by trust (issue 13, STYLE 12): from a content-script context, every request
// the worker knows (vault, accounts, import, export, fill and the test build's hooks) is refused
// with not_allowed, and nothing stored changes; the same requests from our own page are answered.
// The content-script context is real: chrome.scripting.executeScript in the isolated world of a
// web page served over http, in the top frame and in a same-origin iframe (the test build has host
// access for this; the shipped one has none). The request types are read from the sources
// (lib/messaging.js, the worker's register() calls and background.js's cases), so a new request is
// covered without editing this test.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serveFixtures } from '../fixtures/server.mjs';
import { CHROMIUM, OPTIONS_PATH, ROOT, dist, launchChromium, requireBuild } from './helpers.mjs';

const PASSWORD = 'content scripts must not know this';
const SECRET = 'JBSWY3DPEHPK3PXP';

/** Every request type in the extension's sources. */
function requestTypes() {
  const read = (f) => fs.readFileSync(path.join(ROOT, 'extension', f), 'utf8');
  const types = new Set();
  for (const [, t] of read('lib/messaging.js').matchAll(/^\s+[A-Z_]+: '([a-zA-Z.]+)',$/gm)) types.add(t);
  for (const f of fs.readdirSync(path.join(ROOT, 'extension/worker')).filter((f) => f.endsWith('.js'))) {
    for (const [, t] of read(`worker/${f}`).matchAll(/register\('([a-zA-Z.]+)'/g)) types.add(t);
  }
  for (const [, t] of read('background.js').matchAll(/case '([a-zA-Z.]+)':/g)) types.add(t);
  return [...types].sort();
}

/** A harmful request of each type: what a hostile page would send if it could. */
function payload(type, fillTab) {
  const account = { type: 'totp', issuer: 'Evil', account: 'x', secret: SECRET, algorithm: 'SHA1', digits: 6, period: 30, counter: 0, sites: ['evil.test'] };
  const fields = {
    'accounts.add': { account },
    'accounts.fill': { id: '0000000000000000', tabId: fillTab },
    'accounts.update': { id: '0000000000000000', details: { issuer: 'Evil' } },
    'vault.unlock': { password: PASSWORD },
    'vault.setPassword': { password: 'evil', current: PASSWORD },
    'vault.removePassword': { current: PASSWORD },
    'vault.setAutolock': { minutes: 0 },
    'vault.import': { data: 'VFNSVkFVTFQ=', password: 'x' },
    'import.file': { name: 'x.txt', data: Buffer.from(`otpauth://totp/Evil:x?secret=${SECRET}`).toString('base64') },
    'test.idleState': { state: 'locked' },
    'test.fillTrigger': { tabId: fillTab },
  };
  return { type, ...(fields[type] ?? {}) };
}

describe('Chromium: requests from a content script are refused', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let server;
  let ext;
  const send = (msg) => ext.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  const snapshot = () => ext.evaluate(async () => ({ local: await chrome.storage.local.get(null), session: await chrome.storage.session.get(null) }));

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')));
    server = await serveFixtures(0);
    ext = browser.page;
    await ext.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
    await ext.evaluate(async () => {
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
      await chrome.storage.local.set({ 'test.iterations': 10_000 });
    });
    const added = await send({ type: 'accounts.add', account: { type: 'totp', issuer: 'Own', account: 'me', secret: SECRET, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 } });
    assert.equal(added.ok, true, JSON.stringify(added));
    assert.equal((await send({ type: 'vault.setPassword', password: PASSWORD })).ok, true);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('finds the request types in the sources', () => {
    const types = requestTypes();
    for (const t of ['accounts.list', 'accounts.add', 'accounts.fill', 'vault.unlock', 'vault.export', 'vault.import', 'import.file', 'test.idleState']) {
      assert.ok(types.includes(t), `${t} in ${types}`);
    }
  });

  it('every request from the isolated world of a page and of its iframe gets not_allowed, and nothing changes', async () => {
    const page = await browser.ctx.newPage();
    const url = `${server.url.replace(/\/$/, '')}/fill/iframe-same.html`;
    await page.goto(url);
    await page.waitForLoadState('load');
    const tabId = await ext.evaluate(async (u) => (await chrome.tabs.query({ url: u }))[0]?.id, url);
    assert.ok(Number.isInteger(tabId), `tab of ${url}`);
    const requests = requestTypes().map((t) => payload(t, tabId));
    const before = await snapshot();
    const ownCount = (await send({ type: 'accounts.count' })).count;

    const results = await ext.evaluate(
      async ({ tabId, requests }) =>
        chrome.scripting.executeScript({
          target: { tabId, allFrames: true },
          world: 'ISOLATED',
          args: [requests],
          func: async (requests) => {
            const answers = {};
            for (const r of requests) {
              try {
                answers[r.type] = await chrome.runtime.sendMessage(r);
              } catch (e) {
                answers[r.type] = { threw: String(e) };
              }
            }
            return { url: location.href, answers };
          },
        }),
      { tabId, requests },
    );
    assert.equal(results.length, 2, 'the top frame and the iframe');
    assert.ok(results.some((r) => r.result.url.includes('/fill/inner.html')), 'one answer from the iframe');
    for (const { result } of results) {
      for (const r of requests) {
        assert.deepEqual(result.answers[r.type], { ok: false, error: { code: 'not_allowed' } }, `${r.type} from ${result.url}`);
      }
    }

    const afterwards = await snapshot();
    assert.deepEqual(afterwards.local, before.local, 'storage.local unchanged');
    assert.deepEqual(afterwards.session, before.session, 'storage.session unchanged (still unlocked, same key)');
    // Our own page is answered (so the refusals above are about the sender, not broken requests).
    assert.equal((await send({ type: 'accounts.count' })).count, ownCount);
    const status = await send({ type: 'vault.status' });
    assert.equal(status.ok, true);
    assert.equal(status.locked, false, 'the refused vault.lock did not lock');
    assert.equal(status.protected, true, 'the refused vault.removePassword did not remove it');
    await page.close();
  });

  it("a page's own scripts cannot reach the extension at all (no externally_connectable)", async () => {
    const page = await browser.ctx.newPage();
    await page.goto(`${server.url.replace(/\/$/, '')}/fill/plain.html`);
    const reachable = await page.evaluate(
      (id) => typeof globalThis.chrome?.runtime?.sendMessage === 'function' && id,
      browser.extensionId,
    );
    assert.equal(reachable, false, 'chrome.runtime.sendMessage is not exposed to web pages');
    await page.close();
  });
});
