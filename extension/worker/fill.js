// Autofill (issue 8): putting an account's current code into a sign-in page, bound to the site.
//
// Triggers, none of which needs host access at install (activeTab + scripting):
// - the popup's tile click and the chooser window (extension/fill/choose.html) send the request
//   below (MSG.FILL);
// - the keyboard shortcut (manifest `commands`, "fill-code") and the context menu on editable fields
//   ("Fill 2FA code") call onCommand / onMenuClick here: they fill when exactly one account belongs
//   to the site of the frame and the page is secure, and otherwise open the chooser window.
//
// Request `accounts.fill` { id, tabId, frameId?, confirmedHost? } (own pages only, background.js):
//   The worker first injects a probe (content/fill.js `fillCode(null)`: carries nothing, answers the
//   frame's URL and whether it has a code field) into the frame `frameId`, or into every frame it
//   may script when no frameId is given. A frame may receive the code when
//   - its registrable domain (lib/site.js, public-suffix list) is one of the account's `sites` and
//     its page is secure (https, or http on this machine), or
//   - its host is exactly `confirmedHost`: the user confirmed "Fill into <domain>" naming that host
//     in the extension's own UI (the chooser window; the popup's "Fill into" action).
//   Among those frames the first with a field gets the code (the named frame, else the top frame,
//   else the others in order); when none shows a field yet, the named or top frame waits a few
//   seconds for one to appear. Only then is the code injected, into that one frame, whose script
//   refuses if the frame has navigated to another host meanwhile.
// Answers:
//   { ok: true, host, frameId }                              filled
//   { ok: false, error: { code: 'fill_needs_confirmation' }, host }   the frame is of the account's
//        site but its page is plain http: confirm naming `host`, then send confirmedHost: host
//   { ok: false, error: { code: 'fill_site_mismatch' }, host }        no frame of the account's
//        sites; `host` is the page (or the frame with a field) to name in a "Fill into" confirmation
//   errors fill_invalid, account_not_found, fill_no_field, fill_failed, vault_locked
// Plain http decision: an http page always asks (the confirmation names its host), except pages on
// this machine (localhost, 127/8, [::1]), which browsers count as secure contexts.
//
// Automatic filling (off by default; storage.local AUTO_KEY, turned on in the options page, which
// asks for the host permission of the bound sites then): when a tab finishes loading a secure page
// whose URL the extension may read (so only sites it was granted), and exactly one account of the
// unlocked vault belongs to that site, the page is probed for a code field for a few seconds and an
// empty one gets the code. No chooser, no confirmation, nothing on a locked vault.
import { TEST_BUILD } from '../build-flags.js';
import { api, menus } from '../compat.js';
import { fillCode } from '../content/fill.js';
import { loadClock, now } from '../lib/clock.js';
import { MSG } from '../lib/messaging.js';
import { hostOfUrl, isSecurePage, siteMatches } from '../lib/site.js';
import { CodedError } from './errors.js';
import { context, register } from './registry.js';

/** The keyboard shortcut's name in manifest.json `commands`. */
export const FILL_COMMAND = 'fill-code';
/** The context menu item's id. */
export const FILL_MENU = 'tessera.fill';
/** How long the frame chosen for the code waits for a field to appear (milliseconds). */
const FIELD_WAIT_MS = 5000;
/** storage.local: true when codes are filled without a trigger on bound sites (off by default). */
export const AUTO_KEY = 'autofill.auto';
/** Automatic filling: how long a loaded page is watched for a code field (milliseconds). */
const AUTO_PROBE_MS = 3000;
const CHOOSER_PATH = 'extension/fill/choose.html';

// ---- Listeners (synchronous, top level, as background.js's) ------------------------------------

register(MSG.FILL, (message, ctx) => fill(message, ctx));

// Listeners that are not messages (menu, shortcut, page loads) get background.js's CONTEXT from the
// registry. A menu click's permission request must come before any await (worker/fill.js
// onMenuClick), and the context is ready long before any user can click.
let ready = null;
context().then((ctx) => {
  ready = ctx;
});

menus?.onClicked.addListener((info, tab) => {
  if (info.menuItemId === FILL_MENU) onMenuClick(info, tab, ready).catch(() => {});
});
api.commands?.onCommand.addListener((command, tab) => {
  if (command === FILL_COMMAND) onCommand(tab, ready).catch(() => {});
});
api.tabs.onUpdated.addListener((tabId, change, tab) => {
  if (change.status === 'complete') autoFill(tabId, tab, ready).catch(() => {});
});
api.runtime.onInstalled.addListener(() => createMenu());
api.runtime.onStartup?.addListener(() => createMenu());

