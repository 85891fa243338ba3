// The popup's first requests. The codes are asked for the moment this module runs: it imports
// nothing statically and it is popup.js's first import, so in the page's one script
// (popup.bundle.js, scripts/bundle-popup.mjs) it runs before every other module, while the rest
// of the page waits for the worker's answer anyway. popup.js imports what it exports.
//
// Only labels and codes come back (accounts.list, MSG.LIST in lib/messaging.js); the worker may be
// cold, the request wakes it. The answer is checked as lib/messaging.js request() checks it:
// a failure rejects with an Error whose `code` is the worker's error code. Developer mode asks again
// with its own fields (popup.js).
//
// Right after, the clock offset and the preferences the first tiles need (their order, whether
// codes are masked) are read through their own modules, imported dynamically so that they do not
// hold up the first request; popup.js imports the same module instances statically. Measured
// (bench/RESULTS.md): read from popup.js, these reads kept the codes from the page ~10 ms longer.
const api = globalThis.browser ?? globalThis.chrome;

/** storage.local key of each account's last copy (unix ms by id), for the "last used" order. */
export const LAST_USED_KEY = 'accounts.lastUsed';

function failure(code) {
  const error = new Error(`request failed: ${code}`);
  error.code = code;
  return error;
}

performance.mark('tessera:list-asked');
export const firstList = api.runtime.sendMessage({ type: 'accounts.list' }).then((answer) => {
  performance.mark('tessera:list-answered');
  if (!answer || typeof answer !== 'object') throw failure('generic');
  if (!answer.ok) throw failure(answer.error?.code ?? 'generic');
  return answer;
});
firstList.catch(() => {}); // handled where popup.js awaits it

/** lib/clock.js's first loadClock(). */
export const firstClock = import('../lib/clock.js').then((clock) => clock.loadClock());
firstClock.catch(() => {}); // handled where popup.js awaits it

/** [lib/settings.js loadSettings(), the stored last-used times]. */
export const firstPrefs = Promise.all([
  import('../lib/settings.js').then((settings) => settings.loadSettings()),
  api.storage.local.get(LAST_USED_KEY),
]);
firstPrefs.catch(() => {}); // handled where popup.js awaits it
