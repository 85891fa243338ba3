// The popup: live codes as tiles (copy on click or Enter, fill into the active tab when it is one
// of the account's sites), search, pins and order, HOTP's next code, add by typing or by pasting an
// otpauth:// link, edit, delete with "recently deleted", the details view (secret and QR code behind
// the password), and the unlock form while the vault is locked.
//
// Speed (issue 7: 500 accounts painted ≤ 100 ms after navigation, ≤ 50 ms main thread per second):
// tiles are built once and then only changed text is written. Codes are asked for again only at
// the earliest step boundary; between answers a one-second tick writes the countdown texts that
// changed (and the "next code" in a step's last five seconds). Each progress bar is one CSS
// animation started in step with the clock, so it costs no script at all. The first paint of codes
// is marked `tessera:codes-painted` for the benchmark, with marks on the way (`tessera:list-asked`,
// `tessera:list-answered` in popup-boot.js; `tessera:popup-module`, `tessera:render-start`,
// `tessera:render-end` here) that it reports as where the time goes.
//
// The popup gets labels and codes, never secrets, except the details view after the password (or a
// confirmation without one). The form's preview code is computed here with the popup's own copy of
// the wasm module, so a typed secret leaves this page only when the user adds the account.
// popup-boot.js first: its requests start before the other modules run.
import { LAST_USED_KEY, firstClock, firstList, firstPrefs } from './popup-boot.js';
import { api, wasmUrl } from '../compat.js';
import { loadClock, now, watchClock } from '../lib/clock.js';
import { groupCode, secondsLeft } from '../lib/format.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';
import { saveSetting, watchSettings } from '../lib/settings.js';
import { targetTabId } from '../lib/tab.js';
import { applyTheme } from '../lib/theme.js';

performance.mark('tessera:popup-module');
const $ = (id) => document.getElementById(id);
const list = $('accounts');
const form = $('add-form');
const actions = $('tile-actions');
const editForm = $('edit-form');
const tiles = new Map(); // id -> makeTile()'s { li, button, badge, issuer, …, data, soon }

const CLEAR_CLIPBOARD_MS = 30_000;
const WARNING_SECONDS = 5;

let settings = { sort: 'manual', hideCodes: false, clearClipboard: false };
let lastUsed = {};
let accounts = [];
let isProtected = false;
let refreshTimer = 0;
let wasmReady = null;
let painted = false;
let actionsFor = null; // the id whose action panel is open
let editing = null; // the id being edited
let revealing = null; // the id of the details dialog
let revealedUri = ''; // its otpauth URI while the details show it (developer mode's copy)
let clipboardTimer = 0;

