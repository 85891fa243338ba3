// Sync through the browser's sync storage (issue 9): storage.sync (Firefox browser.storage.sync)
// holds only the sealed set the core writes (docs/sync-format.md): chunk items `~xyz` and the
// manifest `~m`. This module decides when to run a round and makes the writes; the core merges.
//
// When: a round is scheduled (debounced) when the vault changes (storage.local `vault.current`),
// when sync items change (another device, through the browser), when the vault is unlocked
// (storage.session), on start and on a retry alarm. Rounds run one after another. Each round reads
// every `~` item, merges in wasm (syncStep) without committing; only if the vault must change does
// a second, committing call run inside ctx.mutate (so a round that changes nothing never saves, and
// saving never triggers an endless loop).
//
// Writes: new chunks in one set(), then the manifest, then one remove() of chunks no longer named.
// A worker stopped in between leaves the previous manifest and its chunks intact: readers never see
// a half-written set (the core refuses a manifest whose chunks are missing: sync_incomplete, retried
// by alarm; after three incomplete reads the readable part is merged, which is still a correct join).
// Write operations are counted in storage.local `sync.ops` and kept below 100 a minute and 1,500 an
// hour (Chrome allows 120 and 1,800); a round over either limit waits for the alarm.
//
// Over quota: the vault keeps every account, nothing is written, the status says so.
// Sync needs a vault password of reasonable strength (lib/strength.js level 2 or more) when it is
// set up; the sync key then lives inside the encrypted vault. After the password is changed on
// another device the manifest no longer opens: the status asks for the new password.
//
// storage.local (no secrets): sync.state (base64, the base and conflicts sealed under the sync key),
// sync.status ({ state, at, bytes, items, accounts, notices }), sync.ops (write times, ms).
import {
  syncConflicts,
  syncDisable,
  syncDismissConflicts,
  syncEnable,
  syncSetup,
  syncSlotInfo,
  syncStep,
} from '../pkg/tessera_wasm.js';
import { TEST_BUILD } from '../build-flags.js';
import { api } from '../compat.js';
import { fromBase64, toBase64 } from '../lib/bytes.js';
import { loadClock, now } from '../lib/clock.js';
import { PBKDF2_ITERATIONS, derivePasswordBits, newSalt } from '../lib/kdf.js';
import { MSG } from '../lib/messaging.js';
import { estimateStrength } from '../lib/strength.js';
import { CodedError, codeOf } from './errors.js';
import { context, register } from './registry.js';

export const SYNC_PREFIX = '~';
export const MANIFEST_KEY = '~m';
/** storage.sync QUOTA_BYTES (both browsers). */
export const QUOTA_BYTES = 102_400;
const STATE_KEY = 'sync.state';
const STATUS_KEY = 'sync.status';
const OPS_KEY = 'sync.ops';
const RETRY_ALARM = 'tessera.sync';
/** Lowest lib/strength.js level sync accepts ("fair", 36 bits or more). */
export const MIN_STRENGTH = 2;
/** Quiet time after a change before a round (batches bursts of edits). */
const DEBOUNCE_MS = 2_000;
/** Write limits kept (Chrome: 120 a minute, 1,800 an hour). */
const OPS_PER_MINUTE = 100;
const OPS_PER_HOUR = 1_500;
/** Incomplete reads in a row before the readable part is merged anyway. */
const INCOMPLETE_LIMIT = 3;
// Test builds: PBKDF2 iterations for a new sync slot (as background.js), and a pause after the
// chunk writes ('afterChunks') so a test can stop the worker in the middle of a round.
const TEST_ITERATIONS_KEY = 'test.iterations';
const TEST_PAUSE_KEY = 'test.syncPause';

// ---- Context and scheduling ----------------------------------------------------------------------


let timer = null;
let rounds = Promise.resolve();
let incompleteReads = 0;

/** Runs a round after DEBOUNCE_MS of quiet. */
function schedule(delay = DEBOUNCE_MS) {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    enqueue(() => round()).catch(() => {});
  }, delay);
}

