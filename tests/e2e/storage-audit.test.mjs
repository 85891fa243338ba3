// Storage audit (issue 13): after accounts are added with a password set (by hand, before and after
// the password, and by importing a file), dump storage.local, storage.sync and storage.session of
// the real extension (dist/chrome-test, headless Chromium) and search every value, as text and as
// decoded bytes, for the secrets (base32 in both cases, raw bytes, hex, base64), the password (text,
// UTF-8 bytes, hex, base64), the PBKDF2 key derived from it (computed here with node:crypto from
// the salt and iterations in the stored header, docs/vault-format.md) and the data key the session
// holds while unlocked. local and sync must hold none of them; session only the data key while
// unlocked, and nothing at all once locked.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CHROMIUM, OPTIONS_PATH, RFC4226, dist, launchChromium, requireBuild, rfc6238 } from './helpers.mjs';

const RFC = rfc6238();
const PASSWORD = 'tessera storage audit pässword';
const IMPORTED = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJQWEY3E'; // base32 of "abcdefghijklmnopqrstuvwxyzabcd"

/** Every way a secret can sit in storage: as text (several spellings) and as bytes. */
function forms(raw, texts) {
  return {
    texts: [...texts, raw.toString('hex'), raw.toString('hex').toUpperCase(), raw.toString('base64'), raw.toString('base64url')],
    raw,
  };
}

const base32Decode = (s) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  return Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
};

const SECRETS = {
  'SHA1 (added before the password)': RFC.seeds.SHA1,
  'SHA256 (added after the password)': RFC.seeds.SHA256,
  'RFC 4226 (added after the password)': RFC4226.secret,
  'imported file': IMPORTED,
};

/** Strings anywhere in a stored value, and the bytes of those that are base64. */
function strings(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => (out.push(k), strings(v, out)));
  return out;
}

/** Names of the needles found in `area` (a storage dump). */
function found(area, needles) {
  const values = strings(area);
  const text = JSON.stringify(area);
  const blobs = values.filter((v) => /^[A-Za-z0-9+/=_-]{8,}$/.test(v)).map((v) => Buffer.from(v, 'base64'));
  const hits = [];
  for (const [name, { texts, raw }] of Object.entries(needles)) {
    if (texts.some((t) => text.includes(t) || values.some((v) => v.toLowerCase().includes(t.toLowerCase())))) hits.push(`${name} (text)`);
    else if (blobs.some((b) => b.includes(raw))) hits.push(`${name} (bytes)`);
  }
  return hits;
}

