// Faults (issue 13, SECURITY.md "Reliability"): the worker stopped in the middle of an import or an
// unlock leaves a readable vault with nothing lost, in the real extension (dist/chrome-test,
// headless Chromium). The worker is stopped as Chrome stops an idle worker (CDP
// ServiceWorker.stopWorker). Saves interrupted after each write step use the test build's
// `test.savePause` (background.js), which holds the save at that point until the worker is stopped;
// tests/e2e/vault.test.mjs does the same for adding an account and setting a password.
// Codes are checked against RFC 6238 Appendix B, not against our own code.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CHROMIUM, OPTIONS_PATH, dist, launchChromium, requireBuild, rfc6238, stopWorker, until } from './helpers.mjs';

const RFC = rfc6238();
const PASSWORD = 'faults are not failures';

describe('Chromium: the worker stopped mid-operation', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let page;
  const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  const local = () => page.evaluate(() => chrome.storage.local.get(null));
  const generations = (all) => Object.keys(all).filter((k) => /^vault\.(0|[1-9][0-9]*)$/.test(k));
  const account = (mode) => ({ type: 'totp', issuer: `RFC ${mode}`, account: 'rfc@example.com', secret: RFC.seeds[mode], algorithm: mode, digits: 8, period: 30, counter: 0 });
  const code = (mode, time) => RFC.vectors.find((v) => v.mode === mode && v.time === time).totp;
  const uri = (mode) => `otpauth://totp/Imported%20${mode}:rfc%40example.com?secret=${RFC.seeds[mode]}&issuer=Imported%20${mode}&algorithm=${mode}&digits=8&period=30`;

  /** Issuers and codes at T = 59 of the vault as the worker reads it now (after unlocking). */
  async function contents() {
    const status = await send({ type: 'vault.status' });
    if (status.locked) assert.deepEqual(await send({ type: 'vault.unlock', password: PASSWORD }), { ok: true });
    const listed = await send({ type: 'accounts.list' });
    assert.equal(listed.ok, true, JSON.stringify(listed));
    return Object.fromEntries(listed.accounts.map((a) => [a.issuer, a.code]));
  }

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')));
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
    await send({ type: 'vault.lock' });
    await page.evaluate(async () => {
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
      await chrome.storage.local.set({ 'test.iterations': 10_000, 'test.clock': { ms: 59_000, running: false, setAt: Date.now() } });
    });
    assert.equal((await send({ type: 'accounts.add', account: account('SHA1') })).ok, true);
    assert.equal((await send({ type: 'vault.setPassword', password: PASSWORD })).ok, true);
  });

  for (const [pause, survives] of [['afterGeneration', 'old'], ['afterPointer', 'new']]) {
    it(`an import stopped mid-save (${pause}) leaves the ${survives} vault, readable with the password; importing again completes it`, async () => {
      const file = Buffer.from(`${uri('SHA256')}\n${uri('SHA512')}\n`).toString('base64');
      await page.evaluate((p) => chrome.storage.local.set({ 'test.savePause': p }), pause);
      page.evaluate((data) => chrome.runtime.sendMessage({ type: 'import.file', name: 'two.txt', data }), file).catch(() => {});
      await until(async () => generations(await local()).length, (n) => n === 2, { what: 'the new generation written' });
      await stopWorker({ ...browser, page });
      await page.evaluate(() => chrome.storage.local.remove('test.savePause'));
      // The session key survives a worker stop (vault.test.mjs); lock to prove the password opens it.
      await send({ type: 'vault.lock' });
      const expected = { 'RFC SHA1': code('SHA1', 59) };
      if (survives === 'new') Object.assign(expected, { 'Imported SHA256': code('SHA256', 59), 'Imported SHA512': code('SHA512', 59) });
      assert.deepEqual(await contents(), expected);
      await until(async () => generations(await local()).length, (n) => n === 1, { what: 'the next start to tidy' });
      // Nothing half-imported: the same file again adds exactly what is missing.
      const again = await send({ type: 'import.file', name: 'two.txt', data: file });
      assert.equal(again.ok, true, JSON.stringify(again));
      assert.equal(again.added.length, survives === 'new' ? 0 : 2);
      assert.equal(again.duplicates.length, survives === 'new' ? 2 : 0);
      assert.deepEqual(await contents(), {
        'RFC SHA1': code('SHA1', 59),
        'Imported SHA256': code('SHA256', 59),
        'Imported SHA512': code('SHA512', 59),
      });
    });
  }

  it('an unlock stopped while deriving the key changes nothing stored, and the vault unlocks afterwards', async () => {
    // 600,000 iterations, so the worker is still deriving when it is stopped.
    await page.evaluate(() => chrome.storage.local.remove('test.iterations'));
    assert.equal((await send({ type: 'vault.setPassword', password: PASSWORD, current: PASSWORD })).ok, true);
    await send({ type: 'vault.lock' });
    const stored = await local();
    page.evaluate((pw) => chrome.runtime.sendMessage({ type: 'vault.unlock', password: pw }), PASSWORD).catch(() => {});
    await stopWorker({ ...browser, page });
    // Wherever the stop landed, storage.local holds the same vault, and it opens.
    assert.deepEqual(generations(await local()), generations(stored));
    assert.deepEqual(await contents(), { 'RFC SHA1': code('SHA1', 59) });
    const after = await local();
    for (const key of generations(stored)) assert.equal(after[key], stored[key], `${key} unchanged`);
  });
});