if (TEST_BUILD) {
  // Test builds only: tests cannot click a native menu or press a shortcut, so they hand the same
  // arguments to the same handlers: { trigger: 'menu', info, tabId } or { trigger: 'command', tabId }.
  register('test.fillTrigger', async (message, ctx) => {
    const tab = await api.tabs.get(message.tabId);
    if (message.trigger === 'menu') return onMenuClick({ menuItemId: FILL_MENU, ...message.info }, tab, ctx);
    if (message.trigger === 'command') return onCommand(tab, ctx);
    throw new CodedError('unknown_message');
  });
}

function createMenu() {
  if (!menus) return;
  // Calls run in order; a menu kept from an earlier version is replaced, not duplicated.
  menus.removeAll();
  menus.create(
    {
      id: FILL_MENU,
      title: api.i18n.getMessage('fillMenuItem'),
      contexts: ['editable'],
      documentUrlPatterns: ['https://*/*', 'http://*/*'],
    },
    () => void api.runtime.lastError,
  );
}

// ---- The request ---------------------------------------------------------------------------------

async function accountById(ctx, id) {
  await loadClock();
  const account = await ctx.serialized(async () => (await ctx.openVault()).list(now()).find((a) => a.id === id));
  if (!account) throw new CodedError('account_not_found');
  if (account.error) throw new CodedError(account.error);
  return account;
}

async function inject(target, args) {
  try {
    return await api.scripting.executeScript({ target, func: fillCode, args });
  } catch {
    return null;
  }
}

async function fill(message, ctx, { auto = false } = {}) {
  const { id, tabId, frameId, confirmedHost } = message ?? {};
  if (
    typeof id !== 'string' ||
    !Number.isInteger(tabId) ||
    tabId < 0 ||
    (frameId !== undefined && !(Number.isInteger(frameId) && frameId >= 0)) ||
    (confirmedHost !== undefined && (typeof confirmedHost !== 'string' || confirmedHost === ''))
  ) {
    throw new CodedError('fill_invalid');
  }
  const account = await accountById(ctx, id);
  let tab;
  try {
    tab = await api.tabs.get(tabId);
  } catch {
    throw new CodedError('fill_failed');
  }
  if (!hostOfUrl(tab?.url)) throw new CodedError('fill_site_mismatch');

  // Probe: frame URLs and whether each shows a code field. Nothing of the account goes along.
  const target = frameId === undefined ? { tabId, allFrames: true } : { tabId, frameIds: [frameId] };
  const probed = (await inject(target, [null, null, { waitMs: auto ? AUTO_PROBE_MS : 0 }])) ?? [];
  const frames = probed
    .map((r) => ({ frameId: r.frameId, url: r.result?.url, found: Boolean(r.result?.found) }))
    .map((f) => ({ ...f, host: hostOfUrl(f.url) }))
    .filter((f) => f.host !== '');
  // None: no permission for the frame (the page is not scriptable), or nothing http(s).
  if (frames.length === 0) throw new CodedError('fill_failed');
  const first = frameId ?? 0;
  frames.sort((a, b) => (a.frameId === first ? -1 : b.frameId === first ? 1 : 0));

  const allowed = frames.filter((f) =>
    confirmedHost !== undefined ? f.host === confirmedHost : siteMatches(f.host, account.sites) && isSecurePage(f.url),
  );
  if (allowed.length === 0) {
    const http = frames.find((f) => siteMatches(f.host, account.sites) && !isSecurePage(f.url));
    if (confirmedHost === undefined && http) {
      return { ok: false, error: { code: 'fill_needs_confirmation' }, host: http.host };
    }
    const named = frames.find((f) => f.found) ?? frames[0];
    return { ok: false, error: { code: 'fill_site_mismatch' }, host: named.host };
  }
  const chosen = allowed.find((f) => f.found) ?? (auto ? undefined : allowed.find((f) => f.frameId === first));
  if (!chosen) throw new CodedError('fill_no_field');

  const protocol = new URL(chosen.url).protocol;
  const results = await inject({ tabId, frameIds: [chosen.frameId] }, [account.code, chosen.host, { waitMs: FIELD_WAIT_MS, protocol, onlyEmpty: auto }]);
  if (!results) throw new CodedError('fill_failed');
  const result = results[0]?.result;
  if (result?.reason === 'host_changed') throw new CodedError('fill_site_mismatch');
  if (!result?.filled) throw new CodedError('fill_no_field');
  return { ok: true, host: chosen.host, frameId: chosen.frameId };
}

