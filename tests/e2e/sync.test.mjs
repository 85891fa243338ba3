// Sync end to end (issue 9): two Chromium profiles stand for two devices. A browser that is not
// signed in keeps storage.sync to itself, so the test carries the sync storage from one profile to
// the other, as the browser's sync service would. Truth is independent of our code: codes are
// checked with node:crypto's HMAC (RFC 6238), and the stored items are searched for every label and
// secret in plain, base32 and base64 form.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CHROMIUM, OPTIONS_PATH, dist, launchChromium, requireBuild, stopWorker, until } from './helpers.mjs';
import { base32Decode, totpCode } from './truth.mjs';

const PASSWORD = 'sync test: quiet otter 41 lanterns';
const T = 1_800_000_000_000; // pinned clock (ms)

/** RFC 6238 (SHA-1, 6 digits, 30 s) of a base32 secret, from tests/e2e/truth.mjs (node:crypto). */
const totp = (secret, ms) => totpCode(base32Decode(secret), ms);

/** Base32 secrets written here (RFC 4648 alphabet), one per account. */
const SECRETS = {
  a1: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  a2: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  a3: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
  b1: 'KRSXG5DTMVZXG2LPNZ2WK3TUMVZXI4ZA',
  b2: 'ONSWG4TFOQQGC3TEEBZWCZTFEBZXK3TL',
  a4: 'NBSWY3DPFQQHO33SNRSCCIJBEEQSCIJB',
};

const account = (key, issuer) => ({
  type: 'totp', issuer, account: `${key}@example.com`, secret: SECRETS[key], algorithm: 'SHA1', digits: 6, period: 30, counter: 0,
});

async function device() {
  const d = await launchChromium(dist('chrome-test'));
  await d.page.goto(`chrome-extension://${d.extensionId}/${OPTIONS_PATH}`);
  await d.page.evaluate((t) => chrome.storage.local.set({ 'test.iterations': 10_000, 'test.clock': { ms: t, running: false, setAt: Date.now() } }), T);
  d.send = async (msg) => {
    const answer = await d.page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
    return answer;
  };
  d.ok = async (msg) => {
    const answer = await d.send(msg);
    assert.equal(answer?.ok, true, `${msg.type}: ${JSON.stringify(answer?.error)}`);
    return answer;
  };
  d.list = async () => (await d.ok({ type: 'accounts.list' })).accounts;
  d.syncItems = () => d.page.evaluate(() => chrome.storage.sync.get(null));
  await d.ok({ type: 'vault.setPassword', password: PASSWORD });
  return d;
}

/** What the browser's sync service does: the other profile's storage.sync becomes this one's. */
async function carry(from, to) {
  const items = await from.syncItems();
  await to.page.evaluate(async (items) => {
    await chrome.storage.sync.clear();
    await chrome.storage.sync.set(items);
  }, items);
}

function labels(list) {
  return list.map((a) => `${a.issuer}|${a.account}`).sort();
}

/** Every code shown is RFC 6238's for the account's own secret at the pinned time. */
function checkCodes(list) {
  for (const a of list) {
    const key = a.account.split('@')[0];
    assert.equal(a.code, totp(SECRETS[key], T), `${a.issuer} code`);
  }
}

