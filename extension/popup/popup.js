// The popup: live codes as tiles, and a minimal "add by secret key" form; an unlock form while the
// vault is locked, a lock button, and a banner while no password protects the vault.
//
// Codes come from the background (which never sends secrets) and are asked for again only at the
// earliest step boundary; between answers only the countdowns change. The form's preview code is
// computed here, with the popup's own copy of the wasm module, so the secret leaves this page only
// when the user adds the account.
import init, { codeAt } from '../pkg/tessera_wasm.js';
import { api, wasmUrl } from '../compat.js';
import { loadClock, now, watchClock } from '../lib/clock.js';
import { groupCode, secondsLeft } from '../lib/format.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';
import { hostOfUrl } from '../lib/site.js';
import { targetTabId } from '../lib/tab.js';

const $ = (id) => document.getElementById(id);
const list = $('accounts');
const form = $('add-form');
const tiles = new Map(); // id -> { li, button, issuer, account, code, countdown, bar, data }

let refreshTimer = 0;
let wasmReady = null;

function showStatus(text) {
  $('status').textContent = text;
}

// ---- Tiles -------------------------------------------------------------------------------------

function makeTile(id) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'tile';
  button.dataset.id = id;
  const parts = {};
  for (const name of ['issuer', 'account', 'code', 'countdown', 'bar']) {
    parts[name] = document.createElement('span');
    parts[name].className = name;
  }
  parts.countdown.setAttribute('aria-hidden', 'true');
  button.append(parts.issuer, parts.countdown, parts.account, parts.code, parts.bar);
  button.addEventListener('click', () => copy(id));
  li.append(button);
  return { li, button, ...parts, data: null };
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function fillTile(tile, a) {
  tile.data = a;
  tile.button.classList.toggle('error', Boolean(a.error));
  if (a.error) {
    setText(tile.issuer, '?');
    setText(tile.account, '');
    setText(tile.code, errorText(a.error));
    setText(tile.countdown, '');
    tile.button.removeAttribute('aria-label');
    return;
  }
  setText(tile.issuer, a.issuer);
  setText(tile.account, a.account);
  setText(tile.code, groupCode(a.code));
  const label = [a.issuer, a.account].filter(Boolean).join(' – ');
  tile.button.setAttribute('aria-label', `${t('copyHint', [label])}: ${a.code}`);
  tile.bar.hidden = a.validUntil == null;
  updateCountdown(tile, now());
}

function updateCountdown(tile, nowMs) {
  const a = tile.data;
  if (!a || a.error) return;
  if (a.validUntil == null) {
    setText(tile.countdown, t('counterLabel', [String(a.counter)]));
    return;
  }
  const left = secondsLeft(a.validUntil, nowMs);
  setText(tile.countdown, t('secondsLeft', [String(left)]));
  const long = t('secondsLeftLong', [String(left)]);
  if (tile.countdown.title !== long) tile.countdown.title = long;
  const fraction = Math.min(1, Math.max(0, (a.validUntil - nowMs) / (a.period * 1000)));
  tile.bar.style.setProperty('--left', fraction.toFixed(3));
}

function render(accounts) {
  const seen = new Set();
  accounts.forEach((a, index) => {
    seen.add(a.id);
    let tile = tiles.get(a.id);
    if (!tile) {
      tile = makeTile(a.id);
      tiles.set(a.id, tile);
    }
    fillTile(tile, a);
    // Move a node only when the order changed: moving the focused tile would drop its focus.
    if (list.children[index] !== tile.li) list.insertBefore(tile.li, list.children[index] ?? null);
  });
  for (const [id, tile] of tiles) {
    if (!seen.has(id)) {
      tile.li.remove();
      tiles.delete(id);
    }
  }
  $('loading').hidden = true;
  $('empty').hidden = accounts.length > 0;
}

/** Shows either the unlock form or the accounts. */
function showLocked(locked) {
  $('unlock-form').hidden = !locked;
  $('vault-open').hidden = locked;
  if (locked) {
    $('lock-button').hidden = true;
    $('no-password').hidden = true;
    $('loading').hidden = true;
    for (const tile of tiles.values()) tile.li.remove();
    tiles.clear();
    if (document.activeElement === document.body) $('unlock-password').focus();
  }
}

