// Message handlers of the background, by area. background.js owns the vault, storage and the lock;
// a feature module (export, import, sync, autofill, developer tools…) adds its requests here with
// register(type, handler) when background.js imports it, and gets the background's functions in
// `ctx` (see background.js, CONTEXT) on each call. Every request still passes background.js's
// sender check first: only our own pages reach a handler.

const handlers = new Map();

let resolveContext;
const contextReady = new Promise((resolve) => {
  resolveContext = resolve;
});

/** background.js hands over its CONTEXT once, when it is evaluated. */
export function provideContext(ctx) {
  resolveContext(ctx);
}

/**
 * background.js's CONTEXT, for listeners that are not messages (menus, shortcuts, tab and storage
 * events, alarms): they are registered at a module's top level, before background.js has built it.
 */
export function context() {
  return contextReady;
}

/**
 * Adds the handler of requests `{ type, ...fields }`. `handler(message, ctx)` returns the answer
 * `{ ok: true, ... }` or throws a CodedError (worker/errors.js); a type is registered once.
 */
export function register(type, handler) {
  if (handlers.has(type)) throw new Error(`message type registered twice: ${type}`);
  handlers.set(type, handler);
}

/** The handler of `type`, or undefined. */
export function handlerFor(type) {
  return typeof type === 'string' ? handlers.get(type) : undefined;
}
