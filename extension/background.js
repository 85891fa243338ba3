// The background: Chrome's service worker, Firefox's event page (the same module). It owns the vault.
//
// It can be stopped at any moment, so every listener is registered synchronously below, before any
// await, and nothing important lives in globals: the open vault is a wasm-owned VaultHandle kept in
// `cache` only as long as storage still holds exactly the generation it was opened from. Answers
// carry labels and codes, never secrets, keys or URIs.
//
// storage.local (docs/vault-format.md section 7, values as base64 text):
//   vault.<n>          generation n: a whole sealed vault (password slot, or a "none" slot before a
//                      password is set)
//   vault.current      the current generation number, 8 bytes big-endian
//   device.id          this installation's 8-byte device id (hex), for the vault's update stamps
//   settings.autolock  minutes until the vault locks itself after an unlock; 0 = never
//   accounts           the foundation's plaintext accounts [{ id, uri, added }]: moved into the
//                      vault on the first start, then removed
// storage.session (trusted contexts only; emptied by the browser on restart):
//   vault.sessionKey   the data key of the unlocked vault (see SESSION KEY below); never the password
import init, { VaultHandle, codeAt, planSave, planTidy, selectCurrent, vaultHeader } from './pkg/tessera_wasm.js';
import { TEST_BUILD } from './build-flags.js';
import { api, extensionOrigin, wasmUrl } from './compat.js';
import { fromBase64, fromHex, toBase64, toHex } from './lib/bytes.js';
import { loadClock, now } from './lib/clock.js';
import { PBKDF2_ITERATIONS, derivePasswordBits, newSalt } from './lib/kdf.js';
import { MSG } from './lib/messaging.js';
import { MAX_TIME_TRAVEL_STEPS } from './lib/settings.js';
import { isOwnPage } from './lib/trust.js';
import { CodedError, codeOf } from './worker/errors.js';
import { handlerFor, provideContext } from './worker/registry.js';
// Feature modules: each registers its requests (worker/registry.js).
import './worker/fill.js';
import './worker/import.js';
import './worker/export.js';
import './worker/accounts.js';
import './worker/sync.js';

const LEGACY_KEY = 'accounts';
const POINTER_KEY = 'vault.current';
const DEVICE_KEY = 'device.id';
const AUTOLOCK_KEY = 'settings.autolock';
const SESSION_KEY = 'vault.sessionKey';
const AUTOLOCK_ALARM = 'tessera.autolock';
/** Minutes until the vault locks itself after an unlock, unless the user chose otherwise. */
const DEFAULT_AUTOLOCK_MINUTES = 15;
const AUTOLOCK_CHOICES = [0, 1, 5, 15, 30, 60, 240];
// Test builds only: PBKDF2 iterations for new passwords (the 10,000 floor keeps tests fast), and a
// pause inside a save ('afterGeneration' or 'afterPointer') so a test can stop the worker there.
const TEST_ITERATIONS_KEY = 'test.iterations';
const TEST_SAVE_PAUSE_KEY = 'test.savePause';

// ---- Listeners (synchronous, top level) --------------------------------------------------------

// Every message handled here is a vault message: accepted from our own pages only (lib/trust.js).
api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!isOwnPage(sender, api.runtime.id, extensionOrigin)) {
    sendResponse({ ok: false, error: { code: 'not_allowed' } });
    return false;
  }
  handle(message).then(sendResponse, (error) => sendResponse({ ok: false, error: { code: codeOf(error) } }));
  return true;
});

api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === AUTOLOCK_ALARM) ready.then(lock).catch(() => {});
});

// The system locked the screen (Chrome reports it; Firefox reports only active/idle).
function onIdleState(state) {
  return state === 'locked' ? ready.then(lock).catch(() => {}) : Promise.resolve();
}
api.idle?.onStateChanged.addListener(onIdleState);

// SESSION KEY: storage.session must not be readable by content scripts. TRUSTED_CONTEXTS is Chrome's
// default; say so explicitly where the call exists (Firefox keeps it to extension pages anyway).
try {
  api.storage.session.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })?.catch?.(() => {});
} catch {
  // Not supported: the browser's default applies.
}

const ready = init({ module_or_path: wasmUrl });

// ---- Storage: generations, the open vault, the session key --------------------------------------

