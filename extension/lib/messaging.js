// Messages between our pages and the background. Requests are `{ type, ...fields }`; answers are
// `{ ok: true, ... }` or `{ ok: false, error: { code } }` with a stable error code (see errorText).
import { api } from '../compat.js';

export const MSG = Object.freeze({
  /** { offsetSteps? } → { ok, now, protected, accounts: [{ id, type, issuer, account, digits, period, sites, pinned, code, nextCode, counter, validFrom, validUntil }] } (never a secret); error vault_locked.
   *  Developer mode sends offsetSteps (0, or its time travel, |n| ≤ 2,880): code/counter are that many of each account's
   *  steps away (HOTP: counters ahead), previousCode/nextCode their neighbours, validFrom/validUntil the real step's; error time_travel_invalid */
  LIST: 'accounts.list',
  /** { account: {type, issuer, account, secret, algorithm, digits, period, counter, sites?} } → { ok, id } */
  ADD: 'accounts.add',
  /** → { ok, count } */
  COUNT: 'accounts.count',
  /** { id, tabId, frameId?, confirmedHost? } → { ok, host, frameId } (worker/fill.js): fills the code
   *  into the frame with a code field whose registrable domain is one of the account's sites (https,
   *  or http on this machine), or whose host is exactly confirmedHost (the user confirmed "Fill into
   *  <host>"). Not filled: { ok: false, error: { code: fill_needs_confirmation | fill_site_mismatch },
   *  host } (the host to name in a confirmation); errors fill_no_field, fill_failed, fill_invalid */
  FILL: 'accounts.fill',
  /** { id, details: {issuer, account, algorithm, digits, period, counter} } → { ok } (a conflict resolved) */
  UPDATE: 'accounts.update',
  /** → { ok, locked, protected, autolockMinutes, autolockChoices } */
  STATUS: 'vault.status',
  /** { password } → { ok } or error vault_decrypt (nothing stored changes) */
  UNLOCK: 'vault.unlock',
  /** → { ok }: the data key is forgotten (wasm, session storage) */
  LOCK: 'vault.lock',
  /** { password, current? } → { ok }: sets the first password, or changes it (current required) */
  SET_PASSWORD: 'vault.setPassword',
  /** { current } → { ok }: the vault is stored without a password again */
  REMOVE_PASSWORD: 'vault.removePassword',
  /** { minutes } (one of autolockChoices; 0 = never) → { ok } */
  SET_AUTOLOCK: 'vault.setAutolock',
  /** → { ok, data }: the sealed vault as base64 (password vaults only) */
  EXPORT: 'vault.export',
  /** { data, password } → { ok, added: [id], unchanged, conflicts: [{ id, type, current, imported }] } */
  IMPORT: 'vault.import',
  /** Import (worker/import.js). { name, data (base64), password? } → { ok, name, format, added: [{ issuer, account }],
   *  duplicates: [{ issuer, account }], skipped: [{ issuer, account, reason }] }; errors import_password_required
   *  (ask for the password), import_decrypt (wrong password: nothing imported), import_is_tessera_backup, … */
  IMPORT_FILE: 'import.file',
  /** Export for other apps (worker/export.js). { format: 'uris' | 'aegis' | 'migration', password? (a vault with a
   *  password: entered again), confirmed? (a vault without one: true once the user confirmed) } → { ok, format,
   *  text (uris, aegis: the file; null for migration), uris (migration: transfer URIs, one QR code each, in order),
   *  leftOut, caution: [{ index, issuer, account, reason }] }. Carries secrets: never log or store it. Errors
   *  password_empty, vault_decrypt (wrong password), export_needs_confirmation, export_no_accounts, … */
  EXPORT_ACCOUNTS: 'export.accounts',
  /** Account requests of the popup (worker/accounts.js); each → { ok } unless noted, errors id_invalid,
   *  account_not_found, vault_locked. { id }: moves the account to Recently deleted (30 days). */
  DELETE: 'accounts.delete',
  /** { id }: deletes for good (a plain tombstone at once). */
  ERASE: 'accounts.erase',
  /** → { ok, now, deleted: [{ id, type, issuer, account, deletedAt, purgeAt }] } (restorable; purges older ones) */
  LIST_DELETED: 'accounts.listDeleted',
  /** { id }: restores a recently deleted account; error account_duplicate when it was added again since */
  RESTORE: 'accounts.restore',
  /** { id, pinned: boolean } */
  PIN: 'accounts.pin',
  /** { id, target, after: boolean }: moves id just before (or after) target in the manual order */
  MOVE: 'accounts.move',
  /** { id } → { ok, counter, account }: HOTP "next code": the counter goes up by one and is saved */
  HOTP_NEXT: 'accounts.hotpNext',
  /** { id, issuer, account, sites: [host] }: edits labels and sites (vault_invalid_record over the limits) */
  EDIT: 'accounts.edit',
  /** { id }: records a copy/fill now, for the "last used" order (storage.local["accounts.lastUsed"]) */
  MARK_USED: 'accounts.markUsed',
  /** { id, password? | confirmed? } → { ok, secret, uri }: for the details view only. With a password set,
   *  `password` is checked (vault_decrypt, password_empty); without one, confirmed: true (confirmation_required). */
  REVEAL: 'accounts.reveal',
  /** Sync (worker/sync.js). Each → the status { ok, locked, enabled, protected, state (off | ok | locked |
   *  waiting | over_quota | needs_password | password_changed_here | error), bytes, quota, accounts, at,
   *  notices: [id kept after a delete elsewhere], conflicts: [{ id, kept, other, otherAt }], minStrength }. */
  SYNC_STATUS: 'sync.status',
  /** { password } (strength level ≥ 2; the sync password when another device set sync up, else this vault's
   *  password): turns sync on and runs a round. Errors sync_weak_password, sync_decrypt, sync_needs_password */
  SYNC_ENABLE: 'sync.enable',
  /** Turns sync off on this device (storage.sync is left for the other devices). */
  SYNC_DISABLE: 'sync.disable',
  /** { password }: the new password after a change on another device (or on this one). */
  SYNC_PASSWORD: 'sync.password',
  /** Empties the conflict list and the notices (the user has reviewed them). */
  SYNC_DISMISS: 'sync.dismiss',
  /** Runs a round now (no debounce). */
  SYNC_NOW: 'sync.now',
});

/** An error answer from the background, with its code. */
export class RequestError extends Error {
  constructor(code) {
    super(`request failed: ${code}`);
    this.name = 'RequestError';
    this.code = code;
  }
}

/** Sends a request to the background and returns its answer, or throws a RequestError. */
export async function request(type, fields = {}) {
  const answer = await api.runtime.sendMessage({ ...fields, type });
  if (!answer || typeof answer !== 'object') throw new RequestError('generic');
  if (!answer.ok) throw new RequestError(answer.error?.code ?? 'generic');
  return answer;
}