/** Rounds run one after another. */
function enqueue(task) {
  const run = rounds.then(task);
  rounds = run.catch(() => {});
  return run;
}

// Listeners: synchronous, top level.
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes['vault.current']) schedule();
  else if (area === 'sync' && Object.keys(changes).some((k) => k.startsWith(SYNC_PREFIX))) schedule();
  else if (area === 'session' && changes['vault.sessionKey']?.newValue) schedule();
});
api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === RETRY_ALARM) schedule(0);
});
schedule();

// ---- Storage helpers ------------------------------------------------------------------------------

const encoder = new TextEncoder();

/** Our items as [[key, value]], and what the other items use (key plus JSON text, in bytes). */
async function readSync() {
  const all = await api.storage.sync.get(null);
  const items = [];
  let otherBytes = 0;
  let otherItems = 0;
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith(SYNC_PREFIX) && typeof v === 'string') items.push([k, v]);
    else {
      otherBytes += encoder.encode(k).length + encoder.encode(JSON.stringify(v)).length;
      otherItems += 1;
    }
  }
  return { items, otherBytes, otherItems };
}

async function localGet(key) {
  return (await api.storage.local.get(key))[key];
}

async function setStatus(status) {
  const previous = (await localGet(STATUS_KEY)) ?? {};
  const next = { ...status, at: Date.now() };
  // Notices accumulate (the newest 20) until the user has seen them.
  next.notices = [...(previous.notices ?? []), ...(status.newNotices ?? [])].slice(-20);
  delete next.newNotices;
  await api.storage.local.set({ [STATUS_KEY]: next });
}

/** Write operations of the last hour; whether `n` more stay within the limits. */
async function opsAllow(n) {
  const t = Date.now();
  const ops = ((await localGet(OPS_KEY)) ?? []).filter((x) => Number.isFinite(x) && t - x < 3_600_000);
  const lastMinute = ops.filter((x) => t - x < 60_000).length;
  return { ok: lastMinute + n <= OPS_PER_MINUTE && ops.length + n <= OPS_PER_HOUR, ops };
}

async function recordOps(ops, n) {
  const t = Date.now();
  await api.storage.local.set({ [OPS_KEY]: [...ops, ...Array(n).fill(t)] });
}

async function testPause(point) {
  if (!TEST_BUILD) return;
  if ((await localGet(TEST_PAUSE_KEY)) === point) await new Promise(() => {}); // until the test stops the worker
}

function retryLater(minutes = 1) {
  return api.alarms.create(RETRY_ALARM, { delayInMinutes: minutes });
}

// ---- The round ------------------------------------------------------------------------------------

/**
 * One round. `fresh`: write the whole set from this vault, ignoring (and then removing) what storage
 * holds; used once after this device re-keyed sync with a new password. `evenIfChangedHere`: run
 * with the old key although this vault's password changed (the merge just before re-keying).
 */