/** The open vault (a cache: valid while storage holds the generation it came from). */
let cache = null; // { handle, key, stored }

/**
 * False while nothing in storage.local or storage.session has changed since current() last read
 * them: then the open vault is still what storage holds and current() skips the full read and the
 * decoding of every stored generation (500 accounts: an accounts.count round trip went from
 * 3.5-4.1 ms to 2.3 ms).
 * Any change counts, this worker's own writes too (their events arrive after the write: the next
 * request reads again). Set before the read, so a change during the read counts as well.
 */
let storeChanged = true;
api.storage.onChanged.addListener((_changes, area) => {
  if (area === 'local' || area === 'session') storeChanged = true;
});

function dropCache() {
  if (cache) {
    cache.handle.free(); // wasm zeroizes the secrets and the data key
    cache = null;
  }
}

/** Writes run one after another through this chain, so read–check–write cannot interleave. */
let writes = Promise.resolve();
function serialized(task) {
  const run = writes.then(task);
  writes = run.catch(() => {});
  return run;
}

async function localSet(items) {
  try {
    await api.storage.local.set(items);
  } catch {
    throw new CodedError('storage');
  }
}

async function localRemove(keys) {
  if (keys.length === 0) return;
  try {
    await api.storage.local.remove(keys);
  } catch {
    throw new CodedError('storage');
  }
}

/** This installation's device id (8 random bytes, made once). */
async function deviceId(all) {
  const known = fromHex(all[DEVICE_KEY], 8);
  if (known) return known;
  const id = crypto.getRandomValues(new Uint8Array(8));
  await localSet({ [DEVICE_KEY]: toHex(id) });
  return id;
}

/** Everything in storage.local, with the vault entries decoded for the core's store functions. */
async function readStore() {
  const all = await api.storage.local.get(null);
  const keys = Object.keys(all).filter((k) => k.startsWith('vault.') && k !== POINTER_KEY);
  const values = keys.map((k) => fromBase64(all[k]));
  const pointer = typeof all[POINTER_KEY] === 'string' ? fromBase64(all[POINTER_KEY]) : undefined;
  return { all, keys, values, pointer };
}

async function testPause(point) {
  if (!TEST_BUILD) return;
  const stored = await api.storage.local.get(TEST_SAVE_PAUSE_KEY);
  if (stored[TEST_SAVE_PAUSE_KEY] === point) await new Promise(() => {}); // until the test stops the worker
}

/**
 * Saves the handle's sealed vault as the core's store plan says (vault-format.md section 7): the new
 * generation, then the pointer, then removal of every other generation. A worker stopped between
 * any two writes leaves the old or the new vault; the next read tidies what is left.
 */
async function save(handle) {
  const sealed = toBase64(handle.sealed());
  // Nothing changed since this handle was opened or last saved (a look at recently deleted with
  // nothing to purge, an import of duplicates only): no new generation, no sync round.
  if (cache?.handle === handle && cache.stored === sealed) return;
  const all = await api.storage.local.get(null);
  const pointer = typeof all[POINTER_KEY] === 'string' ? fromBase64(all[POINTER_KEY]) : undefined;
  const plan = planSave(Object.keys(all), pointer);
  await localSet({ [plan.generationKey]: sealed });
  await testPause('afterGeneration');
  await localSet({ [POINTER_KEY]: toBase64(plan.pointerValue) });
  await testPause('afterPointer');
  await localRemove(plan.removeAfter);
  if (cache?.handle !== handle) dropCache();
  cache = { handle, key: plan.generationKey, stored: sealed };
}

// SESSION KEY — KEY IN JAVASCRIPT (2 of 2; the other is lib/kdf.js): while unlocked, the vault's data key is
// kept in chrome.storage.session (memory only, trusted contexts only, emptied on browser restart), so
// a restarted worker stays unlocked. It is base64 text there and briefly a Uint8Array here (wiped by
// wasm on use); removed on lock, on the auto-lock alarm and when the system locks. Never the password.
async function storeSessionKey(handle) {
  const key = handle.sessionKey();
  try {
    await api.storage.session.set({ [SESSION_KEY]: toBase64(key) });
  } finally {
    key.fill(0);
  }
}

