// The encrypted vault end to end: the real extension (dist/chrome-test) in headless Chromium.
// Migration from the foundation's storage.local format, password set / lock / unlock / change /
// remove, the session key across a worker restart, the auto-lock alarm, interrupted saves, and an
// encrypted backup restored with a conflict. Truth is independent of our code: codes are RFC 6238
// Appendix B, stored bytes are read with the layout of docs/vault-format.md, secrets are searched
// for in every stored value in every encoding, and a vault the browser sealed is opened by
// tests/interop/open_vault.py (Python's cryptography, from the format document). New passwords
// use 10,000 iterations (the test build's `test.iterations`), except in the test of the 600,000
// default.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CHROMIUM, OPTIONS_PATH, POPUP_PATH, RFC4226, ROOT, dist, launchChromium, message, requireBuild, rfc6238, stopWorker, until } from './helpers.mjs';

const RFC = rfc6238();
const MODES = ['SHA1', 'SHA256', 'SHA512'];
const PASSWORD = 'correct horse battery staple';
const AUTOLOCK_ALARM = 'tessera.autolock';

/** Whether tests/interop/open_vault.py can run here (python3 with `cryptography`). */
function pythonReader() {
  try {
    execFileSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let ctx;
let extensionId;
let page;
const pageErrors = [];

const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
const localStorage = () => page.evaluate(() => chrome.storage.local.get(null));

async function openPopup() {
  await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}`);
  await until(
    () => page.evaluate(() => document.getElementById('loading').hidden || !document.getElementById('unlock-form').hidden),
    Boolean,
    { what: 'the popup to show accounts or the unlock form' },
  );
}

async function pinClock(ms) {
  await page.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), ms);
}

function readTiles() {
  return page.$$eval('#accounts .tile', (tiles) =>
    tiles.map((t) => ({ issuer: t.querySelector('.issuer').textContent, code: t.querySelector('.code').textContent.replace(/ /g, '') })),
  );
}

/** An otpauth URI as the foundation stored it (written here from the Key Uri Format, not by our code). */
function foundationUri({ issuer, account, secret, algorithm = 'SHA1', digits = 8, type = 'totp', counter }) {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const extra = type === 'hotp' ? `&counter=${counter}` : '&period=30';
  return `otpauth://${type}/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=${algorithm}&digits=${digits}${extra}`;
}

const rfcAccount = (mode, issuer = `RFC ${mode}`) => ({
  type: 'totp', issuer, account: 'rfc@example.com', secret: RFC.seeds[mode], algorithm: mode, digits: 8, period: 30, counter: 0,
});

/** The code RFC 6238 Appendix B gives for `mode` at `time`. */
const rfcCode = (mode, time) => RFC.vectors.find((v) => v.mode === mode && v.time === time).totp;

/** Every vault generation in storage.local as bytes (docs/vault-format.md section 7). */
function generations(all) {
  return Object.entries(all)
    .filter(([k]) => /^vault\.(0|[1-9][0-9]*)$/.test(k))
    .map(([k, v]) => ({ key: k, bytes: Buffer.from(v, 'base64') }));
}

/** Slot kind of a sealed vault: offset 17 (after magic, version, lengths and slot count). */
const slotKind = (bytes) => {
  assert.equal(bytes.subarray(0, 8).toString('latin1'), 'TSRVAULT');
  return bytes[17] === 1 ? 'password' : bytes[17] === 0 ? 'none' : `kind ${bytes[17]}`;
};
/** PBKDF2 iterations of a password slot: u32be at offset 21. */
const iterationsOf = (bytes) => bytes.readUInt32BE(21);

/** Asserts that no form of the secrets appears anywhere in storage.local (as text or as bytes). */
function assertNoSecrets(all, modes = MODES) {
  const text = JSON.stringify(all);
  const blobs = Object.values(all)
    .filter((v) => typeof v === 'string')
    .map((v) => Buffer.from(v, 'base64'));
  for (const mode of modes) {
    const raw = Buffer.from(RFC.ascii[mode], 'ascii');
    for (const form of [RFC.seeds[mode], RFC.seeds[mode].toLowerCase(), RFC.ascii[mode], RFC.hex[mode], raw.toString('base64')]) {
      assert.equal(text.includes(form), false, `storage.local contains the ${mode} secret as text`);
    }
    for (const blob of blobs) assert.equal(blob.includes(raw), false, `a stored value contains the raw ${mode} secret`);
  }
  assert.doesNotMatch(text, /otpauth/);
}

async function addAccounts(modes = MODES) {
  for (const mode of modes) {
    const answer = await send({ type: 'accounts.add', account: rfcAccount(mode) });
    assert.equal(answer.ok, true, JSON.stringify(answer));
  }
}

async function setPassword(password = PASSWORD, current) {
  const answer = await send({ type: 'vault.setPassword', password, current });
  assert.equal(answer.ok, true, JSON.stringify(answer));
}

describe('Chromium: the encrypted vault', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let close;

  before(async () => {
    ({ ctx, extensionId, page, close } = await launchChromium(requireBuild(dist('chrome-test'))));
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await close?.();
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'uncaught errors in extension pages');
  });

  beforeEach(async () => {
    await page.goto(`chrome-extension://${extensionId}/${OPTIONS_PATH}`);
    await send({ type: 'vault.lock' });
    await page.evaluate(async () => {
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
      await chrome.alarms.clearAll();
      await chrome.storage.local.set({ 'test.iterations': 10_000 });
    });
    await pinClock(59_000);
  });

  it('moves the foundation’s storage.local accounts into the vault on first start', async () => {
    const records = [
      ...MODES.map((mode, i) => ({ id: `f${i}`, uri: foundationUri({ issuer: `RFC ${mode}`, account: 'rfc', secret: RFC.seeds[mode], algorithm: mode }), added: 1_700_000_000_000 + i })),
      { id: 'h', uri: foundationUri({ issuer: 'HOTP', account: 'h', secret: RFC4226.secret, type: 'hotp', digits: 6, counter: 4 }), added: 1_700_000_000_100 },
    ];
    await page.evaluate((records) => chrome.storage.local.set({ accounts: records }), records);
    await openPopup();
    const tiles = await until(readTiles, (t) => t.length === 4, { what: 'four migrated tiles' });
    for (const mode of MODES) {
      assert.deepEqual(tiles.find((t) => t.issuer === `RFC ${mode}`), { issuer: `RFC ${mode}`, code: rfcCode(mode, 59) });
    }
    assert.deepEqual(tiles.find((t) => t.issuer === 'HOTP'), { issuer: 'HOTP', code: RFC4226.codes[4] });
    const all = await localStorage();
    assert.equal('accounts' in all, false, 'the plaintext accounts are gone');
    const gens = generations(all);
    assert.equal(gens.length, 1);
    assert.equal(slotKind(gens[0].bytes), 'none', 'no password yet');
    assert.equal(await page.isVisible('#no-password'), true, 'the popup warns that no password is set');
  });

  it('an older copy written back into storage behind the open vault is what the worker lists next', async () => {
    // The worker keeps its open vault between requests and reads storage again only after a storage
    // change event (background.js current()): a change it did not make must still be seen.
    const add = (issuer, secret) =>
      send({ type: 'accounts.add', account: { type: 'totp', issuer, account: 'a', secret, algorithm: 'SHA1', digits: 8, period: 30, counter: 0 } });
    const issuers = async () => (await send({ type: 'accounts.list' })).accounts.map((a) => a.issuer).sort();
    assert.equal((await add('First', RFC.seeds.SHA1)).ok, true);
    const stored = await localStorage();
    const older = Object.fromEntries(Object.keys(stored).filter((k) => k.startsWith('vault.')).map((k) => [k, stored[k]]));
    assert.equal((await add('Second', RFC.seeds.SHA256)).ok, true);
    assert.deepEqual(await issuers(), ['First', 'Second']);
    await page.evaluate(async (older) => {
      const now = await chrome.storage.local.get(null);
      await chrome.storage.local.remove(Object.keys(now).filter((k) => k.startsWith('vault.') && !(k in older)));
      await chrome.storage.local.set(older);
    }, older);
    assert.deepEqual(await until(issuers, (list) => list.length === 1, { what: 'the older copy listed' }), ['First']);
  });

  it('set password: nothing readable remains in storage.local, old generations included', async () => {
    await addAccounts();
    await setPassword();
    const all = await localStorage();
    assertNoSecrets(all);
    const gens = generations(all);
    assert.equal(gens.length, 1, `one generation: ${gens.map((g) => g.key)}`);
    assert.equal(slotKind(gens[0].bytes), 'password');
    assert.equal(iterationsOf(gens[0].bytes), 10_000, 'the test build’s iterations');
    await openPopup();
    assert.equal(await page.isVisible('#no-password'), false);
    assert.equal(await page.isVisible('#lock-button'), true);
    const session = await page.evaluate(() => chrome.storage.session.get(null));
    assert.doesNotMatch(JSON.stringify(session), new RegExp(PASSWORD), 'the session never holds the password');
  });

  it('the vault Chromium wrote opens with the independent Python reader (its PBKDF2 is OpenSSL’s)', { skip: !pythonReader() && 'python3 with the cryptography package is not installed' }, async () => {
    await addAccounts();
    await setPassword();
    const [gen] = generations(await localStorage());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-vault-'));
    try {
      fs.writeFileSync(path.join(dir, 'v.vault'), gen.bytes);
      fs.writeFileSync(path.join(dir, 'pw'), PASSWORD);
      const out = JSON.parse(
        execFileSync('python3', [path.join(ROOT, 'tests/interop/open_vault.py'), path.join(dir, 'v.vault'), '--password-file', path.join(dir, 'pw')], { encoding: 'utf8' }),
      );
      assert.deepEqual(
        out.records.map((r) => [r.issuer, r.secret]),
        MODES.map((mode) => [`RFC ${mode}`, RFC.seeds[mode]]),
      );
      fs.writeFileSync(path.join(dir, 'pw'), `${PASSWORD}!`);
      assert.throws(() => execFileSync('python3', [path.join(ROOT, 'tests/interop/open_vault.py'), path.join(dir, 'v.vault'), '--password-file', path.join(dir, 'pw')], { stdio: 'pipe' }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lock: the popup shows the unlock form and the worker refuses codes; wrong password changes nothing; right one shows RFC codes', async () => {
    await addAccounts();
    await setPassword();
    await openPopup();
    await until(readTiles, (t) => t.length === 3, { what: 'tiles' });
    await page.click('#lock-button');
    await until(() => page.isVisible('#unlock-form'), Boolean, { what: 'the unlock form' });
    assert.equal(await page.$$eval('#accounts .tile', (t) => t.length), 0);
    const refused = await send({ type: 'accounts.list' });
    assert.deepEqual(refused, { ok: false, error: { code: 'vault_locked' } });
    assert.deepEqual(await page.evaluate(() => chrome.storage.session.get(null)), {}, 'the session key is gone');

    const before = await localStorage();
    await page.fill('#unlock-password', 'correct horse battery stapl');
    await page.click('#unlock-submit');
    const error = await until(() => page.textContent('#unlock-error'), (t) => t !== '' && t !== message('working'), { what: 'an unlock error' });
    assert.equal(error, message('err_vault_decrypt'));
    assert.deepEqual(await localStorage(), before, 'a wrong password changes nothing stored');
    assert.deepEqual(await send({ type: 'accounts.list' }), { ok: false, error: { code: 'vault_locked' } });

    await page.fill('#unlock-password', PASSWORD);
    await page.click('#unlock-submit');
    const tiles = await until(readTiles, (t) => t.length === 3, { what: 'tiles after unlocking' });
    for (const mode of MODES) assert.equal(tiles.find((t) => t.issuer === `RFC ${mode}`).code, rfcCode(mode, 59));
    assert.equal(await page.inputValue('#unlock-password'), '', 'the password field is cleared');
  });

  it('a restarted worker stays unlocked (session key), and a browser-restart-like empty session locks', async () => {
    await addAccounts(['SHA256']);
    await setPassword();
    await pinClock(1_234_567_890_000);
    await stopWorker({ ctx, extensionId, page });
    await openPopup();
    const tiles = await until(readTiles, (t) => t.length === 1, { what: 'a tile after the restart' });
    assert.equal(tiles[0].code, rfcCode('SHA256', 1234567890));
    // What a browser restart does to storage.session: the vault is locked again.
    await page.evaluate(() => chrome.storage.session.clear());
    await stopWorker({ ctx, extensionId, page });
    await openPopup();
    assert.equal(await page.isVisible('#unlock-form'), true);
  });

  it('auto-lock: unlocking schedules the alarm (15 min by default) and its firing locks the vault', async () => {
    await addAccounts(['SHA1']);
    await setPassword();
    await send({ type: 'vault.lock' });
    assert.equal(await page.evaluate((n) => chrome.alarms.get(n), AUTOLOCK_ALARM), undefined, 'lock clears the alarm');
    const t0 = Date.now();
    assert.deepEqual(await send({ type: 'vault.unlock', password: PASSWORD }), { ok: true });
    const t1 = Date.now();
    const alarm = await page.evaluate((n) => chrome.alarms.get(n), AUTOLOCK_ALARM);
    assert.ok(alarm, 'an auto-lock alarm exists');
    assert.ok(alarm.scheduledTime >= t0 + 15 * 60_000 && alarm.scheduledTime <= t1 + 15 * 60_000 + 1000, `fires 15 min after the unlock (${alarm.scheduledTime - t0} ms)`);
    // Let the real alarm fire now: reschedule the same alarm (Chrome delivers it to the worker's
    // onAlarm listener; unpacked extensions are not held to the 30 s minimum).
    await page.evaluate((n) => chrome.alarms.create(n, { when: Date.now() + 200 }), AUTOLOCK_ALARM);
    await until(() => send({ type: 'accounts.list' }), (a) => a.error?.code === 'vault_locked', { what: 'the alarm to lock the vault' });
    assert.deepEqual(await page.evaluate(() => chrome.storage.session.get(null)), {});

    // "Never": no alarm after unlocking.
    assert.deepEqual(await send({ type: 'vault.setAutolock', minutes: 0 }), { ok: true });
    await send({ type: 'vault.unlock', password: PASSWORD });
    assert.equal(await page.evaluate((n) => chrome.alarms.get(n), AUTOLOCK_ALARM), undefined);
    assert.deepEqual(await send({ type: 'vault.setAutolock', minutes: 7 }), { ok: false, error: { code: 'autolock_invalid' } });
  });

  it('the system locking the screen (chrome.idle state "locked") locks the vault; other states do not', async () => {
    await addAccounts(['SHA1']);
    await setPassword();
    await openPopup();
    await until(readTiles, (t) => t.length === 1, { what: 'a tile' });
    for (const state of ['active', 'idle']) {
      assert.deepEqual(await send({ type: 'test.idleState', state }), { ok: true });
      assert.equal((await send({ type: 'accounts.list' })).ok, true, `still open after "${state}"`);
    }
    assert.deepEqual(await send({ type: 'test.idleState', state: 'locked' }), { ok: true });
    assert.deepEqual(await send({ type: 'accounts.list' }), { ok: false, error: { code: 'vault_locked' } });
    assert.deepEqual(await page.evaluate(() => chrome.storage.session.get(null)), {});
    // The open popup noticed without being reloaded.
    await until(() => page.isVisible('#unlock-form'), Boolean, { what: 'the popup to show the unlock form' });
  });

  it('change password (options page): the old password fails afterwards, the new one opens', async () => {
    await addAccounts(['SHA1']);
    await setPassword();
    await page.goto(`chrome-extension://${extensionId}/${OPTIONS_PATH}`);
    await until(() => page.textContent('#password-status'), (t) => t === message('passwordStatusSet'), { what: 'status' });
    assert.equal(await page.textContent('#password-submit'), message('changePassword'));
    await page.fill('#current-password', PASSWORD);
    await page.fill('#new-password', 'a new and longer passphrase');
    assert.match(await page.textContent('#strength'), /^Strength: /);
    await page.fill('#confirm-password', 'a new and longer passphrase');
    const oldGeneration = generations(await localStorage())[0].bytes;
    await page.click('#password-submit');
    await until(() => page.textContent('#status'), (t) => t === message('passwordSaved'), { what: 'saved' });
    const newGeneration = generations(await localStorage())[0].bytes;
    assert.notDeepEqual(newGeneration.subarray(26, 42), oldGeneration.subarray(26, 42), 'a new salt');

    await send({ type: 'vault.lock' });
    assert.deepEqual(await send({ type: 'vault.unlock', password: PASSWORD }), { ok: false, error: { code: 'vault_decrypt' } });
    assert.deepEqual(await send({ type: 'vault.unlock', password: 'a new and longer passphrase' }), { ok: true });
    // A change needs the current password.
    assert.deepEqual(await send({ type: 'vault.setPassword', current: 'wrong', password: 'x' }), { ok: false, error: { code: 'vault_decrypt' } });
  });

  it('set password in the options page with a strength estimate; remove it with a warning', async () => {
    await addAccounts(['SHA1']);
    await page.goto(`chrome-extension://${extensionId}/${OPTIONS_PATH}`);
    await until(() => page.textContent('#password-status'), (t) => t === message('passwordStatusNone'), { what: 'status' });
    assert.equal(await page.isVisible('#current-row'), false);
    await page.fill('#new-password', 'password');
    // The most common password of all is rated at the bottom of the scale.
    const [prefix] = message('strengthLabel', [message('strength0'), '\u0000']).split('\u0000');
    assert.ok((await page.textContent('#strength')).startsWith(prefix), await page.textContent('#strength'));
    await page.fill('#new-password', PASSWORD);
    await page.fill('#confirm-password', 'different');
    await page.click('#password-submit');
    assert.equal(await until(() => page.textContent('#password-error'), (t) => t !== '' && t !== message('working')), message('err_password_mismatch'));
    await page.fill('#confirm-password', PASSWORD);
    await page.click('#password-submit');
    await until(() => page.textContent('#password-status'), (t) => t === message('passwordStatusSet'), { what: 'protected' });
    assert.equal(slotKind(generations(await localStorage())[0].bytes), 'password');

    assert.equal(await page.isVisible('#remove-form'), true);
    assert.equal(await page.textContent('#remove-form .warning'), message('removePasswordWarning'));
    await page.fill('#remove-current', 'wrong');
    await page.click('#remove-submit');
    assert.equal(await until(() => page.textContent('#remove-error'), (t) => t !== '' && t !== message('working')), message('err_vault_decrypt'));
    await page.fill('#remove-current', PASSWORD);
    await page.click('#remove-submit');
    await until(() => page.textContent('#password-status'), (t) => t === message('passwordStatusNone'), { what: 'unprotected' });
    const gens = generations(await localStorage());
    assert.equal(gens.length, 1);
    assert.equal(slotKind(gens[0].bytes), 'none');
    assert.equal((await send({ type: 'accounts.list' })).accounts[0].code, rfcCode('SHA1', 59));
  });

  it('new passwords use 600,000 PBKDF2 iterations by default, and unlock with them', async () => {
    await page.evaluate(() => chrome.storage.local.remove('test.iterations'));
    await addAccounts(['SHA512']);
    await setPassword();
    assert.equal(iterationsOf(generations(await localStorage())[0].bytes), 600_000);
    await send({ type: 'vault.lock' });
    assert.deepEqual(await send({ type: 'vault.unlock', password: PASSWORD }), { ok: true });
    assert.equal((await send({ type: 'accounts.list' })).accounts[0].code, rfcCode('SHA512', 59));
  });

  for (const [pause, survives] of [['afterGeneration', 'old'], ['afterPointer', 'new']]) {
    it(`a worker stopped mid-save (${pause}) leaves the ${survives} vault, and the next start tidies`, async () => {
      await addAccounts(['SHA1']);
      await page.evaluate((p) => chrome.storage.local.set({ 'test.savePause': p }), pause);
      // This save stops at the pause and never answers.
      page.evaluate((a) => chrome.runtime.sendMessage({ type: 'accounts.add', account: a }), rfcAccount('SHA256')).catch(() => {});
      await until(async () => generations(await localStorage()).length, (n) => n === 2, { what: 'the new generation written' });
      await stopWorker({ ctx, extensionId, page });
      await page.evaluate(() => chrome.storage.local.remove('test.savePause'));
      await openPopup();
      const tiles = await until(readTiles, (t) => t.length > 0, { what: 'tiles after the restart' });
      assert.deepEqual(tiles.map((t) => t.issuer), survives === 'old' ? ['RFC SHA1'] : ['RFC SHA1', 'RFC SHA256']);
      const gens = await until(async () => generations(await localStorage()), (g) => g.length === 1, { what: 'one generation after tidying' });
      const pointer = Buffer.from((await localStorage())['vault.current'], 'base64').readBigUInt64BE();
      assert.equal(gens[0].key, `vault.${pointer}`);
    });
  }

  it('a password set interrupted before the old generation is removed leaves no plaintext after the next start, even locked', async () => {
    await addAccounts();
    await page.evaluate(() => chrome.storage.local.set({ 'test.savePause': 'afterPointer' }));
    page.evaluate((pw) => chrome.runtime.sendMessage({ type: 'vault.setPassword', password: pw }), PASSWORD).catch(() => {});
    await until(async () => generations(await localStorage()).length, (n) => n === 2, { what: 'the protected generation written' });
    const newest = (all) => Math.max(...generations(all).map((g) => Number(g.key.slice(6))));
    await until(localStorage, (all) => all['vault.current'] && Number(Buffer.from(all['vault.current'], 'base64').readBigUInt64BE()) === newest(all), {
      what: 'the pointer switched to the protected generation',
    });
    await stopWorker({ ctx, extensionId, page });
    await page.evaluate(() => chrome.storage.local.remove('test.savePause'));
    await openPopup();
    assert.equal(await page.isVisible('#unlock-form'), true, 'the session key was never stored: locked');
    const all = await until(localStorage, (a) => generations(a).length === 1, { what: 'the old generation removed' });
    assertNoSecrets(all);
    assert.equal(slotKind(generations(all)[0].bytes), 'password');
  });

  it('encrypted backup: download, restore with its password, merge without duplicates, choose a conflict', async () => {
    await send({ type: 'accounts.add', account: rfcAccount('SHA1', 'Mine') });
    await send({ type: 'accounts.add', account: rfcAccount('SHA256', 'Only in backup') });
    await page.goto(`chrome-extension://${extensionId}/${OPTIONS_PATH}`);
    await page.click('#export');
    assert.equal(await until(() => page.textContent('#export-error'), (t) => t !== '' && t !== message('working')), message('err_backup_needs_password'));
    await setPassword();
    await page.reload();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    assert.match(download.suggestedFilename(), /^tessera-backup-\d{4}-\d{2}-\d{2}\.tsrvault$/);
    const file = fs.readFileSync(await download.path());
    assert.equal(slotKind(file), 'password', 'the backup is encrypted');
    assert.equal(file.toString('base64'), generations(await localStorage())[0].bytes.toString('base64'), 'the vault as stored');

    // Another vault: the SHA1 account under another label, plus one of its own.
    await page.evaluate(async () => {
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
      await chrome.storage.local.set({ 'test.iterations': 10_000 });
    });
    await pinClock(59_000);
    await send({ type: 'accounts.add', account: rfcAccount('SHA1', 'Theirs') });
    await send({ type: 'accounts.add', account: rfcAccount('SHA512', 'Only here') });
    await page.goto(`chrome-extension://${extensionId}/${OPTIONS_PATH}`);
    await page.setInputFiles('#backup-file', { name: 'backup.tsrvault', mimeType: 'application/octet-stream', buffer: file });

    const before = await localStorage();
    await page.fill('#backup-password', 'wrong');
    await page.click('#import-submit');
    assert.equal(await until(() => page.textContent('#import-error'), (t) => t !== '' && t !== message('working')), message('err_vault_decrypt'));
    assert.deepEqual(await localStorage(), before, 'a wrong backup password changes nothing');

    await page.fill('#backup-password', PASSWORD);
    await page.click('#import-submit');
    assert.equal(await until(() => page.textContent('#import-result'), (t) => t !== ''), message('importResult', ['1', '0']));
    assert.equal(await page.$$eval('#conflict-list li', (l) => l.length), 1);
    assert.match(await page.textContent('#conflict-list .current'), /Theirs/);
    assert.match(await page.textContent('#conflict-list .imported'), /Mine/);
    let listed = (await send({ type: 'accounts.list' })).accounts;
    assert.deepEqual(listed.map((a) => a.issuer).sort(), ['Only here', 'Only in backup', 'Theirs'], 'no duplicate, nothing overwritten');

    await page.click('#conflict-list .use-imported');
    await until(() => page.textContent('#conflict-list .result'), (t) => t === message('conflictResolved'));
    listed = (await send({ type: 'accounts.list' })).accounts;
    assert.deepEqual(listed.map((a) => a.issuer).sort(), ['Mine', 'Only here', 'Only in backup']);
    for (const a of listed) {
      const mode = { Mine: 'SHA1', 'Only here': 'SHA512', 'Only in backup': 'SHA256' }[a.issuer];
      assert.equal(a.code, rfcCode(mode, 59), `${a.issuer}: RFC 6238 code`);
    }
    // Restoring the same file again adds nothing.
    await page.fill('#backup-password', PASSWORD);
    await page.click('#import-submit');
    await until(() => page.textContent('#import-result'), (t) => t === message('importResult', ['0', '2']));
    assert.equal((await send({ type: 'accounts.count' })).count, 3);
  });
});
