// Exporting accounts for other apps (issue 11): MSG.EXPORT_ACCOUNTS.
//
// The answer carries secrets (an otpauth URI list, an Aegis plain vault, or Google Authenticator
// transfer URIs), so it is given only
//   - for a vault with a password: after the password is entered again. It is derived with the
//     vault's own salt and iterations and the core opens the sealed vault with that key (wasm
//     exportWithKey); opening it is the password check (the same check as ctx.checkPassword, without
//     deriving twice), and a wrong password is the opaque vault_decrypt. The vault may be locked:
//     the password opens the stored copy.
//   - for a vault without a password: after the page says the user confirmed (confirmed: true),
//     else export_needs_confirmation.
// Nothing here logs, stores or keeps the answer; the page downloads or draws it and drops it.
import { exportUnprotected, exportWithKey, vaultHeader } from '../pkg/tessera_wasm.js';
import { derivePasswordBits } from '../lib/kdf.js';
import { MSG } from '../lib/messaging.js';
import { CodedError } from './errors.js';
import { register } from './registry.js';

/** The formats of the core's export::Format. */
export const EXPORT_FORMATS = Object.freeze(['uris', 'aegis', 'migration']);
/** Longest password accepted (as for unlocking). */
const MAX_PASSWORD_CHARS = 4096;

/** A random batch id shared by the codes of one Google Authenticator transfer. */
function batchId() {
  return crypto.getRandomValues(new Int32Array(1))[0];
}

async function exportAccounts(message, ctx) {
  const { format, password, confirmed } = message;
  if (!EXPORT_FORMATS.includes(format)) throw new CodedError('export_unknown_format');
  if (password !== undefined && typeof password !== 'string') throw new CodedError('password_empty');
  await ctx.ready;
  const sealed = await ctx.serialized(async () => {
    const state = await ctx.current();
    return state.locked ? state.sealed : state.handle.sealed();
  });
  const header = vaultHeader(sealed);
  let result;
  if (header.protected) {
    if (!password) throw new CodedError('password_empty');
    if (password.length > MAX_PASSWORD_CHARS) throw new CodedError('vault_decrypt');
    const bits = await derivePasswordBits(password, header.salt, header.iterations);
    try {
      result = exportWithKey(sealed, bits, format, batchId());
    } finally {
      bits.fill(0);
    }
  } else {
    if (confirmed !== true) throw new CodedError('export_needs_confirmation');
    result = exportUnprotected(sealed, format, batchId());
  }
  return { ok: true, ...result };
}

register(MSG.EXPORT_ACCOUNTS, exportAccounts);