/** Asks the background for codes, then again at the earliest step boundary. */
async function refresh() {
  clearTimeout(refreshTimer);
  try {
    await loadClock();
    const answer = await request(MSG.LIST);
    showLocked(false);
    $('lock-button').hidden = !answer.protected;
    $('no-password').hidden = answer.protected;
    render(answer.accounts);
    const boundaries = answer.accounts.map((a) => a.validUntil).filter(Number.isFinite);
    if (boundaries.length > 0) {
      // A few ms past the boundary, so the next answer is certainly the next step.
      refreshTimer = setTimeout(refresh, Math.max(0, Math.min(...boundaries) - now()) + 20);
    }
  } catch (error) {
    if (error.code === 'vault_locked') {
      showLocked(true);
      return; // nothing to refresh until unlocked
    }
    showStatus(errorText(error.code));
    refreshTimer = setTimeout(refresh, 5000);
  }
}

// ---- Lock and unlock ---------------------------------------------------------------------------

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

/** Countdowns tick on whole seconds; only text that changed is touched. */
function tick() {
  const nowMs = now();
  for (const tile of tiles.values()) updateCountdown(tile, nowMs);
  setTimeout(tick, 1000 - (Date.now() % 1000));
}

/** Copies the code; then, for an account bound to sites, asks the worker to fill the target tab. */
async function copy(id) {
  const data = tiles.get(id)?.data;
  const code = data?.code;
  if (!code) return;
  try {
    await navigator.clipboard.writeText(code);
    showStatus(t('copied'));
  } catch {
    showStatus(t('copyFailed'));
  }
  if (!Array.isArray(data.sites) || data.sites.length === 0) return;
  try {
    const tabId = await targetTabId();
    if (!Number.isInteger(tabId)) return;
    const answer = await request(MSG.FILL, { id, tabId });
    showStatus(t('filledInto', [answer.host]));
  } catch (error) {
    showStatus(errorText(error.code));
  }
}

/** The target tab's host name when it is an http(s) page (and readable: activeTab), else ''. */
async function targetHost() {
  try {
    const tabId = await targetTabId();
    if (!Number.isInteger(tabId)) return '';
    return hostOfUrl((await api.tabs.get(tabId))?.url);
  } catch {
    return '';
  }
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
  await wasmReady;
  try {
    const c = codeAt(formAccount(), now());
    preview.classList.remove('empty');
    preview.textContent = groupCode(c.code);
  } catch (error) {
    preview.classList.add('empty');
    preview.textContent = errorText(error.code);
  }
}

function openForm(open) {
  form.hidden = !open;
  $('add-toggle').setAttribute('aria-expanded', String(open));
  if (open) {
    wasmReady ??= loadClock().then(() => init({ module_or_path: wasmUrl }));
    updatePreview();
    $('issuer').focus();
    if ($('site').value === '') {
      targetHost().then((host) => {
        if (host && $('site').value === '') $('site').value = host;
      });
    }
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

// ---- Start -------------------------------------------------------------------------------------

applyI18n();
syncTypeFields();
$('add-toggle').addEventListener('click', () => openForm(form.hidden));
$('add-cancel').addEventListener('click', () => {
  resetForm();
  openForm(false);
});
form.addEventListener('input', updatePreview);
$('type').addEventListener('change', () => {
  syncTypeFields();
  updatePreview();
});
form.addEventListener('submit', submit);
$('unlock-form').addEventListener('submit', unlock);
$('lock-button').addEventListener('click', lockNow);
// The worker removes the session key when it locks (alarm, system lock, another page): show the
// unlock form at once rather than at the next code refresh.
api.storage.session.onChanged?.addListener((changes) => {
  if ('vault.sessionKey' in changes && changes['vault.sessionKey'].newValue === undefined) refresh();
});
watchClock(() => {
  refresh();
  if (!form.hidden) updatePreview();
});
refresh();
tick();
