// The options page's password strength estimate (extension/lib/strength.js): properties any honest
// estimate must have, checked without a browser. No expected numbers are copied from the code.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { estimateStrength } from '../../extension/lib/strength.js';

describe('password strength estimate', () => {
  it('rates the most common passwords (and them with a digit appended) very weak', () => {
    for (const p of ['password', '123456', 'qwerty', 'Password', 'PASSWORD1', 'letmein', 'wachtwoord']) {
      assert.equal(estimateStrength(p).level, 0, p);
    }
  });

  it('never rates a password above what random characters of its kinds would give', () => {
    for (let i = 0; i < 200; i++) {
      const p = crypto.randomBytes(1 + (i % 24)).toString('base64url');
      const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[-_]/].reduce((n, re, k) => n + (re.test(p) ? [26, 26, 10, 33][k] : 0), 0);
      assert.ok(estimateStrength(p).bits <= Math.ceil(p.length * Math.log2(kinds)), p);
    }
  });

  it('counts repeats and runs for less than random characters of the same length', () => {
    const random = 'q7Zk2mX9';
    for (const weak of ['aaaaaaaa', 'abcdefgh', '12345678', 'zyxwvuts']) {
      assert.ok(estimateStrength(weak).bits < estimateStrength(random).bits, weak);
    }
  });

  it('grows with length and reaches the top level for a long random password', () => {
    const p = crypto.randomBytes(24).toString('base64');
    let last = -1;
    for (let n = 1; n <= p.length; n++) {
      const { bits } = estimateStrength(p.slice(0, n));
      assert.ok(bits >= last, `not shorter than ${n - 1}`);
      last = bits;
    }
    assert.equal(estimateStrength(p).level, 4);
    assert.deepEqual(estimateStrength(''), { bits: 0, level: 0 });
  });
});
