// Example: signing into a TOTP-protected page from a Playwright test with the Node package
// (dist/npm, @tessera-auth/otp), the way a web developer's own test suite would. No extension is
// involved. The fixture page (tests/fixtures/signin.html) checks codes with its own WebCrypto TOTP,
// accepting one step either side; `?now=<ms>` pins its clock.
//
// Two ways to keep such a test from failing when it runs at the end of a 30-second step:
//   1. pin the time on both sides (here: ?now= for the page, unixMs for the package), or
//   2. use the real clock, and wait for the next step when fewer than 2 s are left in this one.
// See docs/testing-sign-in.md. Skips only when /usr/bin/chromium is absent; fails when dist/npm is.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { serveFixtures } from '../fixtures/server.mjs';
import { CHROMIUM, ROOT } from './helpers.mjs';

const PACKAGE = path.join(ROOT, 'dist/npm/index.js');
if (!fs.existsSync(PACKAGE)) throw new Error('dist/npm is missing: run scripts/build.sh first');
// In a user's suite: import { totp } from '@tessera-auth/otp';
const { totp } = await import(pathToFileURL(PACKAGE).href);

/** The demo account the fixture page signs in (its secret is public test data). */
const SECRET = 'JBSWY3DPEHPK3PXP';
const STEP_MS = 30_000;
/** 2030-01-01T12:00:15Z: 15 s into a step (any fixed instant works). */
const PINNED = Date.UTC(2030, 0, 1, 12, 0, 15);

describe('Playwright sign-in with @tessera-auth/otp', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let server, browser, page;

  before(async () => {
    const { chromium } = await import('playwright-core');
    server = await serveFixtures();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the page (with its clock pinned when `now` is given), submits `code`, returns the result. */
  async function signIn(code, now) {
    await page.goto(`${server.url}/signin.html${now === undefined ? '' : `?now=${now}`}`);
    await page.fill('#otp', code);
    await page.click('button[type=submit]');
    await page.waitForSelector('#result:not(:empty)');
    return { text: await page.textContent('#result'), className: await page.getAttribute('#result', 'class') };
  }

  it('pinned clock: the code for the same instant signs in', async () => {
    const result = await signIn(totp(SECRET, { unixMs: PINNED }), PINNED);
    assert.deepEqual(result, { text: 'Verified: signed in.', className: 'ok' });
  });

  it('real clock: waits out the last 2 s of a step, then signs in', async () => {
    const left = STEP_MS - (Date.now() % STEP_MS);
    if (left < 2_000) await new Promise((r) => setTimeout(r, left + 50));
    const result = await signIn(totp(SECRET));
    assert.deepEqual(result, { text: 'Verified: signed in.', className: 'ok' });
  });

  it('a wrong code is rejected', async () => {
    // Any code but the three the page accepts at PINNED (its step and one either side).
    const accepted = [-1, 0, 1].map((d) => totp(SECRET, { unixMs: PINNED + d * STEP_MS }));
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !accepted.includes(c));
    const result = await signIn(wrong, PINNED);
    assert.deepEqual(result, { text: 'Wrong code.', className: 'bad' });
  });

  it("the page's one-step window, seen from a step boundary", async () => {
    // At the first millisecond of a step the page accepts the previous step's code but not the
    // one before it, nor (from the other side) the step after next.
    const boundary = PINNED - (PINNED % STEP_MS);
    const at = (ms) => totp(SECRET, { unixMs: ms });
    assert.equal((await signIn(at(boundary - 1), boundary)).className, 'ok');
    assert.equal((await signIn(at(boundary + STEP_MS), boundary)).className, 'ok');
    assert.equal((await signIn(at(boundary - STEP_MS - 1), boundary)).className, 'bad');
    assert.equal((await signIn(at(boundary + 2 * STEP_MS), boundary)).className, 'bad');
  });
});