describe('Chromium: storage audit with a password set', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let page;
  const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  const dump = () =>
    page.evaluate(async () => ({
      local: await chrome.storage.local.get(null),
      sync: await chrome.storage.sync.get(null),
      session: await chrome.storage.session.get(null),
    }));
  const ok = async (msg) => {
    const answer = await send(msg);
    assert.equal(answer?.ok, true, `${msg.type}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const account = (secret, issuer, algorithm = 'SHA1') => ({
    type: 'totp', issuer, account: 'audit@example.com', secret, algorithm, digits: 6, period: 30, counter: 0,
  });

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')));
    page = browser.page;
    await page.goto(`chrome-extension://${browser.extensionId}/${OPTIONS_PATH}`);
    await page.evaluate(async () => {
      await chrome.storage.local.clear();
      await chrome.storage.sync.clear();
      await chrome.storage.session.clear();
      await chrome.storage.local.set({ 'test.iterations': 10_000 });
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('local and sync hold no secret, password or key; session holds only the data key, and nothing once locked', async () => {
    await ok({ type: 'accounts.add', account: account(RFC.seeds.SHA1, 'Before') });
    await ok({ type: 'vault.setPassword', password: PASSWORD });
    await ok({ type: 'accounts.add', account: account(RFC.seeds.SHA256, 'After', 'SHA256') });
    await ok({ type: 'accounts.add', account: { ...account(RFC4226.secret, 'Counter'), type: 'hotp', counter: 3 } });
    const file = `otpauth://totp/Imported:audit%40example.com?secret=${IMPORTED}&issuer=Imported\n`;
    const imported = await ok({ type: 'import.file', name: 'accounts.txt', data: Buffer.from(file).toString('base64') });
    assert.equal(imported.added.length, 1, JSON.stringify(imported));
    const listed = await ok({ type: 'accounts.list' });
    assert.deepEqual(listed.accounts.map((a) => a.issuer).sort(), ['After', 'Before', 'Counter', 'Imported']);

    const unlocked = await dump();
    // The vault generation and its header (docs/vault-format.md): salt and iterations of the slot.
    const gens = Object.entries(unlocked.local).filter(([k]) => /^vault\.(0|[1-9][0-9]*)$/.test(k));
    assert.equal(gens.length, 1, 'one generation');
    const sealed = Buffer.from(gens[0][1], 'base64');
    assert.equal(sealed.subarray(0, 8).toString('latin1'), 'TSRVAULT');
    assert.equal(sealed[17], 1, 'a password slot');
    const iterations = sealed.readUInt32BE(21);
    const salt = sealed.subarray(26, 26 + sealed[25]);
    const derived = crypto.pbkdf2Sync(Buffer.from(PASSWORD, 'utf8'), salt, iterations, 32, 'sha256');

    const needles = {};
    for (const [name, b32] of Object.entries(SECRETS)) needles[`secret ${name}`] = forms(base32Decode(b32), [b32, b32.toLowerCase()]);
    const pw = Buffer.from(PASSWORD, 'utf8');
    needles.password = forms(pw, [PASSWORD, encodeURIComponent(PASSWORD)]);
    needles['password-derived key'] = forms(derived, []);

    // While unlocked the session holds the data key (DEVELOPERS.md: the one place it becomes a JS
    // value besides WebCrypto's output), never a secret or the password.
    const sessionValues = strings(unlocked.session).filter((v) => /^[A-Za-z0-9+/=]{40,}$/.test(v));
    assert.ok(sessionValues.length >= 1, `the session holds the data key while unlocked: ${Object.keys(unlocked.session)}`);
    assert.deepEqual(found(unlocked.session, needles), [], 'storage.session while unlocked');
    for (const [i, v] of sessionValues.entries()) {
      const bytes = Buffer.from(v, 'base64');
      needles[`session value ${i}`] = forms(bytes, [v]);
    }
    // The needles do find what they look for (the test can fail): the data key is in the session.
    assert.ok(found(unlocked.session, needles).some((h) => h.startsWith('session value')));

    assert.deepEqual(found(unlocked.local, needles), [], 'storage.local while unlocked');
    assert.deepEqual(found(unlocked.sync, needles), [], 'storage.sync while unlocked');
    assert.doesNotMatch(JSON.stringify(unlocked.local) + JSON.stringify(unlocked.sync), /otpauth|audit@example\.com|Imported/i, 'labels are inside the sealed vault too');

    await ok({ type: 'vault.lock' });
    const locked = await dump();
    assert.deepEqual(locked.session, {}, 'nothing in storage.session after lock');
    assert.deepEqual(found(locked.local, needles), [], 'storage.local after lock');
    assert.deepEqual(found(locked.sync, needles), [], 'storage.sync after lock');
    assert.deepEqual((await send({ type: 'accounts.list' })).error, { code: 'vault_locked' });

    // Unlocking again and locking again leaves the same: the password is never kept.
    await ok({ type: 'vault.unlock', password: PASSWORD });
    const again = await dump();
    assert.deepEqual(found(again.local, needles), [], 'storage.local after unlocking again');
    assert.deepEqual(found(again.session, { password: needles.password, 'password-derived key': needles['password-derived key'] }), []);
    await ok({ type: 'vault.lock' });
    assert.deepEqual((await dump()).session, {}, 'nothing in storage.session after the second lock');
  });
});