async function sessionKey() {
  const stored = await api.storage.session.get(SESSION_KEY);
  return typeof stored[SESSION_KEY] === 'string' ? fromBase64(stored[SESSION_KEY]) : null;
}

/**
 * The vault as storage holds it now: { handle } when open, { locked: true, sealed } when it needs the
 * password. On the first start, the foundation's plaintext accounts move into a new vault.
 */
async function current() {
  await ready;
  if (cache && !storeChanged) return { handle: cache.handle };
  storeChanged = false;
  const store = await readStore();
  const device = await deviceId(store.all);
  const selected = selectCurrent(store.pointer, store.keys, store.values);
  if (!selected) {
    dropCache();
    const handle = VaultHandle.create(device);
    await importLegacy(handle, store.all);
    return { handle };
  }
  const key = store.keys[selected.index];
  const sealed = store.values[selected.index];
  // Finish an interrupted save (needs no key): no older copy, perhaps without a password, survives.
  await localRemove(planTidy(store.pointer, store.keys, store.values));
  if (cache && cache.key === key && cache.stored === store.all[key]) {
    await importLegacy(cache.handle, store.all);
    return { handle: cache.handle };
  }
  dropCache();
  let handle;
  if (!vaultHeader(sealed).protected) {
    handle = VaultHandle.openUnprotected(sealed, device);
  } else {
    const locked = { locked: true, sealed, device, key, stored: store.all[key], all: store.all };
    const session = await sessionKey();
    if (!session) return locked;
    try {
      handle = VaultHandle.openWithSessionKey(sealed, session, device);
    } catch {
      return locked; // a key from before a password change
    } finally {
      session.fill(0);
    }
  }
  cache = { handle, key, stored: store.all[key] };
  await importLegacy(handle, store.all);
  return { handle };
}

/**
 * Moves the foundation's accounts (storage.local["accounts"], canonical otpauth URIs) into the vault
 * and removes them. An account already in the vault (same type and secret) is not added twice.
 * Saves before removing, so a stop in between loses nothing (the next start finds them again and
 * skips the duplicates).
 */
async function importLegacy(handle, all) {
  const legacy = all[LEGACY_KEY];
  const isNew = !cache || cache.handle !== handle;
  if (legacy === undefined) {
    if (isNew) await save(handle);
    return;
  }
  for (const record of Array.isArray(legacy) ? legacy : []) {
    if (record === null || typeof record !== 'object' || typeof record.uri !== 'string') continue;
    try {
      handle.addUri(record.uri, Number.isFinite(record.added) ? record.added : Date.now());
    } catch {
      // A duplicate, or a record the foundation could not have written: nothing to move.
    }
  }
  await save(handle);
  await localRemove([LEGACY_KEY]);
}

/** The open vault, or the error `vault_locked`. */
async function openVault() {
  const state = await current();
  if (state.locked) throw new CodedError('vault_locked');
  return state.handle;
}

/**
 * Runs `change(handle)` on the open vault, saves, then runs `after(handle)` (session key, alarm) in
 * the same turn of the write chain. On any failure storage is the truth again.
 */
function mutate(change, after = async () => {}) {
  return serialized(async () => {
    const handle = await openVault();
    let result;
    try {
      result = await change(handle);
      await save(handle);
    } catch (error) {
      dropCache();
      throw error;
    }
    await after(handle);
    return result;
  });
}

// ---- Lock, unlock, auto-lock ---------------------------------------------------------------------

async function autolockMinutes() {
  const stored = await api.storage.local.get(AUTOLOCK_KEY);
  const m = stored[AUTOLOCK_KEY];
  return AUTOLOCK_CHOICES.includes(m) ? m : DEFAULT_AUTOLOCK_MINUTES;
}

async function scheduleAutolock() {
  await api.alarms.clear(AUTOLOCK_ALARM);
  const minutes = await autolockMinutes();
  if (minutes > 0) await api.alarms.create(AUTOLOCK_ALARM, { delayInMinutes: minutes });
}

/** Forgets the data key everywhere (wasm, session storage). The vault stays as stored. */
function lock() {
  return serialized(async () => {
    dropCache();
    await api.storage.session.remove(SESSION_KEY);
    await api.alarms.clear(AUTOLOCK_ALARM);
    return { ok: true };
  });
}

