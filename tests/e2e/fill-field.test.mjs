// The content script's field finder (extension/content/fill.js) on hand-made forms in real
// Chromium: which field gets the code, and which never do. No extension needed: the function is
// evaluated in a page served on 127.0.0.1, as chrome.scripting would run it there.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM, ROOT } from './helpers.mjs';
import { serveFixtures } from '../fixtures/server.mjs';

const source = fs.readFileSync(`${ROOT}/extension/content/fill.js`, 'utf8').replace(/^export /m, '');

describe('content script: finding the code field', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser, page, server;
  before(async () => {
    server = await serveFixtures();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    page = await browser.newPage();
    await page.goto(`${server.url}/signin.html`);
  });
  after(async () => { await browser?.close(); await server?.close(); });

  /** Puts `html` in a fresh form, runs fillCode('123456'), returns {result, values by id}. */
  async function fill(html, host = '127.0.0.1') {
    return page.evaluate(async ([html, source, host]) => {
      document.body.innerHTML = `<form>${html}</form>`;
      const fillCode = new Function(`${source}; return fillCode;`)();
      const result = await fillCode('123456', host);
      const values = Object.fromEntries([...document.querySelectorAll('input')].map((el) => [el.id, el.value]));
      return { result, values };
    }, [html, source, host]);
  }

  it('prefers autocomplete="one-time-code" over a field named like a code', async () => {
    const { result, values } = await fill('<input id="code" name="code"><input id="otp" autocomplete="one-time-code">');
    assert.deepEqual(result, { filled: true });
    assert.deepEqual(values, { code: '', otp: '123456' });
  });

  it('passes over postal, phone and promo codes to the verification code', async () => {
    const { result, values } = await fill(
      '<input id="postcode" name="postcode" maxlength="6"><input id="zip" name="zip_code">' +
      '<input id="promo" placeholder="Promo code"><input id="tel" name="code" autocomplete="tel">' +
      '<input id="vc" name="verification_code" maxlength="6">');
    assert.deepEqual(result, { filled: true });
    assert.deepEqual(values, { postcode: '', zip: '', promo: '', tel: '', vc: '123456' });
  });

  it('never fills password, hidden, disabled, read-only or invisible fields', async () => {
    const { result, values } = await fill(
      '<input id="a" type="password" name="otp"><input id="b" type="hidden" name="otp">' +
      '<input id="c" name="otp" disabled><input id="d" name="otp" readonly>' +
      '<input id="e" name="otp" style="display:none"><input id="f" name="otp" style="visibility:hidden">');
    assert.deepEqual(result, { filled: false, reason: 'no_field' });
    assert.ok(Object.values(values).every((v) => v === ''));
  });

  it('refuses when the page is not on the host the worker checked', async () => {
    const { result, values } = await fill('<input id="otp" autocomplete="one-time-code">', 'example.com');
    assert.deepEqual(result, { filled: false, reason: 'host_changed' });
    assert.equal(values.otp, '');
  });
});