function showStatus(text) {
  $('status').textContent = text;
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function labelOf(a) {
  return a.issuer && a.account ? `${a.issuer} – ${a.account}` : a.issuer || a.account || a.id;
}

/** setText for an element of a tile just made from the template (empty): nothing to read first. */
function setNew(el, text) {
  if (text) el.textContent = text;
}

// Loaded when first needed (the add form, the details view), not before the codes are painted:
// the wasm glue, the QR renderer and the Public Suffix List are most of the popup's script bytes.
/** The popup's own wasm module (form preview, link parsing, QR codes): its exports, initialised. */
function wasm() {
  wasmReady ??= import('../pkg/tessera_wasm.js').then(async (module) => {
    await module.default({ module_or_path: wasmUrl });
    return module;
  });
  return wasmReady;
}

const sites = () => import('../lib/site.js');

// ---- Tiles -------------------------------------------------------------------------------------

/** A hue from the issuer's name, so one issuer always gets one colour. */
function hueOf(text) {
  let h = 0;
  for (const ch of text.toLowerCase()) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}

const PARTS = ['badge', 'issuer', 'countdown', 'account', 'code', 'next', 'bar'];
let tileTemplate = null;

/** One tile built once; every other tile is a deep clone of it (far cheaper than building each). */
function template() {
  if (tileTemplate) return tileTemplate;
  const li = document.createElement('li');
  li.className = 'item';
  li.setAttribute('role', 'listitem'); // its ul.chunk has role none: an item of #accounts
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'tile';
  button.setAttribute('aria-describedby', 'tile-hint');
  for (const name of PARTS) {
    const span = document.createElement('span');
    span.className = name;
    if (name === 'badge' || name === 'countdown' || name === 'bar') span.setAttribute('aria-hidden', 'true');
    button.append(span);
  }
  const menu = document.createElement('button');
  menu.type = 'button';
  menu.className = 'menu';
  menu.textContent = '⋯';
  menu.setAttribute('aria-expanded', 'false');
  menu.setAttribute('aria-controls', 'tile-actions');
  li.append(button, menu);
  tileTemplate = li;
  return li;
}

function makeTile(id) {
  const li = template().cloneNode(true);
  li.setAttribute('data-id', id); // faster than the dataset setter, 500 times
  // Sibling pointers rather than HTMLCollection lookups, and one object literal (one shape for
  // every tile) rather than a loop adding computed keys: this runs 500 times before the first
  // paint, in a page whose script is not yet optimised (performance marks, 500 tiles: 8.6 ms
  // with the loop, 4.6-5.3 ms without; the host's speed varies by about that much too).
  const button = li.firstElementChild;
  button.setAttribute('data-id', id);
  const badge = button.firstElementChild; // the order of PARTS
  const issuer = badge.nextElementSibling;
  const countdown = issuer.nextElementSibling;
  const account = countdown.nextElementSibling;
  const code = account.nextElementSibling;
  const next = code.nextElementSibling;
  const bar = next.nextElementSibling;
  return { li, button, menu: button.nextElementSibling, badge, issuer, countdown, account, code, next, bar, hotp: null, dev: null, data: null, soon: false };
}

/** chrome.i18n.getMessage once per distinct text (countdowns repeat the same few dozen). */
const messageCache = new Map();
function cached(name, value) {
  const key = `${name}\u0000${value}`;
  let text = messageCache.get(key);
  if (text === undefined) {
    text = t(name, [value]);
    if (messageCache.size > 1000) messageCache.clear();
    messageCache.set(key, text);
  }
  return text;
}

/**
 * t(name, [value]) for messages with one substitution that differs per tile (a label, a code):
 * chrome.i18n.getMessage once per message with a marker, then the value put where the marker is
 * (500 tiles: one call instead of 500).
 */
const SLOT = '\uE000';
const slotted = new Map();
function withValue(name, value) {
  let parts = slotted.get(name);
  if (parts === undefined) {
    parts = t(name, [SLOT]).split(SLOT);
    slotted.set(name, parts);
  }
  return parts.length === 2 ? parts[0] + value + parts[1] : t(name, [value]);
}

function hotpButton(tile) {
  if (!tile.hotp) {
    tile.hotp = document.createElement('button');
    tile.hotp.type = 'button';
    tile.hotp.className = 'hotp-next';
    tile.hotp.textContent = t('nextCode');
    tile.li.insertBefore(tile.hotp, tile.menu);
  }
  return tile.hotp;
}

function fillTile(tile, a, nowMs) {
  const before = tile.data;
  tile.data = a;
  const put = before ? setText : setNew;
  // Only what changed is written (a new tile: what differs from the template).
  if (Boolean(before?.pinned) !== Boolean(a.pinned)) tile.li.classList.toggle('pinned', Boolean(a.pinned));
  if (Boolean(before?.error) !== Boolean(a.error)) tile.button.classList.toggle('error', Boolean(a.error));
  if (a.error) {
    put(tile.issuer, '?');
    put(tile.account, '');
    put(tile.code, errorText(a.error));
    put(tile.countdown, '');
    return;
  }
  const label = labelOf(a);
  if (!before || before.issuer !== a.issuer || before.account !== a.account) {
    put(tile.issuer, a.issuer);
    put(tile.account, a.account);
    const name = a.issuer || a.account || '?';
    const first = name.trim().codePointAt(0);
    put(tile.badge, first === undefined ? '?' : String.fromCodePoint(first).toUpperCase());
    tile.badge.style.setProperty('--hue', String(hueOf(name)));
    tile.menu.setAttribute('aria-label', withValue('tileActions', label));
  }
  // The tile's accessible name is its visible text (issuer, account, code); a hidden code
  // (visibility: hidden) is left out of it, so "hide codes" also keeps it from being spoken.
  put(tile.code, groupCode(a.code));
  const isHotp = a.validUntil == null;
  if (before ? tile.bar.hidden !== isHotp : isHotp) tile.bar.hidden = isHotp;
  if (isHotp) {
    const next = hotpButton(tile);
    next.setAttribute('aria-label', t('nextCodeFor', [label]));
  } else if (tile.hotp) {
    tile.hotp.remove();
    tile.hotp = null;
  }
  if (!isHotp && a.period !== 30 && (!before || before.period !== a.period)) {
    // One CSS animation per tile, in step with the clock for good (steps start at multiples of
    // the period since the epoch), so the bar needs no script after this. The usual 30 s period
    // takes its values from the list (see render), so most tiles need no style of their own.
    tile.bar.style.setProperty('--period', `${a.period}s`);
    tile.bar.style.setProperty('--steps', String(a.period));
    tile.bar.style.setProperty('--delay', barDelay(a.period, nowMs));
  }
  updateCountdown(tile, nowMs);
  developerLine(tile, a);
}

// ---- Developer mode (issue 12) -------------------------------------------------------------------

/** The list request's fields: developer mode asks for its time travel and the neighbouring codes. */
function listFields() {
  return settings.developerMode ? { offsetSteps: settings.timeTravelSteps } : {};
}

/** Developer mode's line under the code: the step (or counter), the previous and the next code. */
function developerLine(tile, a) {
  if (!settings.developerMode || a.previousCode === undefined) {
    tile.dev?.remove();
    tile.dev = null;
    return;
  }
  if (!tile.dev) {
    tile.dev = document.createElement('span');
    tile.dev.className = 'dev';
    tile.button.insertBefore(tile.dev, tile.next);
  }
  const where = a.validUntil == null ? t('devCounterLabel', [String(a.counter)]) : t('devStepLabel', [String(a.counter)]);
  const parts = [where];
  if (a.previousCode) parts.push(t('devPrevious', [groupCode(a.previousCode)]));
  if (a.nextCode) parts.push(t('devNext', [groupCode(a.nextCode)]));
  setText(tile.dev, parts.join(' · '));
}

/** The banner while time travel is on, so codes that are not for now are never mistaken for them. */
function showTimeTravel() {
  const steps = settings.developerMode ? settings.timeTravelSteps : 0;
  $('time-travel-banner').hidden = steps === 0;
  if (steps !== 0) setText($('time-travel-text'), t('devTimeTravelBanner', [steps > 0 ? `+${steps}` : String(steps)]));
}

function updateCountdown(tile, nowMs) {
  const a = tile.data;
  if (!a || a.error) return;
  if (a.validUntil == null) {
    setText(tile.countdown, cached('counterLabel', String(a.counter)));
    return;
  }
  const left = secondsLeft(a.validUntil, nowMs);
  setText(tile.countdown, cached('secondsLeft', String(left)));
  const soon = left <= WARNING_SECONDS;
  if (tile.soon !== soon) {
    tile.soon = soon;
    tile.button.classList.toggle('soon', soon);
  }
  setText(tile.next, soon && a.nextCode ? withValue('upcomingCode', groupCode(a.nextCode)) : '');
}

function nameKey(a) {
  return `${a.issuer || a.account}\u0000${a.account}`.toLocaleLowerCase();
}

/** The display order: pinned first; then by the chosen order (manual: the vault's). */
function ordered(items) {
  const index = new Map(items.map((a, i) => [a.id, i]));
  const by = {
    manual: (a, b) => index.get(a.id) - index.get(b.id),
    name: (a, b) => nameKey(a).localeCompare(nameKey(b)) || index.get(a.id) - index.get(b.id),
    recent: (a, b) => (lastUsed[b.id] ?? 0) - (lastUsed[a.id] ?? 0) || index.get(a.id) - index.get(b.id),
  }[settings.sort] ?? ((a, b) => index.get(a.id) - index.get(b.id));
  return [...items].sort((a, b) => Number(Boolean(b.pinned)) - Number(Boolean(a.pinned)) || by(a, b));
}

function barDelay(period, nowMs) {
  return `${-((nowMs % (period * 1000)) / 1000).toFixed(3)}s`;
}

/**
 * Tiles per group. Each group (`ul.chunk`) is one `content-visibility: auto` box (popup.css), so the
 * off-screen groups cost one box each: 50 boxes to place for 500 accounts, not 500. Measured in a
 * 380 × 600 popup (tiles ~84 px): the first frame of 500 tiles takes ~6 ms less with groups of 10 than
 * with every tile its own box, while the one-second updates still touch only the one or two groups
 * on screen.
 */
const GROUP = 10;
const groups = []; // the ul.chunk elements, in order

/** Group `k`, made (detached, in `fresh`) when the list has fewer. */
function groupAt(k, fresh) {
  while (groups.length <= k) {
    const ul = document.createElement('ul');
    ul.className = 'chunk';
    ul.setAttribute('role', 'none'); // its items belong to #accounts (role list)
    groups.push(ul);
    fresh.push(ul);
  }
  return groups[k];
}

function render() {
  if (!painted) performance.mark('tessera:render-start');
  const nowMs = now();
  if (!list.style.getPropertyValue('--delay')) list.style.setProperty('--delay', barDelay(30, nowMs));
  const seen = new Set();
  const fresh = []; // groups made now: filled before they join the page (cheaper than after)
  const focused = document.activeElement;
  const draggable = settings.sort === 'manual';
  let group = null;
  let place = null; // where the next tile belongs in `group`
  ordered(accounts).forEach((a, i) => {
    seen.add(a.id);
    let tile = tiles.get(a.id);
    if (!tile) {
      tile = makeTile(a.id);
      tiles.set(a.id, tile);
    }
    fillTile(tile, a, nowMs);
    if (tile.li.draggable !== draggable) tile.li.draggable = draggable;
    if (i % GROUP === 0) {
      group = groupAt(i / GROUP, fresh);
      place = group.firstElementChild;
    }
    // Move a node only when the order changed (a tile that follows a removed one moves to the
    // group before; its focus is given back below).
    if (place === tile.li) place = place.nextElementSibling;
    else group.insertBefore(tile.li, place);
  });
  for (const [id, tile] of tiles) {
    if (!seen.has(id)) {
      if (actionsFor === id) closeActions(false);
      tile.li.remove();
      tiles.delete(id);
    }
  }
  // Groups past the last tile are empty now.
  const needed = Math.ceil(seen.size / GROUP);
  for (const ul of groups.splice(needed)) ul.remove();
  if (fresh.length > 0) list.append(...fresh);
  if (focused !== document.activeElement && focused?.isConnected && list.contains(focused)) focused.focus({ preventScroll: true });
  applyFilter();
  $('loading').hidden = true;
  $('empty').hidden = accounts.length > 0;
  $('toolbar').hidden = accounts.length === 0;
  if (!painted && accounts.length > 0) {
    painted = true;
    performance.mark('tessera:render-end');
    // After the frame that shows the codes has been painted.
    requestAnimationFrame(() => setTimeout(() => performance.mark('tessera:codes-painted'), 0));
  }
}

// ---- Search ------------------------------------------------------------------------------------

function applyFilter() {
  const query = $('search').value.trim().toLocaleLowerCase();
  let shown = 0;
  for (const tile of tiles.values()) {
    const a = tile.data;
    const match = query === '' || `${a.issuer ?? ''} ${a.account ?? ''}`.toLocaleLowerCase().includes(query);
    if (tile.li.hidden === match) tile.li.hidden = !match;
    if (match) shown += 1;
  }
  // A group with nothing to show takes no room (off screen it would keep its last size).
  for (const ul of groups) {
    let empty = true;
    for (let li = ul.firstElementChild; li && empty; li = li.nextElementSibling) empty = li.hidden;
    if (ul.hidden !== empty) ul.hidden = empty;
  }
  $('no-results').hidden = shown > 0 || tiles.size === 0;
}

/** The tiles shown, in order. */
function visibleTiles() {
  return [...list.querySelectorAll('li.item')].filter((li) => !li.hidden).map((li) => tiles.get(li.dataset.id));
}

// ---- Locked / open -----------------------------------------------------------------------------

/** Shows either the unlock form or the accounts. */
function showLocked(locked) {
  $('unlock-form').hidden = !locked;
  $('vault-open').hidden = locked;
  if (locked) {
    $('lock-button').hidden = true;
    $('no-password').hidden = true;
    $('loading').hidden = true;
    closeActions(false);
    closeDetails();
    for (const ul of groups.splice(0)) ul.remove();
    tiles.clear();
    accounts = [];
    if (document.activeElement === document.body) $('unlock-password').focus();
  }
}

/**
 * Asks the background for codes (or takes the answer to a request already under way), then asks
 * again at the earliest step boundary. `clockRead`: a read of the clock already under way.
 */
async function refresh(pending, clockRead) {
  clearTimeout(refreshTimer);
  try {
    await (clockRead ?? loadClock());
    const answer = await (pending ?? request(MSG.LIST, listFields()));
    showLocked(false);
    isProtected = answer.protected;
    $('lock-button').hidden = !answer.protected;
    $('no-password').hidden = answer.protected;
    accounts = answer.accounts;
    render();
    // After the frame with the codes (the site list is loaded only then).
    requestAnimationFrame(() =>
      setTimeout(() => {
        translateLater();
        updateSiteNote();
      }, 0),
    );
    const boundaries = answer.accounts.map((a) => a.validUntil).filter(Number.isFinite);
    if (boundaries.length > 0) {
      // A few ms past the boundary, so the next answer is certainly the next step.
      refreshTimer = setTimeout(refresh, Math.max(0, Math.min(...boundaries) - now()) + 20);
    }
  } catch (error) {
    translateLater();
    if (error.code === 'vault_locked') {
      showLocked(true);
      return; // nothing to refresh until unlocked
    }
    showStatus(errorText(error.code));
    refreshTimer = setTimeout(refresh, 5000);
  }
}

async function unlock(event) {
  event.preventDefault();
  const field = $('unlock-password');
  const button = $('unlock-submit');
  button.disabled = true;
  $('unlock-error').textContent = t('working');
  try {
    await request(MSG.UNLOCK, { password: field.value });
    field.value = '';
    $('unlock-error').textContent = '';
    await refresh();
  } catch (error) {
    $('unlock-error').textContent = errorText(error.code);
    field.select();
  } finally {
    button.disabled = false;
  }
}

async function lockNow() {
  try {
    await request(MSG.LOCK);
  } catch (error) {
    showStatus(errorText(error.code));
  }
  await refresh();
}

/**
 * Countdowns tick on whole seconds of the code clock (now(): the device's time plus the user's
 * clock offset, whose sub-second part would otherwise make them lag); only changed text is touched.
 */
function tick() {
  const nowMs = now();
  for (const tile of tiles.values()) updateCountdown(tile, nowMs);
  setTimeout(tick, 1000 - (now() % 1000));
}

// ---- Copy and fill -----------------------------------------------------------------------------

async function copy(id) {
  const data = tiles.get(id)?.data;
  const code = data?.code;
  if (!code) return;
  try {
    await navigator.clipboard.writeText(code);
    showStatus(t('copied'));
    scheduleClipboardClear(code);
  } catch {
    showStatus(t('copyFailed'));
  }
  request(MSG.MARK_USED, { id }).catch(() => {});
  lastUsed = { ...lastUsed, [id]: Date.now() };
  if (!Array.isArray(data.sites) || data.sites.length === 0) return;
  try {
    const tabId = await targetTabId();
    if (!Number.isInteger(tabId)) return;
    // Ask to fill only when the tab is one of the account's sites (where the tab's address can be
    // read); the worker checks again and refuses anything else.
    const host = await hostOfTab(tabId);
    if (host !== null && !(await sites()).siteMatches(host, data.sites)) return;
    const answer = await request(MSG.FILL, { id, tabId });
    showStatus(t('filledInto', [answer.host]));
  } catch (error) {
    // Copying worked; a failed fill is only a note.
    showStatus(`${t('copied')} ${errorText(error.code)}`);
  }
}

/** The host of tab `tabId`, '' for a non-web page, null when its address cannot be read. */
async function hostOfTab(tabId) {
  try {
    const tab = await api.tabs.get(tabId);
    return typeof tab?.url === 'string' ? (await sites()).hostOfUrl(tab.url) : null;
  } catch {
    return null;
  }
}

/**
 * Shows the tile action "Fill into <host>" when the target tab is a web page that a tile click
 * would not fill: not one of the account's sites, or plain http.
 */
async function prepareFillAction(id) {
  const button = actions.querySelector('[data-action="fill"]');
  button.hidden = true;
  delete button.dataset.checked;
  const data = tiles.get(id)?.data;
  if (!data?.code) return;
  try {
    const tabId = await targetTabId();
    if (!Number.isInteger(tabId)) return;
    const tab = await api.tabs.get(tabId);
    const site = await sites();
    const host = typeof tab?.url === 'string' ? site.hostOfUrl(tab.url) : '';
    if (!host || actionsFor !== id) return;
    if (site.siteMatches(host, data.sites) && site.isSecurePage(tab.url)) return;
    button.textContent = t('fillIntoHost', [host]);
    button.hidden = false;
  } catch {
    // No readable tab: no fill action.
  } finally {
    if (actionsFor === id) button.dataset.checked = id; // the check is done (tests wait for it)
  }
}

/**
 * "Fill into <host>": the worker is asked first without a confirmation (it fills only a frame of
 * the account's sites on a secure page, else answers the host a confirmation must name); after the
 * user confirms that host by name, it is asked again with `confirmedHost`.
 */
async function fillElsewhere(id) {
  const data = tiles.get(id)?.data;
  if (!data) return;
  const label = labelOf(data);
  try {
    const tabId = await targetTabId();
    if (!Number.isInteger(tabId)) throw new Error('no tab');
    const asked = await api.runtime.sendMessage({ type: MSG.FILL, id, tabId });
    if (asked?.ok) {
      showStatus(t('filledIntoOnly', [asked.host]));
      request(MSG.MARK_USED, { id }).catch(() => {});
      return;
    }
    const code = asked?.error?.code ?? 'generic';
    const host = asked?.host;
    if ((code !== 'fill_site_mismatch' && code !== 'fill_needs_confirmation') || typeof host !== 'string' || host === '') {
      showStatus(errorText(code));
      return;
    }
    const question = code === 'fill_needs_confirmation' ? 'fillConfirmInsecure' : 'chooseConfirmOther';
    const ok = await askConfirmation(t(question, [label, host]), t('fillIntoHost', [host]), false);
    if (!ok) {
      showStatus(t('fillCancelled'));
      tiles.get(id)?.button.focus();
      return;
    }
    const answer = await request(MSG.FILL, { id, tabId, confirmedHost: host });
    showStatus(t('filledIntoOnly', [answer.host]));
    request(MSG.MARK_USED, { id }).catch(() => {});
  } catch (error) {
    showStatus(errorText(error?.code ?? 'generic'));
  }
}

// ---- No account for this site: offer to bind one -------------------------------------------------

let bindChoices = ''; // the account ids the note's list was built from

/**
 * After the codes are painted: when no account belongs to the target tab's site, a small note says
 * so and offers to add that registrable domain to one account's sites.
 */
async function updateSiteNote() {
  const note = $('site-note');
  let domain = '';
  try {
    const tabId = accounts.length > 0 ? await targetTabId() : undefined;
    const host = Number.isInteger(tabId) ? await hostOfTab(tabId) : null;
    if (host) {
      const site = await sites();
      if (!accounts.some((a) => site.siteMatches(host, a.sites))) domain = site.registrableDomain(host);
    }
  } catch {
    domain = '';
  }
  if (domain === '') {
    note.hidden = true;
    return;
  }
  note.dataset.domain = domain;
  setText($('site-note-text'), t('chooseNone', [domain]));
  setText($('bind-submit'), t('bindSite', [domain]));
  const choices = accounts.map((a) => `${a.id}\n${labelOf(a)}`).join('\n');
  if (choices !== bindChoices) {
    bindChoices = choices;
    const select = $('bind-account');
    const chosen = select.value;
    select.replaceChildren(
      ...ordered(accounts).map((a) => {
        const option = document.createElement('option');
        option.value = a.id;
        option.textContent = labelOf(a);
        return option;
      }),
    );
    if (accounts.some((a) => a.id === chosen)) select.value = chosen;
  }
  note.hidden = false;
}

/** Adds the note's domain to the chosen account's sites, after a confirmation naming both. */
async function bindSite() {
  const domain = $('site-note').dataset.domain;
  const a = accounts.find((x) => x.id === $('bind-account').value);
  if (!domain || !a) return;
  const label = labelOf(a);
  const ok = await askConfirmation(t('bindConfirm', [label, domain]), t('bindSite', [domain]), false);
  if (!ok) {
    $('bind-submit').focus();
    return;
  }
  try {
    const current = Array.isArray(a.sites) ? a.sites : [];
    await request(MSG.EDIT, { id: a.id, issuer: a.issuer ?? '', account: a.account ?? '', sites: [...current, domain] });
    showStatus(t('boundStatus', [label, domain]));
    await refresh();
    tiles.get(a.id)?.button.focus();
  } catch (error) {
    showStatus(errorText(error.code));
  }
}

/** Clears the clipboard 30 s after a copy (while the popup is open: the only time a page may). */
function scheduleClipboardClear(code) {
  clearTimeout(clipboardTimer);
  if (!settings.clearClipboard) return;
  clipboardTimer = setTimeout(async () => {
    try {
      const current = await navigator.clipboard.readText().catch(() => code);
      if (current === code) {
        await navigator.clipboard.writeText('');
        showStatus(t('clipboardCleared'));
      }
    } catch {
      // The page lost focus or the browser refused: nothing more can be done here.
    }
  }, CLEAR_CLIPBOARD_MS);
}

async function hotpNext(id) {
  try {
    const answer = await request(MSG.HOTP_NEXT, { id });
    const tile = tiles.get(id);
    if (tile && answer.account) fillTile(tile, answer.account, now());
    accounts = accounts.map((a) => (a.id === id && answer.account ? answer.account : a));
    showStatus(t('counterAdvanced', [String(answer.counter)]));
  } catch (error) {
    showStatus(errorText(error.code));
  }
}

// ---- Tile actions ------------------------------------------------------------------------------

function openActions(id) {
  const tile = tiles.get(id);
  if (!tile) return;
  if (actionsFor === id) {
    closeActions(true);
    return;
  }
  closeActions(false);
  actionsFor = id;
  actions.querySelector('[data-action="pin"]').textContent = tile.data.pinned ? t('unpin') : t('pin');
  const manual = settings.sort === 'manual';
  for (const b of actions.querySelectorAll('[data-action="up"], [data-action="down"]')) b.hidden = !manual;
  actions.setAttribute('aria-label', t('tileActions', [labelOf(tile.data)]));
  tile.li.append(actions);
  actions.hidden = false;
  tile.menu.setAttribute('aria-expanded', 'true');
  actions.querySelector('button').focus();
  prepareFillAction(id);
}

function closeActions(refocus) {
  if (actionsFor === null) return;
  const tile = tiles.get(actionsFor);
  actions.hidden = true;
  document.querySelector('main').append(actions);
  if (tile) {
    tile.menu.setAttribute('aria-expanded', 'false');
    if (refocus) tile.menu.focus();
  }
  actionsFor = null;
}

async function onAction(action) {
  const id = actionsFor;
  const tile = tiles.get(id);
  if (!tile) return;
  const label = labelOf(tile.data);
  switch (action) {
    case 'pin': {
      const pinned = !tile.data.pinned;
      closeActions(false);
      try {
        await request(MSG.PIN, { id, pinned });
        showStatus(t(pinned ? 'pinned' : 'unpinned', [label]));
        await refresh();
      } catch (error) {
        showStatus(errorText(error.code));
      }
      tiles.get(id)?.button.focus();
      return;
    }
    case 'up':
    case 'down':
      closeActions(false);
      await moveBy(id, action === 'up' ? -1 : 1);
      return;
    case 'edit':
      closeActions(false);
      openEdit(id);
      return;
    case 'details':
      closeActions(false);
      openDetails(id);
      return;
    case 'fill':
      closeActions(false);
      await fillElsewhere(id);
      return;
    case 'delete':
      closeActions(false);
      await confirmDelete(id);
      return;
    default:
  }
}

// ---- Order: keyboard and drag -------------------------------------------------------------------

/** Moves `id` one place up (−1) or down (+1) among the visible tiles of its group (pinned or not). */
async function moveBy(id, direction) {
  if (settings.sort !== 'manual') {
    showStatus(t('moveNeedsManual'));
    return;
  }
  const tile = tiles.get(id);
  const group = visibleTiles().filter((x) => Boolean(x.data.pinned) === Boolean(tile.data.pinned));
  const at = group.indexOf(tile);
  const neighbour = group[at + direction];
  if (!neighbour) return;
  await moveTo(id, neighbour.data.id, direction > 0);
}

async function moveTo(id, target, after) {
  try {
    await request(MSG.MOVE, { id, target, after });
    await refresh();
    const tile = tiles.get(id);
    const group = visibleTiles().filter((x) => Boolean(x.data.pinned) === Boolean(tile.data.pinned));
    showStatus(t('moved', [String(group.indexOf(tile) + 1), String(group.length)]));
    tile.button.focus();
  } catch (error) {
    showStatus(errorText(error.code));
  }
}

function onListKey(event) {
  const tileButton = event.target.closest?.('.tile');
  if (!tileButton) return;
  const id = tileButton.dataset.id;
  const key = event.key;
  if (event.altKey && (key === 'ArrowUp' || key === 'ArrowDown')) {
    event.preventDefault();
    moveBy(id, key === 'ArrowUp' ? -1 : 1);
    return;
  }
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const shown = visibleTiles();
  const at = shown.indexOf(tiles.get(id));
  let to = null;
  if (key === 'ArrowDown') to = shown[at + 1];
  else if (key === 'ArrowUp') to = shown[at - 1];
  else if (key === 'Home') to = shown[0];
  else if (key === 'End') to = shown[shown.length - 1];
  if (to) {
    event.preventDefault();
    to.button.focus();
  }
}

let dragged = null;

function onDragStart(event) {
  const li = event.target.closest?.('li.item');
  if (!li || settings.sort !== 'manual') return;
  dragged = li.dataset.id;
  event.dataTransfer.effectAllowed = 'move';
  event.dataTransfer.setData('text/plain', ''); // Firefox starts a drag only with data
  li.classList.add('dragging');
}

function dropPlace(event) {
  const li = event.target.closest?.('li.item');
  if (!li || !dragged || li.dataset.id === dragged) return null;
  const box = li.getBoundingClientRect();
  return { li, after: event.clientY > box.top + box.height / 2 };
}

function onDragOver(event) {
  const place = dropPlace(event);
  if (!place) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'move';
  for (const el of list.querySelectorAll('.drop-before, .drop-after')) el.classList.remove('drop-before', 'drop-after');
  place.li.classList.add(place.after ? 'drop-after' : 'drop-before');
}

function endDrag() {
  for (const el of list.querySelectorAll('.drop-before, .drop-after, .dragging')) {
    el.classList.remove('drop-before', 'drop-after', 'dragging');
  }
  dragged = null;
}

function onDrop(event) {
  const place = dropPlace(event);
  const id = dragged;
  endDrag();
  if (!place) return;
  event.preventDefault();
  moveTo(id, place.li.dataset.id, place.after);
}

// ---- Delete and recently deleted ---------------------------------------------------------------

function askConfirmation(text, okText = t('deleteAccount'), danger = true) {
  const dialog = $('confirm-dialog');
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = okText;
  $('confirm-ok').classList.toggle('danger', danger);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}

async function confirmDelete(id) {
  const tile = tiles.get(id);
  const label = labelOf(tile.data);
  const ok = await askConfirmation(t('confirmDelete', [label]));
  if (!ok) {
    tiles.get(id)?.button.focus();
    return;
  }
  const shown = visibleTiles();
  const neighbour = shown[shown.indexOf(tile) + 1] ?? shown[shown.indexOf(tile) - 1];
  try {
    await request(MSG.DELETE, { id });
    showStatus(t('deletedStatus', [label]));
    await refresh();
    if (!$('deleted-section').hidden) await showDeleted();
    (neighbour?.button ?? $('add-toggle')).focus();
  } catch (error) {
    showStatus(errorText(error.code));
  }
}

function formatDate(ms) {
  return new Date(ms).toLocaleDateString(api.i18n.getUILanguage(), { year: 'numeric', month: 'short', day: 'numeric' });
}

async function showDeleted() {
  const ul = $('deleted-list');
  try {
    const answer = await request(MSG.LIST_DELETED);
    ul.replaceChildren(
      ...answer.deleted.map((d) => {
        const li = document.createElement('li');
        const name = document.createElement('span');
        name.className = 'deleted-name';
        name.textContent = labelOf(d);
        const when = document.createElement('span');
        when.className = 'hint';
        when.textContent = t('deletedUntil', [formatDate(d.deletedAt), formatDate(d.purgeAt)]);
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'restore';
        button.textContent = t('restore');
        button.setAttribute('aria-label', t('restoreLabel', [labelOf(d)]));
        button.addEventListener('click', () => restore(d));
        li.append(name, when, button);
        return li;
      }),
    );
    $('deleted-empty').hidden = answer.deleted.length > 0;
  } catch (error) {
    showStatus(errorText(error.code));
  }
}

async function restore(d) {
  try {
    await request(MSG.RESTORE, { id: d.id });
    showStatus(t('restored', [labelOf(d)]));
    await refresh();
    await showDeleted();
    ($('deleted-list').querySelector('button') ?? $('deleted-toggle')).focus();
  } catch (error) {
    showStatus(errorText(error.code));
  }
}

function toggleDeleted() {
  const section = $('deleted-section');
  const open = section.hidden;
  section.hidden = !open;
  $('deleted-toggle').setAttribute('aria-expanded', String(open));
  if (open) showDeleted();
}

// ---- Edit --------------------------------------------------------------------------------------

function openEdit(id) {
  const tile = tiles.get(id);
  if (!tile) return;
  editing = id;
  $('edit-title').textContent = t('editTitle', [labelOf(tile.data)]);
  $('edit-issuer').value = tile.data.issuer;
  $('edit-account').value = tile.data.account;
  $('edit-sites').value = (tile.data.sites ?? []).join(', ');
  $('edit-error').textContent = '';
  tile.li.append(editForm); // inside the item: a list holds only items
  editForm.hidden = false;
  $('edit-issuer').focus();
}

function closeEdit() {
  const id = editing;
  editing = null;
  editForm.hidden = true;
  document.querySelector('main').append(editForm);
  tiles.get(id)?.button.focus();
}

async function submitEdit(event) {
  event.preventDefault();
  const sites = $('edit-sites')
    .value.split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  try {
    await request(MSG.EDIT, {
      id: editing,
      issuer: $('edit-issuer').value.trim(),
      account: $('edit-account').value.trim(),
      sites,
    });
    showStatus(t('savedAccount'));
    await refresh();
    closeEdit();
  } catch (error) {
    $('edit-error').textContent = errorText(error.code);
  }
}

// ---- Details: secret and QR code ---------------------------------------------------------------

function openDetails(id) {
  const tile = tiles.get(id);
  if (!tile) return;
  revealing = id;
  const dialog = $('details-dialog');
  $('details-title').textContent = t('detailsTitle', [labelOf(tile.data)]);
  $('details-prompt').textContent = t(isProtected ? 'detailsPasswordPrompt' : 'detailsConfirmPrompt');
  $('details-password-row').hidden = !isProtected;
  $('details-error').textContent = '';
  $('details-form').hidden = false;
  $('details-revealed').hidden = true;
  dialog.showModal();
  (isProtected ? $('details-password') : $('details-show')).focus();
  wasm(); // for the QR code
}

async function submitDetails(event) {
  event.preventDefault();
  const field = $('details-password');
  const button = $('details-show');
  button.disabled = true;
  $('details-error').textContent = isProtected ? t('working') : '';
  try {
    const fields = isProtected ? { password: field.value } : { confirmed: true };
    const answer = await request(MSG.REVEAL, { id: revealing, ...fields });
    field.value = '';
    const [, { renderQr }] = await Promise.all([wasm(), import('../lib/qr-render.js')]);
    $('details-secret').textContent = answer.secret.replace(/(.{4})(?=.)/g, '$1 ');
    renderQr($('details-qr'), answer.uri);
    revealedUri = answer.uri;
    $('details-error').textContent = '';
    $('details-form').hidden = true;
    $('details-revealed').hidden = false;
    $('details-close').focus();
  } catch (error) {
    $('details-error').textContent = errorText(error.code);
    field.select();
  } finally {
    button.disabled = false;
  }
}

/** Closes the details and forgets what they showed (text, pixels, password). */
function closeDetails() {
  const dialog = $('details-dialog');
  $('details-secret').textContent = '';
  revealedUri = '';
  const canvas = $('details-qr');
  canvas.width = 0;
  canvas.height = 0;
  $('details-password').value = '';
  if (dialog.open) dialog.close();
  const id = revealing;
  revealing = null;
  if (id) tiles.get(id)?.button.focus();
}

// ---- Add form ----------------------------------------------------------------------------------

function formAccount() {
  const type = $('type').value;
  const number = (id) => (form.elements[id].value.trim() === '' ? NaN : Number(form.elements[id].value));
  return {
    type,
    issuer: $('issuer').value.trim(),
    account: $('account').value.trim(),
    secret: $('secret').value,
    algorithm: $('algorithm').value,
    digits: number('digits'),
    period: number('period'),
    counter: type === 'hotp' ? number('counter') : 0,
  };
}

/** The Site field as the account's `sites` (one host name, or none). */
function formSites() {
  const site = $('site').value.trim().toLowerCase();
  return site === '' ? [] : [site];
}

/** Steam has fixed settings; HOTP has a counter and no period. */
function syncTypeFields() {
  const type = $('type').value;
  const steam = type === 'steam';
  if (steam) {
    $('algorithm').value = 'SHA1';
    $('digits').value = '5';
    $('period').value = '30';
  } else if ($('digits').disabled) {
    $('digits').value = '6';
  }
  for (const id of ['algorithm', 'digits', 'period']) $(id).disabled = steam;
  $('period').disabled = steam || type === 'hotp';
  $('counter').disabled = type !== 'hotp';
}

async function updatePreview() {
  const preview = $('preview');
  $('form-error').textContent = '';
  if ($('secret').value.trim() === '') {
    preview.classList.add('empty');
    preview.textContent = t('previewEmpty');
    return;
  }
  const { codeAt } = await wasm();
  try {
    const c = codeAt(formAccount(), now());
    preview.classList.remove('empty');
    preview.textContent = groupCode(c.code);
  } catch (error) {
    preview.classList.add('empty');
    preview.textContent = errorText(error.code);
  }
}

/** A pasted otpauth:// link fills the fields (the core parses it). */
async function applyUri() {
  const text = $('uri').value.trim();
  if (text === '') return;
  const { parseUri } = await wasm();
  try {
    const a = parseUri(text);
    $('type').value = a.type;
    syncTypeFields();
    $('issuer').value = a.issuer;
    $('account').value = a.account;
    $('secret').value = a.secret;
    $('algorithm').value = a.algorithm;
    $('digits').value = String(a.digits);
    $('period').value = String(a.period);
    $('counter').value = String(a.counter);
    $('uri').value = '';
    await updatePreview();
    showStatus(t('uriApplied'));
  } catch (error) {
    await updatePreview();
    $('form-error').textContent = errorText(error.code);
  }
}

function openForm(open) {
  form.hidden = !open;
  $('add-toggle').setAttribute('aria-expanded', String(open));
  if (open) {
    wasm();
    updatePreview();
    $('uri').focus();
    if ($('site').value === '') {
      targetHost().then((host) => {
        if (host && $('site').value === '') $('site').value = host;
      });
    }
  }
}

/** The target tab's host name when it is an http(s) page (and readable: activeTab), else ''. */
async function targetHost() {
  try {
    const tabId = await targetTabId();
    if (!Number.isInteger(tabId)) return '';
    return (await hostOfTab(tabId)) ?? '';
  } catch {
    return '';
  }
}

function resetForm() {
  form.reset(); // clears the secret too
  syncTypeFields();
  $('form-error').textContent = '';
}

async function submit(event) {
  event.preventDefault();
  const submitButton = $('add-submit');
  submitButton.disabled = true;
  try {
    await request(MSG.ADD, { account: { ...formAccount(), sites: formSites() } });
    resetForm();
    openForm(false);
    showStatus(t('added'));
    $('add-toggle').focus();
    await refresh();
  } catch (error) {
    $('form-error').textContent = errorText(error.code);
  } finally {
    submitButton.disabled = false;
  }
}

// ---- Scan --------------------------------------------------------------------------------------

/**
 * The scanner takes the popup's place: the page to scan stays the visible tab, which the scanner
 * captures (activeTab, granted by the toolbar click). A test build's popup opened as a tab with
 * ?tab=<id> hands that id on.
 */
async function openScanner() {
  let tabId;
  try {
    tabId = await targetTabId();
  } catch {
    tabId = undefined;
  }
  const named = new URLSearchParams(location.search).has('tab') && Number.isInteger(tabId);
  location.assign(`../scan/scan.html${named ? `?tab=${tabId}` : ''}`);
}

// ---- Keyboard: "/" and typing search -----------------------------------------------------------

function onDocumentKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest?.('input, textarea, select, dialog, [contenteditable]')) {
    if (event.key === 'Escape' && target === $('search') && target.value !== '') {
      target.value = '';
      applyFilter();
      event.preventDefault();
    }
    return;
  }
  if (event.key === 'Escape' && actionsFor !== null) {
    event.preventDefault();
    closeActions(true);
    return;
  }
  if ($('vault-open').hidden || tiles.size === 0) return;
  const search = $('search');
  if (event.key === '/') {
    event.preventDefault();
    search.focus();
    search.select();
  } else if (event.key.length === 1 && event.key !== ' ' && (target === document.body || target.closest?.('#accounts'))) {
    event.preventDefault();
    search.focus();
    search.value += event.key;
    applyFilter();
  }
}

