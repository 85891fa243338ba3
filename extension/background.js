// The background: Chrome's service worker, Firefox's event page (the same module).
//
// It can be stopped at any moment, so every listener is registered synchronously below, before any
// await, and nothing important lives in globals: accounts are read from storage.local on every
// request. Answers carry labels and codes, never secrets or URIs.
//
// storage.local["accounts"] = [{ id, uri, added }]: `uri` is the canonical otpauth URI written by the
// core (the vault issue replaces this with encrypted records); `id` is random and stable.
import init, { codeAt, parseUri, writeUri } from './pkg/tessera_wasm.js';
import { api, extensionOrigin, wasmUrl } from './compat.js';
import { loadClock, now } from './lib/clock.js';
import { MSG } from './lib/messaging.js';
import { isOwnPage } from './lib/trust.js';

const ACCOUNTS_KEY = 'accounts';

/** An error with a stable code for the answer (codes of the core arrive as TesseraError). */
class CodedError extends Error {
  constructor(code) {
    super(code);
    this.name = 'CodedError';
    this.code = code;
  }
}

function codeOf(error) {
  if ((error?.name === 'TesseraError' || error instanceof CodedError) && typeof error.code === 'string') {
    return error.code;
  }
  return 'generic';
}

// Every message handled here is a vault message: accepted from our own pages only (lib/trust.js).
api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!isOwnPage(sender, api.runtime.id, extensionOrigin)) {
    sendResponse({ ok: false, error: { code: 'not_allowed' } });
    return false;
  }
  handle(message).then(sendResponse, (error) => sendResponse({ ok: false, error: { code: codeOf(error) } }));
  return true;
});

/** Raw records as stored (entries that are not records are kept, and skipped when read). */
async function storedRecords() {
  const stored = await api.storage.local.get(ACCOUNTS_KEY);
  const records = stored[ACCOUNTS_KEY];
  return Array.isArray(records) ? records : [];
}

function isRecord(r) {
  return r !== null && typeof r === 'object' && typeof r.id === 'string' && typeof r.uri === 'string';
}

const ready = (async () => {
  await init({ module_or_path: wasmUrl });
  await storedRecords();
})();

/** Storage writes run one after another through this chain, so read–check–write cannot interleave. */
let writes = Promise.resolve();
function serialized(task) {
  const run = writes.then(task);
  writes = run.catch(() => {});
  return run;
}

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function handle(message) {
  await ready;
  switch (message?.type) {
    case MSG.LIST:
      return list();
    case MSG.ADD:
      return add(message.account);
    case MSG.COUNT:
      return { ok: true, count: (await storedRecords()).filter(isRecord).length };
    default:
      throw new CodedError('unknown_message');
  }
}

/** Labels and current codes; an unreadable record becomes a tile with an error code. */
async function list() {
  await loadClock();
  const t = now();
  const accounts = (await storedRecords()).filter(isRecord).map(({ id, uri }) => {
    try {
      const a = parseUri(uri);
      const c = codeAt(a, t);
      return {
        id,
        type: a.type,
        issuer: a.issuer,
        account: a.account,
        digits: a.digits,
        period: a.period,
        code: c.code,
        counter: c.counter,
        validFrom: c.validFrom,
        validUntil: c.validUntil,
      };
    } catch (error) {
      return { id, error: codeOf(error) };
    }
  });
  return { ok: true, now: t, accounts };
}

/** Adds an account object unless one with the same type and secret exists. */
async function add(account) {
  if (account === null || typeof account !== 'object') throw new CodedError('account_invalid');
  await loadClock();
  codeAt(account, now()); // the core validates type, algorithm, secret, digits and period
  const uri = writeUri(account);
  const added = parseUri(uri); // exactly what list() will read back
  return serialized(async () => {
    const records = await storedRecords();
    for (const record of records.filter(isRecord)) {
      let existing;
      try {
        existing = parseUri(record.uri);
      } catch {
        continue;
      }
      if (existing.type === added.type && existing.secret === added.secret) {
        throw new CodedError('account_duplicate');
      }
    }
    const id = randomId();
    try {
      await api.storage.local.set({ [ACCOUNTS_KEY]: [...records, { id, uri, added: Date.now() }] });
    } catch {
      throw new CodedError('storage');
    }
    return { ok: true, id };
  });
}