describe('sync between two Chromium profiles', { skip: !fs.existsSync(CHROMIUM) && 'no Chromium' }, () => {
  let A;
  let B;
  before(async () => {
    requireBuild(dist('chrome-test'));
    A = await device();
    B = await device();
  });
  after(async () => {
    await A?.close();
    await B?.close();
  });

  it('A adds three, B adds two and deletes one of A\'s: both end with the same four', async () => {
    for (const [key, issuer] of [['a1', 'Alpha'], ['a2', 'Bravo'], ['a3', 'Charlie']]) {
      await A.ok({ type: 'accounts.add', account: account(key, issuer) });
    }
    const weak = await A.send({ type: 'sync.enable', password: 'abc' });
    assert.equal(weak.error?.code, 'sync_weak_password');
    const on = await A.ok({ type: 'sync.enable', password: PASSWORD });
    assert.equal(on.state, 'ok');
    assert.equal(on.accounts, 3);

    // Only sealed data in storage.sync: no label, no secret in any usual encoding.
    const items = await A.syncItems();
    const text = JSON.stringify(items);
    for (const [key, secret] of Object.entries(SECRETS)) {
      assert.ok(!text.includes(secret) && !text.includes(base32Decode(secret).toString('base64')), `secret ${key} in sync storage`);
      assert.ok(!text.includes(`${key}@example.com`));
    }
    for (const issuer of ['Alpha', 'Bravo', 'Charlie']) assert.ok(!text.includes(issuer));
    assert.ok(Object.keys(items).every((k) => k.startsWith('~')));

    await carry(A, B);
    await B.ok({ type: 'accounts.add', account: account('b1', 'Delta') });
    await B.ok({ type: 'accounts.add', account: account('b2', 'Echo') });
    // B also holds one of A's accounts (same secret), under another label.
    await B.ok({ type: 'accounts.add', account: { ...account('a3', 'Charlie on B') } });
    const wrong = await B.send({ type: 'sync.enable', password: 'another fine password 99' });
    assert.equal(wrong.error?.code, 'sync_decrypt');
    const bOn = await B.ok({ type: 'sync.enable', password: PASSWORD });
    assert.equal(bOn.state, 'ok');
    // Merged, the shared account once: 3 + 2 new ones; its other label is listed for review.
    assert.equal((await B.list()).length, 5);
    assert.equal((await B.list()).filter((a) => a.account === 'a3@example.com').length, 1);
    assert.equal(bOn.conflicts.length, 1);
    assert.deepEqual([bOn.conflicts[0].kept.issuer, bOn.conflicts[0].other.issuer].sort(), ['Charlie', 'Charlie on B']);
    const bravo = (await B.list()).find((a) => a.issuer === 'Bravo');
    await B.ok({ type: 'accounts.delete', id: bravo.id });
    await B.ok({ type: 'sync.now' });

    await carry(B, A);
    const aStatus = await A.ok({ type: 'sync.now' });
    assert.equal(aStatus.state, 'ok');
    const listA = await A.list();
    const listB = await B.list();
    const charlie = (l) => l.map((x) => (x.startsWith('Charlie') ? 'Charlie*|a3@example.com' : x));
    assert.deepEqual(charlie(labels(listA)), ['Alpha|a1@example.com', 'Charlie*|a3@example.com', 'Delta|b1@example.com', 'Echo|b2@example.com']);
    assert.deepEqual(labels(listB), labels(listA));
    // The same records: same ids on both devices.
    assert.deepEqual(listA.map((a) => a.id).sort(), listB.map((a) => a.id).sort());
    checkCodes(listA);
    checkCodes(listB);
  });

  it('a write interrupted by stopping the worker leaves the previous set readable', async () => {
    const before = await A.syncItems();
    await A.page.evaluate(() => chrome.storage.local.set({ 'test.syncPause': 'afterChunks' }));
    await A.ok({ type: 'accounts.add', account: account('a4', 'Foxtrot') });
    // The round writes its new chunk, then waits at the pause: stop the worker there.
    await until(async () => Object.keys(await A.syncItems()).some((k) => !(k in before)), Boolean, { what: 'the new chunk', timeout: 20_000 });
    await stopWorker(A);
    const half = await A.syncItems();
    assert.equal(half['~m'], before['~m'], 'the manifest is still the previous one');
    // Another device reads the previous, complete set.
    await carry(A, B);
    const bStatus = await B.ok({ type: 'sync.now' });
    assert.equal(bStatus.state, 'ok');
    assert.equal((await B.list()).length, 4);
    // Once A runs again, the write completes and B gets the fifth.
    await A.page.evaluate(() => chrome.storage.local.remove('test.syncPause'));
    await until(async () => (await A.send({ type: 'sync.now' }))?.state, (s) => s === 'ok', { what: 'A to sync again' });
    const after = await A.syncItems();
    assert.notEqual(after['~m'], before['~m']);
    await carry(A, B);
    await B.ok({ type: 'sync.now' });
    assert.deepEqual(labels(await B.list()), labels(await A.list()));
    assert.equal((await B.list()).length, 5);
    checkCodes(await B.list());
  });

  it('after a password change on one device the other asks for the new password', async () => {
    const NEW = 'a brand new sync passphrase 2027';
    await A.ok({ type: 'vault.setPassword', current: PASSWORD, password: NEW });
    const changed = await A.ok({ type: 'sync.now' });
    assert.equal(changed.state, 'password_changed_here');
    const rekeyed = await A.ok({ type: 'sync.password', password: NEW });
    assert.equal(rekeyed.state, 'ok');
    await carry(A, B);
    const asks = await B.ok({ type: 'sync.now' });
    assert.equal(asks.state, 'needs_password');
    const old = await B.send({ type: 'sync.password', password: PASSWORD });
    assert.equal(old.error?.code, 'sync_decrypt');
    const back = await B.ok({ type: 'sync.password', password: NEW });
    assert.equal(back.state, 'ok');
    assert.deepEqual(labels(await B.list()), labels(await A.list()));
    // B's options page showed the request for the new password before; now it shows the state.
    await B.page.reload();
    await until(() => B.page.evaluate(() => document.getElementById('sync-form').hidden), Boolean, { what: 'no password form' });
  });

  it('over quota keeps every account locally and says so', async () => {
    const ours = await B.syncItems();
    const used = Object.entries(ours).reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);
    // Other data fills storage.sync up to 60 bytes below the quota.
    const room = 102_400 - used - 60;
    const fillers = {};
    let left = room;
    for (let i = 0; left > 0; i++) {
      const key = `filler${i}`;
      const size = Math.min(8_000, left - key.length - 2);
      if (size <= 0) break;
      fillers[key] = 'x'.repeat(size);
      left -= key.length + size + 2;
    }
    await B.page.evaluate((f) => chrome.storage.sync.set(f), fillers);
    const manifestBefore = (await B.syncItems())['~m'];
    await B.ok({ type: 'accounts.add', account: { ...account('a4', 'Golf'), secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR', account: 'golf@example.com' } });
    const status = await until(async () => (await B.send({ type: 'sync.now' })), (s) => s?.state === 'over_quota', { what: 'over quota' });
    assert.equal(status.state, 'over_quota');
    assert.equal((await B.list()).length, 6, 'every account stays on this device');
    assert.equal((await B.syncItems())['~m'], manifestBefore, 'the stored set is left as it was');
    // The options page says so.
    await B.page.reload();
    await until(() => B.page.evaluate(() => !document.getElementById('sync-quota').hidden), Boolean, { what: 'the over-quota message' });
  });
});
