// The export page (issue 11): the accounts for another app, after the password is entered again
// (or, for a vault without a password, after an explicit confirmation).
//
//   uris, aegis  → a file downloaded through a Blob and an <a download> (never stored by us)
//   migration    → Google Authenticator transfer codes, one at a time ("1 of 3") with previous and
//                  next, drawn by lib/qr-render.js at a size a phone camera reads off the screen;
//                  the accounts left out are listed with the reason.
//
// The answer holds secrets: it lives in this page's memory only while it is used (the codes until
// "Done" or the page is left; a file until its download starts), never in storage, an attribute or
// the console. The password field is cleared after each request. `?format=uris|aegis|migration`
// preselects a format (the options page links here that way).
import init from '../pkg/tessera_wasm.js';
import { wasmUrl } from '../compat.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';
import { QUIET_ZONE, renderQr } from '../lib/qr-render.js';
import { applyTheme } from '../lib/theme.js';

/**
 * Width the QR code aims for, in CSS pixels. A transfer code is at most version 27 (125 modules,
 * core export::MAX_QR_VERSION): 133 modules with the quiet zone get 4 px each (532 px), which a
 * phone held 20–30 cm from a laptop screen reads at once; smaller codes get larger modules, up to
 * MAX_MODULE_PX, and no code gets less than MIN_MODULE_PX.
 */
const TARGET_PX = 540;
const MIN_MODULE_PX = 3;
const MAX_MODULE_PX = 8;

const FORMATS = ['aegis', 'migration', 'uris'];
const FILES = {
  uris: { extension: 'txt', type: 'text/plain', stem: 'tessera-otpauth' },
  aegis: { extension: 'json', type: 'application/json', stem: 'tessera-aegis-plain' },
};

const $ = (id) => document.getElementById(id);
let vaultProtected = false;
/** The transfer codes while they are shown: { uris, index }. */
let batch = null;

function element(tag, text) {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function labelText({ issuer, account }) {
  if (issuer && account) return `${issuer} (${account})`;
  return issuer || account || t('exportNoLabel');
}

function chosenFormat() {
  return document.querySelector('input[name="format"]:checked')?.value ?? null;
}

async function refreshStatus() {
  const status = await request(MSG.STATUS);
  vaultProtected = status.protected;
  $('password-row').hidden = !vaultProtected;
  $('confirm-row').hidden = vaultProtected;
}

/** Saves `text` as a file through a Blob URL and an <a download>; the URL is revoked at once after. */
function download(text, format) {
  const { extension, type, stem } = FILES[format];
  const day = new Date().toISOString().slice(0, 10);
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${stem}-${day}.${extension}`;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return a.download;
}

// ---- Google Authenticator codes ---------------------------------------------------------------

function drawCode() {
  const { uris, index } = batch;
  const canvas = $('qr-canvas');
  const size = renderQr(canvas, uris[index], { moduleSize: MIN_MODULE_PX });
  const moduleSize = Math.max(MIN_MODULE_PX, Math.min(MAX_MODULE_PX, Math.floor(TARGET_PX / (size + 2 * QUIET_ZONE))));
  if (moduleSize !== MIN_MODULE_PX) renderQr(canvas, uris[index], { moduleSize });
  const position = t('exportPosition', [String(index + 1), String(uris.length)]);
  $('qr-position').textContent = position;
  canvas.setAttribute('aria-label', t('exportQrLabel', [String(index + 1), String(uris.length)]));
  $('qr-previous').disabled = index === 0;
  $('qr-next').disabled = index === uris.length - 1;
}

function move(step) {
  if (!batch) return;
  const index = batch.index + step;
  if (index < 0 || index >= batch.uris.length) return;
  batch.index = index;
  drawCode();
}

/** Forgets the codes and blanks the canvas. */
function closeCodes() {
  if (batch) batch.uris.fill('');
  batch = null;
  const canvas = $('qr-canvas');
  canvas.width = 0;
  canvas.height = 0;
  $('migration-view').hidden = true;
}

function fillList(listId, boxId, entries) {
  const list = $(listId);
  list.replaceChildren(...entries.map((e) => element('li', `${labelText(e)}: ${errorText(e.reason)}`)));
  $(boxId).hidden = entries.length === 0;
}

function showCodes(answer) {
  closeCodes();
  fillList('left-out-list', 'left-out', answer.leftOut);
  fillList('caution-list', 'caution', answer.caution);
  const none = answer.uris.length === 0;
  $('migration-none').hidden = !none;
  for (const id of ['qr-position', 'qr-previous', 'qr-next']) $(id).hidden = none;
  $('qr-canvas').parentElement.hidden = none;
  $('migration-view').hidden = false;
  if (!none) {
    batch = { uris: answer.uris, index: 0 };
    drawCode();
  }
  $('migration-view').scrollIntoView({ block: 'start' });
}

// ---- The form -----------------------------------------------------------------------------------

async function submit(event) {
  event.preventDefault();
  $('export-error').textContent = '';
  $('export-status').textContent = '';
  const format = chosenFormat();
  if (!format) {
    $('export-error').textContent = t('exportChooseFormat');
    return;
  }
  const fields = { format };
  if (vaultProtected) {
    fields.password = $('export-password').value;
    $('export-password').value = '';
    if (!fields.password) {
      $('export-error').textContent = errorText('password_empty');
      return;
    }
  } else {
    if (!$('export-confirm').checked) {
      $('export-error').textContent = t('exportConfirmFirst');
      return;
    }
    fields.confirmed = true;
  }
  $('export-submit').disabled = true;
  $('export-status').textContent = t('exportWorking');
  try {
    const answer = await request(MSG.EXPORT_ACCOUNTS, fields);
    if (format === 'migration') {
      $('export-status').textContent = '';
      showCodes(answer);
    } else {
      const name = download(answer.text, format);
      answer.text = '';
      $('export-status').textContent = t('exportDownloaded', [name]);
    }
  } catch (error) {
    $('export-status').textContent = '';
    $('export-error').textContent = errorText(error.code);
  } finally {
    $('export-submit').disabled = false;
    if (!vaultProtected) $('export-confirm').checked = false;
  }
}

async function start() {
  applyI18n();
  applyTheme();
  const preset = new URLSearchParams(location.search).get('format');
  if (FORMATS.includes(preset)) $(`format-${preset}`).checked = true;
  $('export-form').addEventListener('submit', submit);
  $('qr-previous').addEventListener('click', () => move(-1));
  $('qr-next').addEventListener('click', () => move(1));
  $('qr-done').addEventListener('click', closeCodes);
  $('migration-view').addEventListener('keydown', (event) => {
    if (event.key === 'ArrowLeft') move(-1);
    if (event.key === 'ArrowRight') move(1);
  });
  // Leaving the page (or hiding it in a background tab for good) forgets the codes.
  addEventListener('pagehide', closeCodes);
  try {
    await Promise.all([refreshStatus(), init({ module_or_path: wasmUrl })]);
    document.body.dataset.ready = 'true';
  } catch (error) {
    $('export-error').textContent = errorText(error.code);
  }
}

start();