// ---- Settings ----------------------------------------------------------------------------------

function applySettings() {
  document.body.classList.toggle('hide-codes', settings.hideCodes);
  $('sort').value = settings.sort;
  showTimeTravel();
  $('details-copy-uri').hidden = !settings.developerMode;
}

function onSetting(name, value) {
  settings = { ...settings, [name]: value };
  applySettings();
  if (name === 'sort') render();
  if (name === 'developerMode' || name === 'timeTravelSteps') refresh();
}

// ---- Start -------------------------------------------------------------------------------------

/**
 * The parts of the page hidden at first. Their ~50 texts are filled after the codes are painted,
 * or before when anything needs them sooner (a locked vault, an error, the user's first key press
 * or click). chrome.i18n.getMessage is slow here: with performance marks, translating the whole
 * page took 3.0-4.4 ms of the time before the codes could be shown, the visible part 0.8-1.9 ms.
 */
const LATER = '#unlock-form, #tile-actions, #edit-form, #deleted-section, #add-form, #site-note, dialog';
let translated = false;
function translateLater() {
  if (translated) return;
  translated = true;
  for (const el of document.querySelectorAll(LATER)) applyI18n(el);
}

applyI18n(document, LATER);
for (const type of ['pointerdown', 'keydown']) addEventListener(type, translateLater, { capture: true, once: true });
applyTheme().catch(() => {});
syncTypeFields();
list.addEventListener('click', (event) => {
  const button = event.target.closest?.('button');
  if (!button) return;
  const id = button.closest('li.item')?.dataset.id;
  if (!id) return;
  if (button.classList.contains('tile')) copy(id);
  else if (button.classList.contains('menu')) openActions(id);
  else if (button.classList.contains('hotp-next')) hotpNext(id);
});
list.addEventListener('keydown', onListKey);
list.addEventListener('dragstart', onDragStart);
list.addEventListener('dragover', onDragOver);
list.addEventListener('drop', onDrop);
list.addEventListener('dragend', endDrag);
actions.addEventListener('click', (event) => {
  const action = event.target.closest?.('[data-action]')?.dataset.action;
  if (action) onAction(action);
});
actions.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    event.preventDefault();
    closeActions(true);
  }
});
document.addEventListener('keydown', onDocumentKey);
$('search').addEventListener('input', applyFilter);
$('search').addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' || event.key === 'Enter') {
    const first = visibleTiles()[0];
    if (first) {
      event.preventDefault();
      first.button.focus();
    }
  }
});
$('sort').addEventListener('change', () => saveSetting('sort', $('sort').value).catch(() => {}));
$('add-toggle').addEventListener('click', () => openForm(form.hidden));
$('add-cancel').addEventListener('click', () => {
  resetForm();
  openForm(false);
});
$('deleted-toggle').addEventListener('click', toggleDeleted);
$('scan-button').addEventListener('click', () => openScanner().catch((error) => showStatus(errorText(error?.code))));
form.addEventListener('input', (event) => {
  if (event.target === $('uri')) applyUri();
  else updatePreview();
});
$('type').addEventListener('change', () => {
  syncTypeFields();
  updatePreview();
});
form.addEventListener('submit', submit);
editForm.addEventListener('submit', submitEdit);
$('edit-cancel').addEventListener('click', closeEdit);
$('details-form').addEventListener('submit', submitDetails);
$('details-cancel').addEventListener('click', closeDetails);
$('details-close').addEventListener('click', closeDetails);
$('details-copy-uri').addEventListener('click', async () => {
  if (!revealedUri) return;
  try {
    await navigator.clipboard.writeText(revealedUri);
    showStatus(t('devUriCopied'));
  } catch {
    showStatus(t('err_generic'));
  }
});
$('time-travel-off').addEventListener('click', () => saveSetting('timeTravelSteps', 0));
$('details-dialog').addEventListener('cancel', (event) => {
  event.preventDefault();
  closeDetails();
});
$('unlock-form').addEventListener('submit', unlock);
$('lock-button').addEventListener('click', lockNow);
$('bind-submit').addEventListener('click', bindSite);
// The worker removes the session key when it locks (alarm, system lock, another page): show the
// unlock form at once rather than at the next code refresh.
api.storage.session.onChanged?.addListener((changes) => {
  if ('vault.sessionKey' in changes && changes['vault.sessionKey'].newValue === undefined) refresh();
});
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && LAST_USED_KEY in changes) {
    const value = changes[LAST_USED_KEY].newValue;
    lastUsed = value !== null && typeof value === 'object' ? value : {};
    if (settings.sort === 'recent') render();
  }
});
watchSettings(onSetting);
watchClock(() => {
  refresh();
  if (!form.hidden) updatePreview();
});

// The codes, the clock and the preferences that order and mask them were asked for by
// popup-boot.js before this module loaded.
firstPrefs
  .then(([s, stored]) => {
    settings = s;
    applySettings();
    const value = stored[LAST_USED_KEY];
    lastUsed = value !== null && typeof value === 'object' ? value : {};
  })
  .catch(() => {})
  .then(() => refresh(settings.developerMode ? undefined : firstList, firstClock));
tick();
