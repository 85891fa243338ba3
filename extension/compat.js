// The one place where Chrome and Firefox differ. Everything else uses `api` from here.
//
// - Namespace: Firefox offers the promise-based `browser`; Chrome (and Firefox, for compatibility)
//   `chrome`. With Manifest V3 both return promises, so one name is enough.
// - Background: Chrome runs `background.service_worker`, Firefox the event page
//   `background.scripts` (the same module file); background.js uses only what both offer.
// - Context menus: Firefox names them `menus` (with `contextMenus` as an alias), Chrome
//   `contextMenus`; both with the "contextMenus" permission.
// - Extension origin: `chrome-extension://<id>/` or `moz-extension://<uuid>/`, from getURL('').

export const api = globalThis.browser ?? globalThis.chrome;

/** The context-menu API (undefined without the permission). */
export const menus = api.contextMenus ?? api.menus;

/** The origin of our own pages, with a trailing slash. */
export const extensionOrigin = api.runtime.getURL('');

/** URL of a file in the package, from the package root (where manifest.json is). */
export function packageUrl(path) {
  return api.runtime.getURL(path);
}

/** The wasm module's URL, for `init({ module_or_path })`. */
export const wasmUrl = packageUrl('extension/pkg/tessera_wasm_bg.wasm');