async function round({ fresh = false, evenIfChangedHere = false } = {}) {
  const ctx = await context();
  await ctx.ready;
  const setup = await ctx.serialized(async () => {
    const state = await ctx.current();
    return state.locked ? null : syncSetup(state.handle);
  });
  if (!setup) return setStatus({ state: 'locked' });
  if (!setup.enabled) return setStatus({ state: 'off' });
  if (!setup.protected) {
    // The vault password was removed: the vault is stored in the clear now, so the sync key must
    // not stay in it. Sync stops until it is turned on again with a password.
    await ctx.mutate((handle) => syncDisable(handle));
    await api.storage.local.remove([STATE_KEY]);
    return setStatus({ state: 'off' });
  }
  if (setup.passwordChangedHere && !evenIfChangedHere) return setStatus({ state: 'password_changed_here' });
  const read = await readSync();
  // Fresh: the old manifest is not read (another key); its chunks are only names to avoid and remove.
  const items = fresh ? read.items.filter(([k]) => k !== MANIFEST_KEY) : read.items;
  const stored = await localGet(STATE_KEY);
  const local = typeof stored === 'string' ? fromBase64(stored) : undefined;
  await loadClock();
  const allowIncomplete = incompleteReads >= INCOMPLETE_LIMIT;
  const step = (handle, commit) =>
    syncStep(handle, items, read.otherBytes, read.otherItems, local, now(), allowIncomplete, commit);
  let result;
  try {
    result = await ctx.serialized(async () => step(await ctx.openVault(), false));
    if (result.vaultChanged) result = await ctx.mutate((handle) => step(handle, true));
  } catch (error) {
    const code = codeOf(error);
    if (code === 'sync_key_changed') return setStatus({ state: 'needs_password' });
    if (code === 'sync_incomplete') {
      incompleteReads += 1;
      await retryLater();
      return setStatus({ state: 'waiting' });
    }
    if (code === 'vault_locked') return setStatus({ state: 'locked' });
    await setStatus({ state: 'error', error: code });
    throw error;
  }
  incompleteReads = 0;
  const usage = { bytes: result.bytes, items: result.items, accounts: result.accounts };
  const newNotices = result.notices.filter((n) => n.kind === 'kept_after_delete').map((n) => n.id);
  if (result.overQuota) {
    await api.storage.local.set({ [STATE_KEY]: toBase64(Uint8Array.from(result.local)) });
    return setStatus({ state: 'over_quota', ...usage, newNotices });
  }
  if (result.writes) {
    const w = result.writes;
    const remove = w.remove;
    const n = (w.set.length > 0 ? 1 : 0) + 1 + (remove.length > 0 ? 1 : 0);
    const allowed = await opsAllow(n);
    if (!allowed.ok) {
      await retryLater();
      return setStatus({ state: 'waiting', ...usage });
    }
    try {
      if (w.set.length > 0) await api.storage.sync.set(Object.fromEntries(w.set));
      await testPause('afterChunks');
      await api.storage.sync.set({ [w.manifestKey]: w.manifestValue });
      if (remove.length > 0) await api.storage.sync.remove(remove);
    } catch {
      // The browser refused (its own quota count, or a write limit): nothing is lost locally.
      await recordOps(allowed.ops, n);
      await retryLater(5);
      return setStatus({ state: 'over_quota', ...usage, newNotices });
    }
    await recordOps(allowed.ops, n);
  }
  await api.storage.local.set({ [STATE_KEY]: toBase64(Uint8Array.from(result.local)) });
  return setStatus({ state: 'ok', ...usage, newNotices });
}

// ---- Requests -------------------------------------------------------------------------------------

async function newIterations() {
  if (!TEST_BUILD) return PBKDF2_ITERATIONS;
  const n = await localGet(TEST_ITERATIONS_KEY);
  return Number.isInteger(n) ? n : PBKDF2_ITERATIONS;
}

function passwordOf(value) {
  if (typeof value !== 'string' || value === '') throw new CodedError('password_empty');
  if (value.length > 4096) throw new CodedError('sync_decrypt');
  return value;
}

/**
 * Takes the sync key from the manifest in storage with `password` (the sync password, set on the
 * first device), or, when there is none yet, or when `rekey` is asked after a password change here,
 * makes a new sync key wrapped under `password`, which must then be this vault's password.
 */
async function takeKey(ctx, password, { rekey = false } = {}) {
  const manifest = (await api.storage.sync.get(MANIFEST_KEY))[MANIFEST_KEY];
  if (typeof manifest === 'string' && !rekey) {
    const { salt, iterations } = syncSlotInfo(manifest);
    const bits = await derivePasswordBits(password, Uint8Array.from(salt), iterations);
    try {
      await ctx.mutate((handle) => {
        if (!handle.isProtected()) throw new CodedError('sync_needs_password');
        syncEnable(handle, manifest, bits, new Uint8Array(0), 0);
      });
    } finally {
      bits.fill(0);
    }
    return false;
  }
  const salt = newSalt();
  const iterations = await newIterations();
  const bits = await derivePasswordBits(password, salt, iterations);
  try {
    await ctx.mutate(async (handle) => {
      if (!handle.isProtected()) throw new CodedError('sync_needs_password');
      await ctx.checkPassword(handle, password);
      syncEnable(handle, undefined, bits, salt, iterations);
    });
  } finally {
    bits.fill(0);
  }
  return true;
}

