// verify from the built package at TOTP step boundaries and with windows. Truth is RFC 4226
// Appendix D: with the RFC seed, the 6-digit TOTP of step n (seconds 30n..30n+29) is HOTP(n).
import test from 'node:test';
import assert from 'node:assert/strict';
import { RFC4226 } from '../e2e/helpers.mjs';
import { otp, throwsTessera } from './package.mjs';

const SECRET = RFC4226.secret;
const STEP1 = RFC4226.codes[1]; // the code of seconds 30..59

test('verify: the code of step 1 at seconds 29, 30, 59 and 60 with windows 0 and 1', () => {
  const cases = [
    // [second, window, offset or null]
    [29, 0, null],
    [29, 1, 1], // one step early: the next code
    [30, 0, 0],
    [30, 1, 0],
    [59, 0, 0],
    [59, 1, 0],
    [60, 0, null],
    [60, 1, -1], // one step late: the previous code
    [90, 1, null],
    [0, 1, 1],
  ];
  for (const [t, window, want] of cases) {
    assert.equal(otp.verify(SECRET, STEP1, { unixMs: t * 1000, window }), want, `t = ${t}, window = ${window}`);
  }
  // Milliseconds round down: 59.999 s is still step 1, 29.999 s still step 0.
  assert.equal(otp.verify(SECRET, STEP1, { unixMs: 59_999, window: 0 }), 0);
  assert.equal(otp.verify(SECRET, STEP1, { unixMs: 29_999, window: 0 }), null);
});

test('verify: default window is one step either side; wider windows find farther codes', () => {
  assert.equal(otp.verify(SECRET, STEP1, { unixMs: 89_000 }), -1);
  assert.equal(otp.verify(SECRET, STEP1, { unixMs: 119_000 }), null);
  assert.equal(otp.verify(SECRET, STEP1, { unixMs: 119_000, window: 2 }), -2);
  assert.equal(otp.verify(SECRET, RFC4226.codes[9], { unixMs: 30_000, window: 8 }), 8);
  throwsTessera(assert, () => otp.verify(SECRET, STEP1, { window: 1001 }), 'otp_window_too_large', SECRET);
  throwsTessera(assert, () => otp.verify(SECRET, STEP1, { window: -1 }), 'options_invalid', SECRET);
});

test('verify: otpauth URIs carry digits, algorithm and period; spaces in the code are ignored', () => {
  // RFC 6238 Appendix B, SHA1 at T = 59: 94287082 (8 digits).
  const uri = `otpauth://totp/Example:alice@example.test?secret=${SECRET}&issuer=Example&digits=8`;
  assert.equal(otp.verify(uri, '94287082', { unixMs: 59_000, window: 0 }), 0);
  assert.equal(otp.verify(uri, '9428 7082', { unixMs: 59_000, window: 0 }), 0);
  assert.equal(otp.verify(uri, '287082', { unixMs: 59_000, window: 0 }), null);
  // period=60: second 119 is step 1.
  assert.equal(otp.verify(`otpauth://totp/x?secret=${SECRET}&period=60`, STEP1, { unixMs: 119_000, window: 0 }), 0);
});

test('verify: HOTP looks ahead of the counter only', () => {
  const uri = `otpauth://hotp/Example:alice?secret=${SECRET}&counter=3`;
  assert.equal(otp.verify(uri, RFC4226.codes[3], { window: 0 }), 0);
  assert.equal(otp.verify(uri, RFC4226.codes[5], { window: 2 }), 2);
  assert.equal(otp.verify(uri, RFC4226.codes[6], { window: 2 }), null);
  assert.equal(otp.verify(uri, RFC4226.codes[2], { window: 5 }), null);
});

test('verify: Steam codes compare without regard to case', () => {
  // KeePassXC testSteamTotp: FR8RV at 1511200518.
  const uri = 'steam://63BEDWCQZKTQWPESARIERL5DTTQFCJTK';
  assert.equal(otp.verify(uri, 'fr8rv', { unixMs: 1511200518_000, window: 0 }), 0);
});

test('verify: a bad secret or URI is a TesseraError without the secret', () => {
  throwsTessera(assert, () => otp.verify('GEZDGNBVGY3TQOJ1', '123456'), 'uri_invalid_secret', 'GEZDGNBV');
  throwsTessera(assert, () => otp.verify('https://example.test/?secret=GEZDGNBV', '123456'), 'uri_not_otpauth', 'GEZDGNBV');
});
