// Requests of the popup about single accounts: delete and "recently deleted", restore, pin, manual
// order, HOTP's next code, last use, editing labels and sites, and the details view's reveal.
//
// The vault decides (crate/core/src/vault/body.rs); this module checks the shape of each request,
// supplies the clock and saves through ctx.mutate. Answers carry labels, never a secret, except
// `accounts.reveal`, which needs the password when one is set and an explicit confirmation otherwise.
//
// storage.local["accounts.lastUsed"]: { <record id>: Unix ms } of the last copy or fill of each
// account, for the popup's "last used" order. Not secret (ids and times), so outside the vault.
import { loadClock, now } from '../lib/clock.js';
import { api } from '../compat.js';
import { CodedError } from './errors.js';
import { register } from './registry.js';

export const LAST_USED_KEY = 'accounts.lastUsed';
/** Most entries kept in the last-used map (the vault's record limit). */
const MAX_LAST_USED = 10_000;

const ID = /^[0-9a-f]{16}$/;

function idOf(value) {
  if (typeof value !== 'string' || !ID.test(value)) throw new CodedError('id_invalid');
  return value;
}

async function time() {
  await loadClock();
  return now();
}

/** Runs `change(handle, t)` in the write chain at the current time and saves. */
async function change(ctx, fn) {
  const t = await time();
  return ctx.mutate((handle) => fn(handle, t));
}

register('accounts.delete', (message, ctx) => {
  const id = idOf(message.id);
  return change(ctx, (handle, t) => {
    handle.purgeExpired(t);
    handle.remove(id, t);
    return { ok: true };
  });
});

register('accounts.erase', (message, ctx) => {
  const id = idOf(message.id);
  return change(ctx, (handle, t) => {
    handle.erase(id, t);
    return { ok: true };
  });
});

register('accounts.listDeleted', (message, ctx) =>
  // Saving here too: accounts past their 30 days become plain tombstones when the list is looked at.
  change(ctx, (handle, t) => {
    handle.purgeExpired(t);
    return { ok: true, now: t, deleted: handle.listDeleted(t) };
  }),
);

register('accounts.restore', (message, ctx) => {
  const id = idOf(message.id);
  return change(ctx, (handle, t) => {
    handle.purgeExpired(t);
    handle.restore(id, t);
    return { ok: true };
  });
});

register('accounts.pin', (message, ctx) => {
  const id = idOf(message.id);
  if (typeof message.pinned !== 'boolean') throw new CodedError('details_invalid');
  return change(ctx, (handle, t) => {
    handle.setPinned(id, message.pinned, t);
    return { ok: true };
  });
});

register('accounts.move', (message, ctx) => {
  const id = idOf(message.id);
  const target = idOf(message.target);
  if (typeof message.after !== 'boolean') throw new CodedError('details_invalid');
  return change(ctx, (handle, t) => {
    handle.moveRecord(id, target, message.after, t);
    return { ok: true };
  });
});

register('accounts.hotpNext', (message, ctx) => {
  const id = idOf(message.id);
  return change(ctx, (handle, t) => {
    const counter = handle.hotpNext(id, t);
    const account = handle.list(t).find((a) => a.id === id);
    return { ok: true, counter, account };
  });
});

register('accounts.edit', (message, ctx) => {
  const id = idOf(message.id);
  const { issuer, account, sites } = message;
  if (typeof issuer !== 'string' || typeof account !== 'string') throw new CodedError('details_invalid');
  if (!(Array.isArray(sites) && sites.every((s) => typeof s === 'string'))) throw new CodedError('details_invalid');
  return change(ctx, (handle, t) => {
    handle.editLabels(id, issuer, account, sites, t);
    return { ok: true };
  });
});

/** Records that account `id` was just used (copied or filled). */
register('accounts.markUsed', (message, ctx) => {
  const id = idOf(message.id);
  return ctx.serialized(async () => {
    const t = Date.now();
    const stored = (await api.storage.local.get(LAST_USED_KEY))[LAST_USED_KEY];
    const map = stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? { ...stored } : {};
    map[id] = t;
    const ids = Object.keys(map);
    if (ids.length > MAX_LAST_USED) {
      ids.sort((a, b) => map[a] - map[b]);
      for (const old of ids.slice(0, ids.length - MAX_LAST_USED)) delete map[old];
    }
    try {
      await api.storage.local.set({ [LAST_USED_KEY]: map });
    } catch {
      throw new CodedError('storage');
    }
    return { ok: true };
  });
});

/**
 * The secret and otpauth URI of account `id`, for the details view (QR code to move the account to
 * a phone). With a password set, `password` must be the vault's password (vault_decrypt if not);
 * without one, `confirmed: true` says the user confirmed the warning.
 */
register('accounts.reveal', (message, ctx) => {
  const id = idOf(message.id);
  return ctx.serialized(async () => {
    const handle = await ctx.openVault();
    if (handle.isProtected()) {
      if (typeof message.password !== 'string' || message.password === '') throw new CodedError('password_empty');
      await ctx.checkPassword(handle, message.password);
    } else if (message.confirmed !== true) {
      throw new CodedError('confirmation_required');
    }
    const { secret, uri } = handle.reveal(id);
    return { ok: true, secret, uri };
  });
});
