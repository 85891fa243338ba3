// parseUri, toUri, writeUri, decodeMigration, normalizeSecret, newSecret and the error shape of the
// built package, against Google's Key Uri Format example and scito/extract_otp_secrets exports.
import test from 'node:test';
import assert from 'node:assert/strict';
import { RFC4226 } from '../e2e/helpers.mjs';
import { otp, throwsTessera } from './package.mjs';

// github.com/google/google-authenticator/wiki/Key-Uri-Format, the example with all parameters.
const GOOGLE =
  'otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30';
const GOOGLE_ACCOUNT = {
  type: 'totp',
  issuer: 'ACME Co',
  account: 'john.doe@email.com',
  secret: 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  counter: 0,
};

test("parseUri / toUri: Google's Key Uri Format example round trips", () => {
  const parsed = otp.parseUri(GOOGLE);
  assert.deepEqual(parsed, GOOGLE_ACCOUNT);
  const written = otp.toUri(parsed);
  assert.deepEqual(otp.parseUri(written), parsed);
  assert.equal(otp.writeUri(parsed), written);
  // Canonical form: the default algorithm, digits and period are left out.
  assert.ok(!/algorithm=|digits=|period=/.test(written), written);
});

test('toUri: only the secret is required; the rest takes the defaults of its type', () => {
  const { secret, issuer, account } = GOOGLE_ACCOUNT;
  assert.deepEqual(otp.parseUri(otp.toUri({ secret: secret.toLowerCase(), issuer, account })), GOOGLE_ACCOUNT);
  const hotp = otp.parseUri(otp.toUri({ type: 'hotp', secret, counter: 7, digits: 8, algorithm: 'sha256' }));
  assert.deepEqual(
    { type: hotp.type, counter: hotp.counter, digits: hotp.digits, algorithm: hotp.algorithm, issuer: hotp.issuer, account: hotp.account },
    { type: 'hotp', counter: 7, digits: 8, algorithm: 'SHA256', issuer: '', account: '' },
  );
  const steam = otp.parseUri(otp.toUri({ type: 'steam', secret, account: 'gaben' }));
  assert.deepEqual([steam.type, steam.digits, steam.period], ['steam', 5, 30]);
  throwsTessera(assert, () => otp.toUri({ issuer: 'x' }), 'account_invalid');
  throwsTessera(assert, () => otp.toUri({ secret, label: 'x' }), 'account_invalid', secret);
  throwsTessera(assert, () => otp.toUri({ secret, type: 'motp' }), 'account_invalid_type', secret);
  throwsTessera(assert, () => otp.toUri({ secret, digits: 0 }), 'otp_invalid_digits', secret);
});

test('codeAt: an account from parseUri gives the RFC 4226 codes with their validity', () => {
  const account = otp.parseUri(`otpauth://totp/x?secret=${RFC4226.secret}`);
  assert.deepEqual(otp.codeAt(account, 45_000), { code: RFC4226.codes[1], counter: 1, validFrom: 30_000, validUntil: 60_000 });
  assert.equal(otp.codeAtOffset(account, 45_000, 1).code, RFC4226.codes[2]);
});

test('decodeMigration: scito/extract_otp_secrets example_export.txt', () => {
  // The third URI of example_export.txt holds two entries; expected values from its example_output.json.
  const d = otp.decodeMigration(
    'otpauth-migration://offline?data=CigKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpIAEoATACCjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACiQ7OOa%2Bf%2F%2F%2F%2F8B',
  );
  const pi = { type: 'totp', account: 'pi@raspberrypi', secret: '7KSQL2JTUDIS5EF65KLMRQIIGY', algorithm: 'SHA1', digits: 6, period: 30, counter: 0 };
  assert.deepEqual(d.accounts, [{ ...pi, issuer: '' }, { ...pi, issuer: 'raspberrypi' }]);
  assert.deepEqual(d.skipped, []);
  assert.deepEqual([d.version, d.batchSize, d.batchIndex, d.batchId], [1, 1, 0, -1822886384]);
  // The HOTP entry of the same file ("hotp demo", counter 4).
  const h = otp.decodeMigration(
    'otpauth-migration://offline?data=CiUKEPqlBekzoNEukL7qlsjBCDYSCWhvdHAgZGVtbyABKAEwATgEEAEYASAAKNuv15j6%2F%2F%2F%2F%2FwE%3D',
  );
  assert.deepEqual(
    [h.accounts[0].type, h.accounts[0].account, h.accounts[0].counter, h.accounts[0].secret],
    ['hotp', 'hotp demo', 4, '7KSQL2JTUDIS5EF65KLMRQIIGY'],
  );
  throwsTessera(assert, () => otp.decodeMigration(`otpauth://totp/x?secret=${RFC4226.secret}`), 'migration_not_migration', RFC4226.secret);
});

test('newSecret: 20 random bytes by default, canonical base32, never repeated', () => {
  const BASE32 = /^[A-Z2-7]+$/;
  const secrets = Array.from({ length: 200 }, () => otp.newSecret());
  for (const s of secrets) {
    assert.equal(s.length, 32); // 160 bits / 5 bits per character
    assert.match(s, BASE32);
    assert.equal(otp.normalizeSecret(s), s);
  }
  assert.equal(new Set(secrets).size, secrets.length);
  // Every base32 character turns up: the bytes are not constant or narrow (200 × 32 draws).
  assert.equal(new Set(secrets.join('')).size, 32);
  for (const [bytes, length] of [[16, 26], [20, 32], [32, 52], [64, 103], [1024, 1639]]) {
    assert.equal(otp.newSecret(bytes).length, length, `${bytes} bytes`);
  }
  // The secret works: its code is verified against itself through a URI.
  const s = otp.newSecret();
  const uri = otp.toUri({ issuer: 'Example', account: 'alice', secret: s });
  assert.equal(otp.verify(uri, otp.totp(s, { unixMs: 1_000_000 }), { unixMs: 1_000_000, window: 0 }), 0);
  throwsTessera(assert, () => otp.newSecret(15), 'secret_too_short');
  throwsTessera(assert, () => otp.newSecret(1025), 'secret_too_long');
  throwsTessera(assert, () => otp.newSecret(20.5), 'length_invalid');
  throwsTessera(assert, () => otp.newSecret(-1), 'length_invalid');
});

test('errors: TesseraError with a stable code and no secret in the message', () => {
  const secret = 'JBSWY3DPEHPK3PX1'; // one character that is not base32
  for (const fn of [
    () => otp.totp(secret),
    () => otp.hotp(secret, 0),
    () => otp.steam(secret),
    () => otp.normalizeSecret(secret),
  ]) {
    throwsTessera(assert, fn, 'secret_invalid_character', 'JBSWY3DP');
  }
  throwsTessera(assert, () => otp.parseUri(`otpauth://totp/x?secret=${secret}`), 'uri_invalid_secret', 'JBSWY3DP');
  throwsTessera(assert, () => otp.parseUri(`otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11`), 'uri_invalid_digits', 'JBSWY3DP');
  throwsTessera(assert, () => otp.normalizeSecret('   '), 'secret_empty');
  try {
    otp.totp(secret);
  } catch (e) {
    assert.ok(e instanceof Error);
    assert.ok(!String(e.stack).includes('JBSWY3DP'), 'the stack does not carry the secret either');
  }
});