// ---- Menu and shortcut -----------------------------------------------------------------------------

/** The origin pattern of a frame whose origin differs from its page's (a cross-origin iframe). */
function crossOriginPattern(info) {
  if (!info.frameUrl || !info.pageUrl) return null;
  try {
    const frame = new URL(info.frameUrl);
    if (frame.origin === new URL(info.pageUrl).origin) return null;
    if (frame.protocol !== 'https:' && frame.protocol !== 'http:') return null;
    return `${frame.protocol}//${frame.hostname}/*`;
  } catch {
    return null;
  }
}

/**
 * The context menu's "Fill 2FA code" on an editable field. A field in a cross-origin iframe needs
 * that frame's host permission (activeTab covers the page's own origin only): it is asked for first,
 * while the click still counts as the user's gesture, and nothing is filled unless it is granted.
 */
export async function onMenuClick(info, tab, ctx) {
  const pattern = crossOriginPattern(info);
  if (pattern) {
    let granted = false;
    try {
      // First call in the listener: later, after an await, the click no longer counts as a gesture.
      granted = await api.permissions.request({ origins: [pattern] });
    } catch {
      // No gesture (a test's call): go on only when the frame's host is granted already.
      granted = await api.permissions.contains({ origins: [pattern] }).catch(() => false);
    }
    if (!granted) return { ok: true, action: 'permission_denied' };
  }
  const frameId = Number.isInteger(info.frameId) ? info.frameId : 0;
  return fillOrChoose(tab, frameId, info.frameUrl ?? info.pageUrl ?? tab?.url, ctx);
}

/** The shortcut: fill the code for this site (the tab's page, any frame of the account's site). */
export async function onCommand(tab, ctx) {
  return fillOrChoose(tab, undefined, tab?.url, ctx);
}

/**
 * Fills when exactly one account belongs to the frame's site and the page is secure; otherwise (no
 * account, several, plain http, a locked vault, a failed fill) opens the chooser window.
 */
async function fillOrChoose(tab, frameId, url, ctx) {
  const host = hostOfUrl(url);
  if (!Number.isInteger(tab?.id) || !host) return { ok: true, action: 'none' };
  let matching = [];
  if (ctx) {
    try {
      await loadClock();
      const accounts = await ctx.serialized(async () => (await ctx.openVault()).list(now()));
      matching = accounts.filter((a) => !a.error && siteMatches(host, a.sites));
    } catch {
      matching = []; // locked: the chooser says so
    }
  }
  if (matching.length === 1 && isSecurePage(url)) {
    try {
      const answer = await fill({ id: matching[0].id, tabId: tab.id, frameId }, ctx);
      if (answer.ok) return { ok: true, action: 'filled', host: answer.host, frameId: answer.frameId };
    } catch {
      // fall through to the chooser, which shows what went wrong
    }
  }
  await openChooser(tab.id, frameId, host);
  return { ok: true, action: 'chooser', host, matching: matching.length };
}

/** Automatic filling after a page load (see the top of this file). */
async function autoFill(tabId, tab, ctx) {
  const url = tab?.url; // present only where the extension has host access
  if (!ctx || !url || !isSecurePage(url)) return;
  if ((await api.storage.local.get(AUTO_KEY))[AUTO_KEY] !== true) return;
  const host = hostOfUrl(url);
  await loadClock();
  let accounts;
  try {
    accounts = await ctx.serialized(async () => (await ctx.openVault()).list(now()));
  } catch {
    return; // locked
  }
  const matching = accounts.filter((a) => !a.error && siteMatches(host, a.sites));
  if (matching.length !== 1) return;
  await fill({ id: matching[0].id, tabId }, ctx, { auto: true });
}

async function openChooser(tabId, frameId, host) {
  const params = new URLSearchParams({ tab: String(tabId), host });
  if (frameId !== undefined) params.set('frame', String(frameId));
  await api.windows.create({
    url: api.runtime.getURL(`${CHOOSER_PATH}?${params}`),
    type: 'popup',
    width: 380,
    height: 520,
  });
}
