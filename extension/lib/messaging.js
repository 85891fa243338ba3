// Messages between our pages and the background. Requests are `{ type, ...fields }`; answers are
// `{ ok: true, ... }` or `{ ok: false, error: { code } }` with a stable error code (see errorText).
import { api } from '../compat.js';

export const MSG = Object.freeze({
  /** → { ok, now, accounts: [{ id, type, issuer, account, digits, period, code, counter, validFrom, validUntil }] } (never a secret) */
  LIST: 'accounts.list',
  /** { account: {type, issuer, account, secret, algorithm, digits, period, counter} } → { ok, id } */
  ADD: 'accounts.add',
  /** → { ok, count } */
  COUNT: 'accounts.count',
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