async function enable(message, ctx) {
  const password = passwordOf(message.password);
  if (estimateStrength(password).level < MIN_STRENGTH) throw new CodedError('sync_weak_password');
  await takeKey(ctx, password);
  await enqueue(() => round());
  return status(ctx);
}

/** The password again: after a change on another device (the manifest's), or on this one. */
async function enterPassword(message, ctx) {
  const password = passwordOf(message.password);
  const setup = await ctx.serialized(async () => syncSetup(await ctx.openVault()));
  if (!setup.enabled) throw new CodedError('sync_not_enabled');
  if (setup.passwordChangedHere) {
    // Changed on this device: merge what storage holds with the old key first, then re-key with the
    // new password and write the whole set under the new key. Other devices then ask for it.
    if (estimateStrength(password).level < MIN_STRENGTH) throw new CodedError('sync_weak_password');
    await ctx.serialized(async () => ctx.checkPassword(await ctx.openVault(), password));
    await enqueue(() => round({ evenIfChangedHere: true })).catch(() => {});
    await takeKey(ctx, password, { rekey: true });
    await enqueue(() => round({ fresh: true }));
    return status(ctx);
  }
  await takeKey(ctx, password);
  await enqueue(() => round());
  return status(ctx);
}

async function disable(message, ctx) {
  await ctx.mutate((handle) => syncDisable(handle));
  await api.storage.local.remove([STATE_KEY]);
  await setStatus({ state: 'off' });
  return status(ctx);
}

async function status(ctx) {
  await ctx.ready;
  const s = (await localGet(STATUS_KEY)) ?? { state: 'off' };
  const stored = await localGet(STATE_KEY);
  const local = typeof stored === 'string' ? fromBase64(stored) : undefined;
  const view = await ctx.serialized(async () => {
    const state = await ctx.current();
    if (state.locked) return { locked: true, enabled: null, protected: true, conflicts: [] };
    const setup = syncSetup(state.handle);
    return { locked: false, ...setup, conflicts: setup.enabled ? syncConflicts(state.handle, local) : [] };
  });
  return {
    ok: true,
    ...view,
    state: view.locked ? 'locked' : !view.enabled ? 'off' : view.passwordChangedHere ? 'password_changed_here' : s.state,
    bytes: s.bytes ?? 0,
    quota: QUOTA_BYTES,
    accounts: s.accounts ?? 0,
    at: s.at ?? null,
    notices: s.notices ?? [],
    minStrength: MIN_STRENGTH,
  };
}

async function dismiss(message, ctx) {
  const stored = await localGet(STATE_KEY);
  const local = typeof stored === 'string' ? fromBase64(stored) : undefined;
  const next = await ctx.serialized(async () => syncDismissConflicts(await ctx.openVault(), local));
  await api.storage.local.set({ [STATE_KEY]: toBase64(next) });
  const s = (await localGet(STATUS_KEY)) ?? {};
  await api.storage.local.set({ [STATUS_KEY]: { ...s, notices: [] } });
  return status(ctx);
}

async function syncNow(message, ctx) {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  await enqueue(() => round());
  return status(ctx);
}

register(MSG.SYNC_STATUS, (message, ctx) => status(ctx));
register(MSG.SYNC_ENABLE, enable);
register(MSG.SYNC_DISABLE, disable);
register(MSG.SYNC_PASSWORD, enterPassword);
register(MSG.SYNC_DISMISS, dismiss);
register(MSG.SYNC_NOW, syncNow);