function passwordOf(value) {
  if (typeof value !== 'string' || value === '') throw new CodedError('password_empty');
  return value;
}

/** Derives with the vault's own salt and iterations and opens it; `vault_decrypt` when wrong. */
async function openWithPassword(sealed, password, device) {
  const header = vaultHeader(sealed);
  if (!header.protected) throw new CodedError('vault_no_password_slot');
  const bits = await derivePasswordBits(password, header.salt, header.iterations);
  try {
    return VaultHandle.openWithKey(sealed, bits, device);
  } finally {
    bits.fill(0);
  }
}

function unlock(password) {
  passwordOf(password);
  return serialized(async () => {
    const state = await current();
    if (!state.locked) return { ok: true }; // open already (or no password)
    const handle = await openWithPassword(state.sealed, password, state.device);
    dropCache();
    cache = { handle, key: state.key, stored: state.stored };
    await storeSessionKey(handle);
    await scheduleAutolock();
    await importLegacy(handle, state.all);
    return { ok: true };
  });
}

/** Checks `password` against the open vault's own slot. */
async function checkPassword(handle, password) {
  const header = vaultHeader(handle.sealed());
  if (!header.protected) throw new CodedError('vault_no_password_slot');
  const bits = await derivePasswordBits(password, header.salt, header.iterations);
  try {
    handle.checkKey(bits);
  } finally {
    bits.fill(0);
  }
}

async function newPasswordIterations() {
  if (!TEST_BUILD) return PBKDF2_ITERATIONS;
  const stored = await api.storage.local.get(TEST_ITERATIONS_KEY);
  return Number.isInteger(stored[TEST_ITERATIONS_KEY]) ? stored[TEST_ITERATIONS_KEY] : PBKDF2_ITERATIONS;
}

/** Sets a first password, or changes it (`current` required then). The data key is rotated. */
async function setPassword(current, password) {
  passwordOf(password);
  const iterations = await newPasswordIterations();
  await mutate(
    async (handle) => {
      if (handle.isProtected()) await checkPassword(handle, passwordOf(current));
      const salt = newSalt();
      const bits = await derivePasswordBits(password, salt, iterations);
      try {
        handle.setPassword(bits, salt, iterations);
      } finally {
        bits.fill(0);
      }
    },
    async (handle) => {
      await storeSessionKey(handle);
      await scheduleAutolock();
    },
  );
  return { ok: true };
}

async function removePassword(current) {
  await mutate(
    async (handle) => {
      await checkPassword(handle, passwordOf(current));
      handle.removePassword();
    },
    async () => {
      await api.storage.session.remove(SESSION_KEY);
      await api.alarms.clear(AUTOLOCK_ALARM);
    },
  );
  return { ok: true };
}

// ---- Backups -------------------------------------------------------------------------------------

/** The sealed vault as stored (password vaults only: a backup file must be encrypted). */
async function exportBackup() {
  return serialized(async () => {
    const state = await current();
    const sealed = state.locked ? state.sealed : state.handle.sealed();
    if (!vaultHeader(sealed).protected) throw new CodedError('backup_needs_password');
    return { ok: true, data: toBase64(sealed) };
  });
}

/** Opens a backup with its password and merges its accounts (the core decides what is new). */
async function importBackup(data, password) {
  const sealed = fromBase64(data);
  const header = vaultHeader(sealed); // not a vault, too large, too new: a coded error, before any work
  return mutate(async (handle) => {
    const device = fromHex((await api.storage.local.get(DEVICE_KEY))[DEVICE_KEY], 8);
    const other = header.protected
      ? await openWithPassword(sealed, passwordOf(password), device)
      : VaultHandle.openUnprotected(sealed, device);
    try {
      await loadClock();
      return { ok: true, ...handle.merge(other, now()) };
    } finally {
      other.free();
    }
  });
}

// ---- Requests ------------------------------------------------------------------------------------

