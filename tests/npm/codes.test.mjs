// totp, hotp and steam from the built package against published tables: RFC 6238 Appendix B (each
// algorithm with its own seed), RFC 4226 Appendix D, and Steam Guard codes from KeePassXC and pyotp.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CORPORA, RFC4226, rfc6238 } from '../e2e/helpers.mjs';
import { otp, throwsTessera } from './package.mjs';

const rfc = rfc6238();

test(`totp: RFC 6238 Appendix B, 8 digits, each algorithm (${rfc.source})`, () => {
  assert.equal(rfc.vectors.length, 18);
  for (const { time, mode, totp: want } of rfc.vectors) {
    const got = otp.totp(rfc.seeds[mode], { unixMs: time * 1000, algorithm: mode, digits: 8, period: rfc.period });
    assert.equal(got, want, `${mode} at ${time}`);
    // Lower-case algorithm names and a time late in the same second give the same code.
    assert.equal(otp.totp(rfc.seeds[mode], { unixMs: time * 1000 + 999, algorithm: mode.toLowerCase(), digits: 8 }), want);
  }
});

test('totp: defaults are SHA1, 30 s and 6 digits (the last six of the RFC value)', () => {
  for (const { time, mode, totp: want } of rfc.vectors.filter((v) => v.mode === 'SHA1')) {
    assert.equal(otp.totp(rfc.seeds[mode], { unixMs: time * 1000 }), want.slice(2), `at ${time}`);
  }
  // Without a time the code is for now: six digits (its value is checked against the fixture page's
  // own TOTP in tests/e2e/signin-with-package.test.mjs).
  assert.match(otp.totp(rfc.seeds.SHA1), /^[0-9]{6}$/);
});

test('totp: the period divides time into steps (RFC 6238 T = floor(t / X))', () => {
  // With X = 60 s, second 119 is step 1: RFC 4226's code for counter 1.
  assert.equal(otp.totp(RFC4226.secret, { unixMs: 119_000, period: 60 }), RFC4226.codes[1]);
  assert.equal(otp.totp(RFC4226.secret, { unixMs: 120_000, period: 60 }), RFC4226.codes[2]);
});

test('hotp: RFC 4226 Appendix D, counters 0..9', () => {
  RFC4226.codes.forEach((want, counter) => assert.equal(otp.hotp(RFC4226.secret, counter), want, `counter ${counter}`));
  // Appendix D lists the truncated decimal of counter 0 as 1284755224: all ten digits of it.
  assert.equal(otp.hotp(RFC4226.secret, 0, { digits: 10, algorithm: 'SHA1' }), '1284755224');
  for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
    throwsTessera(assert, () => otp.hotp(RFC4226.secret, bad), 'counter_invalid', RFC4226.secret);
  }
});

// KeePassXC tests/TestTotp.cpp testSteamTotp (captured from the Steam app) and pyotp test.py
// SteamTOTP; the shared corpus (14 vectors) is used as well when it is present.
const STEAM_INLINE = [
  { secret_base32: '63BEDWCQZKTQWPESARIERL5DTTQFCJTK', time: 1511200518, code: 'FR8RV' },
  { secret_base32: '63BEDWCQZKTQWPESARIERL5DTTQFCJTK', time: 1511200714, code: '9P3VP' },
  { secret_base32: 'BASE32SECRET3232', time: 0, code: '2TC8B' },
  { secret_base32: 'BASE32SECRET3232', time: 30, code: 'YKKK4' },
];

test('steam: published Steam Guard codes', () => {
  const corpus = path.join(CORPORA, 'otp/steam_guard.json');
  const vectors = [...STEAM_INLINE, ...(fs.existsSync(corpus) ? JSON.parse(fs.readFileSync(corpus, 'utf8')).vectors : [])];
  for (const { secret_base32: secret, time, code } of vectors) {
    assert.equal(otp.steam(secret, { unixMs: time * 1000 }), code, `${time}`);
  }
  assert.match(otp.steam(STEAM_INLINE[0].secret_base32), /^[23456789BCDFGHJKMNPQRTVWXY]{5}$/);
});

test('options: unknown names and wrong types are errors, not silently the code for now', () => {
  const s = RFC4226.secret;
  throwsTessera(assert, () => otp.totp(s, { unixMS: 59_000 }), 'options_invalid', s);
  throwsTessera(assert, () => otp.totp(s, { time: 59 }), 'options_invalid', s);
  throwsTessera(assert, () => otp.totp(s, { digits: '8' }), 'options_invalid', s);
  throwsTessera(assert, () => otp.steam(s, { unixMs: 0, digits: 5 }), 'options_invalid', s);
  throwsTessera(assert, () => otp.hotp(s, 0, { unixMs: 0 }), 'options_invalid', s);
  throwsTessera(assert, () => otp.totp(s, { algorithm: 'SHA-1' }), 'account_invalid_algorithm', s);
  throwsTessera(assert, () => otp.totp(s, { digits: 11 }), 'otp_invalid_digits', s);
  throwsTessera(assert, () => otp.totp(s, { period: 0 }), 'otp_invalid_period', s);
  throwsTessera(assert, () => otp.totp(s, { unixMs: -1 }), 'time_invalid', s);
  // null and undefined are no options.
  assert.equal(otp.hotp(s, 1, null), RFC4226.codes[1]);
  assert.equal(otp.hotp(s, 1, undefined), RFC4226.codes[1]);
  assert.equal(otp.hotp(s, 1, {}), RFC4226.codes[1]);
});
