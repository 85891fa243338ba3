// Importing other authenticators' export files (issue 10): MSG.IMPORT_FILE.
//
// The page sends the file as base64 with its name and, for an encrypted file, the password. The
// core (wasm `readImport`) detects the format from the content and reads it; the accounts it
// returns hold secrets and never leave this worker: each is added to the vault with
// VaultHandle.add, which refuses an account the vault already holds (same type and secret), so an
// import never duplicates or overwrites one. The answer names accounts by their labels only:
//   { ok, name, format, added: [label], duplicates: [label], skipped: [{ issuer, account, reason }] }
// with label = { issuer, account }. Errors are codes: import_password_required (ask for the
// password), import_decrypt (wrong password: nothing was imported), import_unknown_format,
// import_is_tessera_backup (restore it under Backup instead), vault_locked, …
import { readImport, vaultHeader } from '../pkg/tessera_wasm.js';
import { fromBase64 } from '../lib/bytes.js';
import { loadClock, now } from '../lib/clock.js';
import { MSG } from '../lib/messaging.js';
import { CodedError, codeOf } from './errors.js';
import { register } from './registry.js';

/** The core's MAX_IMPORT_BYTES (16 MiB): larger files are refused before they are decoded. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;
/** Longest base64 text of a file of MAX_IMPORT_BYTES. */
const MAX_BASE64_CHARS = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;
/** Longest file name echoed back. */
const MAX_NAME_CHARS = 255;
/** Longest password accepted (the core reads its UTF-8 bytes). */
const MAX_PASSWORD_CHARS = 4096;

const label = (entry) => ({ issuer: entry.issuer, account: entry.account });

/** Whether `bytes` are a Tessera vault (a backup made by our own export). */
function isTesseraBackup(bytes) {
  try {
    vaultHeader(bytes);
    return true;
  } catch {
    return false;
  }
}

async function importFile(message, ctx) {
  const { name = '', data, password } = message;
  if (typeof name !== 'string' || typeof data !== 'string') throw new CodedError('import_malformed');
  if (password !== undefined && password !== null && typeof password !== 'string') throw new CodedError('import_malformed');
  if (typeof password === 'string' && password.length > MAX_PASSWORD_CHARS) throw new CodedError('import_decrypt');
  if (data.length > MAX_BASE64_CHARS + 4) throw new CodedError('import_too_large');
  await ctx.ready;
  // A locked vault fails here, before any key derivation is spent on the file.
  await ctx.serialized(() => ctx.openVault());
  const bytes = fromBase64(data);
  let read;
  try {
    if (bytes.length === 0) throw new CodedError('import_unknown_format');
    if (isTesseraBackup(bytes)) throw new CodedError('import_is_tessera_backup');
    read = readImport(bytes, typeof password === 'string' && password !== '' ? password : undefined);
  } finally {
    bytes.fill(0);
  }
  await loadClock();
  const accounts = read.accounts;
  read.accounts = [];
  try {
    return await ctx.mutate((handle) => {
      const added = [];
      const duplicates = [];
      const skipped = read.skipped.map((s) => ({ ...label(s), reason: s.reason }));
      for (const account of accounts) {
        try {
          handle.add(account, now());
          added.push(label(account));
        } catch (error) {
          const code = codeOf(error);
          if (code === 'account_duplicate') duplicates.push(label(account));
          else skipped.push({ ...label(account), reason: code });
        }
      }
      return { ok: true, name: name.slice(0, MAX_NAME_CHARS), format: read.format, added, duplicates, skipped };
    });
  } finally {
    for (const account of accounts) account.secret = '';
  }
}

register(MSG.IMPORT_FILE, importFile);