async function handle(message) {
  await ready;
  switch (message?.type) {
    case MSG.LIST:
      return list(message.offsetSteps);
    case MSG.ADD:
      return add(message.account);
    case MSG.COUNT:
      return serialized(async () => ({ ok: true, count: (await openVault()).count() }));
    case MSG.UPDATE:
      return update(message.id, message.details);
    case MSG.STATUS:
      return status();
    case MSG.UNLOCK:
      return unlock(message.password);
    case MSG.LOCK:
      return lock();
    case MSG.SET_PASSWORD:
      return setPassword(message.current, message.password);
    case MSG.REMOVE_PASSWORD:
      return removePassword(message.current);
    case MSG.SET_AUTOLOCK:
      return setAutolock(message.minutes);
    case MSG.EXPORT:
      return exportBackup();
    case MSG.IMPORT:
      return importBackup(message.data, message.password);
    case 'test.idleState':
      // Test builds only: a test cannot make the system report an idle state, so it hands one to
      // the same handler chrome.idle.onStateChanged calls.
      if (!TEST_BUILD) throw new CodedError('unknown_message');
      await onIdleState(message.state);
      return { ok: true };
    default: {
      const handler = handlerFor(message?.type);
      if (!handler) throw new CodedError('unknown_message');
      return handler(message, CONTEXT);
    }
  }
}

/**
 * What a feature module's handler gets (worker/registry.js): the vault's functions, so that every
 * module reads and writes the vault the same way: one writer, one write chain.
 */
const CONTEXT = Object.freeze({
  /** The open vault's VaultHandle, or CodedError vault_locked. */
  openVault,
  /** mutate(change, after?): runs change(handle) in the write chain and saves the vault. */
  mutate,
  /** serialized(task): runs task in the write chain (reads that must not interleave with writes). */
  serialized,
  /** current(): { handle } or { locked: true, sealed, … } as storage holds it now. */
  current,
  /** checkPassword(handle, password): CodedError/TesseraError unless it is the vault's password. */
  checkPassword,
  /** openWithPassword(sealed, password, device): a VaultHandle for another sealed vault. */
  openWithPassword,
  /** The wasm module's exports are imported by each module itself; `ready` resolves once it is loaded. */
  ready,
});
// Autofill's menu and shortcut listeners are not messages: they get the same context this way.
provideContext(CONTEXT);

function status() {
  return serialized(async () => {
    const state = await current();
    return {
      ok: true,
      locked: Boolean(state.locked),
      protected: Boolean(state.locked) || state.handle.isProtected(),
      autolockMinutes: await autolockMinutes(),
      autolockChoices: AUTOLOCK_CHOICES,
    };
  });
}

async function setAutolock(minutes) {
  if (!AUTOLOCK_CHOICES.includes(minutes)) throw new CodedError('autolock_invalid');
  await localSet({ [AUTOLOCK_KEY]: minutes });
  return serialized(async () => {
    const state = await current();
    if (!state.locked && state.handle.isProtected()) await scheduleAutolock();
    return { ok: true };
  });
}

/** Labels and current codes; never a secret. */
async function list(offsetSteps) {
  // Developer mode (issue 12) asks with offsetSteps (0 for now, or its time travel) and then also
  // gets each account's previous code; codes only, as always.
  if (offsetSteps !== undefined && !(Number.isInteger(offsetSteps) && Math.abs(offsetSteps) <= MAX_TIME_TRAVEL_STEPS)) {
    throw new CodedError('time_travel_invalid');
  }
  // The clock (a storage read in test builds) is read while the vault is opened, not before.
  const clock = loadClock();
  clock.catch(() => {}); // awaited below
  return serialized(async () => {
    const handle = await openVault();
    await clock;
    const t = now();
    return { ok: true, now: t, protected: handle.isProtected(), accounts: handle.list(t, offsetSteps) };
  });
}

/** Adds an account object unless the same one (type and secret) is in the vault. */
async function add(account) {
  if (account === null || typeof account !== 'object') throw new CodedError('account_invalid');
  const { sites, ...fields } = account;
  if (sites !== undefined && !(Array.isArray(sites) && sites.every((s) => typeof s === 'string'))) {
    throw new CodedError('details_invalid');
  }
  await loadClock();
  codeAt(fields, now()); // the core validates type, algorithm, secret, digits and period
  return mutate((handle) => ({ ok: true, id: handle.add(fields, now(), sites) }));
}

async function update(id, details) {
  if (typeof id !== 'string' || details === null || typeof details !== 'object') throw new CodedError('details_invalid');
  await loadClock();
  return mutate((handle) => {
    handle.updateDetails(id, details, now());
    return { ok: true };
  });
}
