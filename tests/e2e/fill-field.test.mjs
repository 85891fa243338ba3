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

  /** Puts `html` in a fresh form, runs fillCode(code), returns {result, values by id}. */
  async function fill(html, host = '127.0.0.1', code = '123456', options = undefined) {
    return page.evaluate(async ([html, source, host, code, options]) => {
      document.body.innerHTML = `<form>${html}</form>`;
      const fillCode = new Function(`${source}; return fillCode;`)();
      const result = await fillCode(code, host, options);
      const values = Object.fromEntries([...document.querySelectorAll('input')].map((el) => [el.id, el.value]));
      return { result, values };
    }, [html, source, host, code, options]);
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

  it('reads labels, aria-labelledby and Dutch words', async () => {
    let { result, values } = await fill('<label for="a">Naam</label><input id="a"><label for="b">Beveiligingscode</label><input id="b">');
    assert.deepEqual(result, { filled: true });
    assert.deepEqual(values, { a: '', b: '123456' });
    ({ values } = await fill('<span id="l">Enter your authentication code</span><input id="x" aria-labelledby="l"><input id="y">'));
    assert.deepEqual(values, { x: '123456', y: '' });
    ({ values } = await fill('<label>Postcode <input id="pc" maxlength="6"></label><label>Eenmalige code <input id="ec"></label>'));
    assert.deepEqual(values, { pc: '', ec: '123456' });
  });

  it('takes inputmode="numeric" with maxlength 6–8 without words, but not a field too short for the code', async () => {
    let { values } = await fill('<input id="n" inputmode="numeric" maxlength="6"><input id="t">');
    assert.deepEqual(values, { n: '123456', t: '' });
    ({ values } = await fill('<input id="plain" maxlength="6">'));
    assert.deepEqual(values, { plain: '' }, 'no words, no inputmode: not a code field');
    const { result } = await fill('<input id="short" name="otp" maxlength="4">');
    assert.deepEqual(result, { filled: false, reason: 'no_field' });
  });

  it('puts one character into each of as many one-character boxes as the code has', async () => {
    const boxes = (n) => Array.from({ length: n }, (_, i) => `<input id="b${i}" maxlength="1" inputmode="numeric">`).join('');
    let { result, values } = await fill(boxes(6));
    assert.deepEqual(result, { filled: true });
    assert.deepEqual(Object.values(values), ['1', '2', '3', '4', '5', '6']);
    ({ result, values } = await fill(boxes(8), '127.0.0.1', '12345678'));
    assert.deepEqual(result, { filled: true });
    assert.equal(Object.values(values).join(''), '12345678');
    ({ result } = await fill(boxes(4)));
    assert.deepEqual(result, { filled: false, reason: 'no_field' }, 'four boxes cannot hold six digits');
  });

  it('probes without a code: the frame URL and whether a field is there', async () => {
    const probe = (html) => page.evaluate(async ([html, source]) => {
      document.body.innerHTML = `<form>${html}</form>`;
      return new Function(`${source}; return fillCode;`)()(null, null);
    }, [html, source]);
    assert.deepEqual(await probe('<input autocomplete="one-time-code">'), { url: `${server.url}/signin.html`, found: true });
    assert.deepEqual(await probe('<input name="email" type="email">'), { url: `${server.url}/signin.html`, found: false });
  });

  it('refuses when the page is on another scheme than the worker checked', async () => {
    const { result, values } = await fill('<input id="otp" autocomplete="one-time-code">', '127.0.0.1', '123456', { protocol: 'https:' });
    assert.deepEqual(result, { filled: false, reason: 'host_changed' });
    assert.equal(values.otp, '');
  });

  it('automatic filling (onlyEmpty) leaves a field the user typed in alone', async () => {
    let { result, values } = await fill('<input id="otp" autocomplete="one-time-code" value="12">', '127.0.0.1', '123456', { onlyEmpty: true });
    assert.deepEqual(result, { filled: false, reason: 'not_empty' });
    assert.equal(values.otp, '12');
    ({ result, values } = await fill('<input id="otp" autocomplete="one-time-code">', '127.0.0.1', '123456', { onlyEmpty: true }));
    assert.deepEqual(result, { filled: true });
    assert.equal(values.otp, '123456');
  });
});
