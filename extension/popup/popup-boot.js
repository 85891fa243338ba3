// The popup's first request: the codes are asked for the moment this module runs. It imports
// nothing and the page loads it with `async`, so it runs as soon as this one small file is here,
// while popup.js and everything it imports are still loading (and before the page is parsed to the
// end). popup.js imports `firstList` from here (one module instance: the same request).
//
// Only labels and codes come back (accounts.list, MSG.LIST in lib/messaging.js); the worker may be
// cold, the request wakes it. The answer is checked as lib/messaging.js request() checks it:
// a failure rejects with an Error whose `code` is the worker's error code. Developer mode asks again
// with its own fields (popup.js).
const api = globalThis.browser ?? globalThis.chrome;

function failure(code) {
  const error = new Error(`request failed: ${code}`);
  error.code = code;
  return error;
}

export const firstList = api.runtime.sendMessage({ type: 'accounts.list' }).then((answer) => {
  if (!answer || typeof answer !== 'object') throw failure('generic');
  if (!answer.ok) throw failure(answer.error?.code ?? 'generic');
  return answer;
});
firstList.catch(() => {}); // handled where popup.js awaits it
