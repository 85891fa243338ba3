// The scan page: adds accounts from a QR code on the page the user is looking at, or in an image
// (file picker, drag and drop, paste). Opened by the popup in its own frame (it navigates to this
// page), or in a window or tab of its own with `?tab=<id>` naming the tab to capture. `?image`
// skips the capture and offers only "Add from image".
//
// Flow: capture the visible tab (tabs.captureVisibleTab; activeTab after the user's click), decode
// the whole capture in the QR decoder's own worker (../qr/client.js), and when nothing is found
// offer a region to drag on the capture (also on request, e.g. to pick one code of several): the region is cropped in the capture's own pixels (the
// canvas' size on screen is mapped back to the bitmap's), so devicePixelRatio and page zoom need
// no separate correction. Then:
// - otpauth:// (and steam://): a confirmation with issuer, account, the current code and the site
//   (the scanned page's registrable domain, editable) before the background stores it (MSG.ADD);
// - otpauth-migration://: its accounts, imported together; a batch ("2 of 3") remembers which of
//   its codes were imported in storage.session, so closing the popup loses nothing;
// - anything else: the text, and that it is not an authenticator code.
// The background refuses an account already in the vault (account_duplicate).
//
// The parsed account (with its secret) lives only in this module's memory until the background
// has it; the DOM gets issuer, account, the code and the site, as text.
import init, { codeAt, decodeMigration, parseUri } from '../pkg/tessera_wasm.js';
import { api, wasmUrl } from '../compat.js';
import { loadClock, now } from '../lib/clock.js';
import { groupCode } from '../lib/format.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';
import { hostOfUrl, registrableDomain } from '../lib/site.js';
import { applyTheme } from '../lib/theme.js';
import { decodeImageData } from '../qr/client.js';

/** storage.session: progress of a Google Authenticator export batch { batchId, size, done: [index] }. */
export const BATCH_KEY = 'scan.migrationBatch';
/** A dragged region is enlarged (without smoothing) until its shorter side has this many pixels,
 *  at most 4x: a small code on a large page then has modules of several pixels. */
const REGION_MIN_SIDE = 480;
const REGION_MAX_ENLARGE = 4;
/** Image files above this size are not read (a screenshot of an 8K screen is far smaller). */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

const $ = (id) => document.getElementById(id);
const ready = init({ module_or_path: wasmUrl });

/** The tab captured (its id and host), or null when adding from images only. */
let target = null;
/** The last capture, for the region overlay. */
let capture = null; // ImageBitmap
/** Texts still to be shown after the current one (several codes in one image). */
let queue = [];
/** The account being confirmed (in memory only) or the migration being imported. */
let pending = null;

applyI18n();
applyTheme().catch(() => {});
wire();
start().catch((error) => showError(errorText(error?.code)));

// ---- Start ----------------------------------------------------------------------------------------

async function start() {
  const params = new URLSearchParams(location.search);
  await showBatchNote();
  if (params.has('image')) {
    $('back-link').hidden = true;
    return;
  }
  target = await targetTab(params.get('tab'));
  if (!target) {
    showError(t('scanCaptureNotAllowed'));
    return;
  }
  $('scan-page').hidden = false;
  await scanPage();
}

/** { id, windowId, host } of the tab to capture, or null when there is no such tab. */
async function targetTab(named) {
  let tab;
  try {
    if (named !== null && /^\d+$/.test(named)) {
      tab = await api.tabs.get(Number(named));
    } else {
      [tab] = await api.tabs.query({ active: true, currentWindow: true });
      // Opened as a tab of its own without ?tab=: the active tab is this page.
      if (tab && tab.url && tab.url.startsWith(api.runtime.getURL(''))) tab = null;
    }
  } catch {
    tab = null;
  }
  if (!tab) return null;
  // The site a scanned account is bound to: the page's registrable domain (login.example.co.uk →
  // example.co.uk), or its host where there is none (an IP address, localhost).
  const host = hostOfUrl(tab.url);
  return { id: tab.id, windowId: tab.windowId, host: registrableDomain(host) || host };
}

// ---- Capture and decode ---------------------------------------------------------------------------

async function scanPage() {
  resetResult();
  $('region').hidden = true;
  $('region-button').hidden = true;
  status(t('scanScanning'));
  let dataUrl;
  try {
    dataUrl = await captureTarget();
  } catch {
    // Browser pages, the PDF viewer, other extensions and web stores cannot be captured.
    status('');
    showError(t('scanCaptureNotAllowed'));
    return;
  }
  capture?.close();
  capture = await createImageBitmap(await (await fetch(dataUrl)).blob());
  const texts = await decodeBitmap(capture);
  if (texts === null) return;
  // A region can always be chosen instead (e.g. one code of several on the page).
  $('region-button').hidden = false;
  if (texts.length === 0) {
    status(t('scanNothingFound'));
    showRegion();
    return;
  }
  status('');
  handleTexts(texts, target.host);
}

/** Milliseconds given a tab brought to the front to paint before it is captured. */
const PAINT_WAIT_MS = 250;

/**
 * A PNG data URL of the target tab as shown. Only the visible tab of a window can be captured:
 * when this page was opened as a tab in front of it, the target is shown for the capture and this
 * page brought back afterwards.
 */
async function captureTarget() {
  const tab = await api.tabs.get(target.id);
  if (tab.active) return api.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
  const own = await api.tabs.getCurrent();
  await api.tabs.update(tab.id, { active: true });
  try {
    await new Promise((resolve) => setTimeout(resolve, PAINT_WAIT_MS));
    return await api.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
  } finally {
    if (own) await api.tabs.update(own.id, { active: true }).catch(() => {});
  }
}

/** The texts of every QR code in (a part of) a bitmap, scaled by `scale`; null after an error shown. */
async function decodeBitmap(bitmap, crop = null, scale = 1) {
  const sx = crop?.x ?? 0;
  const sy = crop?.y ?? 0;
  const sw = crop?.w ?? bitmap.width;
  const sh = crop?.h ?? bitmap.height;
  const w = Math.max(1, Math.round(sw * scale));
  const h = Math.max(1, Math.round(sh * scale));
  const canvas = new OffscreenCanvas(w, h);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.imageSmoothingEnabled = false;
  context.drawImage(bitmap, sx, sy, sw, sh, 0, 0, w, h);
  try {
    return await decodeImageData(context.getImageData(0, 0, w, h));
  } catch (error) {
    status('');
    showError(errorText(error?.code));
    return null;
  }
}

// ---- Region overlay -------------------------------------------------------------------------------

function showRegion() {
  if (!capture) return;
  const canvas = $('region-canvas');
  canvas.width = capture.width;
  canvas.height = capture.height;
  canvas.getContext('2d').drawImage(capture, 0, 0);
  $('region-box').hidden = true;
  $('region').hidden = false;
}

function wireRegion() {
  const stage = $('region-stage');
  const box = $('region-box');
  let start = null;
  const point = (event) => {
    const r = $('region-canvas').getBoundingClientRect();
    return {
      x: Math.min(Math.max(event.clientX - r.left, 0), r.width),
      y: Math.min(Math.max(event.clientY - r.top, 0), r.height),
    };
  };
  const rectOf = (a, b) => ({ x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) });
  const place = (rect) => {
    box.style.left = `${rect.x}px`;
    box.style.top = `${rect.y}px`;
    box.style.width = `${rect.w}px`;
    box.style.height = `${rect.h}px`;
    box.hidden = false;
  };
  stage.addEventListener('pointerdown', (event) => {
    if (!capture || event.button !== 0) return;
    event.preventDefault();
    stage.setPointerCapture(event.pointerId);
    start = point(event);
    place({ ...start, w: 0, h: 0 });
  });
  stage.addEventListener('pointermove', (event) => {
    if (start) place(rectOf(start, point(event)));
  });
  const finish = async (event) => {
    if (!start) return;
    const rect = rectOf(start, point(event));
    start = null;
    if (rect.w < 8 || rect.h < 8) {
      box.hidden = true;
      return;
    }
    await scanRegion(rect);
  };
  stage.addEventListener('pointerup', finish);
  stage.addEventListener('pointercancel', () => {
    start = null;
    box.hidden = true;
  });
}

/** Decodes the part of the capture under `rect` (CSS pixels of the canvas as shown). */
async function scanRegion(rect) {
  resetResult();
  const shown = $('region-canvas').getBoundingClientRect();
  // The canvas holds the capture at its own resolution; the ratio of its pixels to the CSS pixels
  // it is shown at covers devicePixelRatio, page zoom and the scaling to fit this page.
  const kx = capture.width / shown.width;
  const ky = capture.height / shown.height;
  const crop = {
    x: Math.floor(rect.x * kx),
    y: Math.floor(rect.y * ky),
    w: Math.min(capture.width - Math.floor(rect.x * kx), Math.ceil(rect.w * kx)),
    h: Math.min(capture.height - Math.floor(rect.y * ky), Math.ceil(rect.h * ky)),
  };
  if (crop.w < 1 || crop.h < 1) return;
  const scale = Math.min(REGION_MAX_ENLARGE, Math.max(1, Math.ceil(REGION_MIN_SIDE / Math.min(crop.w, crop.h))));
  status(t('scanScanning'));
  const texts = await decodeBitmap(capture, crop, scale);
  if (texts === null) return;
  if (texts.length === 0) {
    status(t('scanNothingInRegion'));
    return;
  }
  status('');
  handleTexts(texts, target?.host ?? '');
}

// ---- Images: file, drop, paste --------------------------------------------------------------------

async function scanImageFile(file) {
  resetResult();
  if (!file || !file.type.startsWith('image/')) {
    showError(t('scanNotAnImage'));
    return;
  }
  if (file.size > MAX_IMAGE_BYTES) {
    showError(errorText('qr_too_large'));
    return;
  }
  status(t('scanScanning'));
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    status('');
    showError(t('scanNotAnImage'));
    return;
  }
  try {
    const texts = await decodeBitmap(bitmap);
    if (texts === null) return;
    if (texts.length === 0) {
      status(t('scanNothingInImage'));
      return;
    }
    status('');
    // An image carries no page: the site starts empty (the user may type one).
    handleTexts(texts, '');
  } finally {
    bitmap.close();
  }
}

function wireImages() {
  $('image-file').addEventListener('change', (event) => {
    const [file] = event.target.files ?? [];
    event.target.value = '';
    if (file) scanImageFile(file);
  });
  let depth = 0;
  document.addEventListener('dragenter', (event) => {
    if (!event.dataTransfer?.types?.includes('Files')) return;
    depth += 1;
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) document.body.classList.remove('dragging');
  });
  document.addEventListener('dragover', (event) => {
    if (event.dataTransfer?.types?.includes('Files')) event.preventDefault();
  });
  document.addEventListener('drop', (event) => {
    depth = 0;
    document.body.classList.remove('dragging');
    const file = [...(event.dataTransfer?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (!event.dataTransfer?.files?.length) return;
    event.preventDefault();
    if (file) scanImageFile(file);
    else showError(t('scanNotAnImage'));
  });
  document.addEventListener('paste', (event) => {
    // Text pasted into the site field stays there.
    if (event.target instanceof HTMLInputElement && event.target.type === 'text') return;
    const item = [...(event.clipboardData?.items ?? [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    if (!item) return;
    event.preventDefault();
    scanImageFile(item.getAsFile());
  });
}

// ---- Results ----------------------------------------------------------------------------------------

/** Shows the first useful text of a decode; the others follow once it is dealt with. */
function handleTexts(texts, site) {
  // Authenticator codes first; a page may also show a link or app-store code beside one.
  const kind = (text) => (isMigration(text) ? 0 : isOtp(text) ? 0 : 1);
  queue = [...texts].sort((a, b) => kind(a) - kind(b)).map((text) => ({ text, site }));
  next();
}

function isOtp(text) {
  return /^(otpauth|steam):\/\//i.test(text.trim());
}

function isMigration(text) {
  return /^otpauth-migration:\/\//i.test(text.trim());
}

function next() {
  pending = null;
  $('confirm').hidden = true;
  $('migration').hidden = true;
  $('not-otp').hidden = true;
  const item = queue.shift();
  if (!item) return;
  const text = item.text.trim();
  if (isMigration(text)) showMigration(text).catch((error) => failed(error));
  else if (isOtp(text)) showConfirm(text, item.site).catch((error) => failed(error));
  else showNotOtp(item.text);
}

function failed(error) {
  showError(errorText(error?.code));
  next();
}

async function showConfirm(text, site) {
  await ready;
  await loadClock();
  const account = parseUri(text); // throws TesseraError with the URI's error code
  const code = codeAt(account, now());
  pending = { account };
  $('confirm-issuer').textContent = account.issuer || '—';
  $('confirm-account').textContent = account.account || '—';
  $('confirm-code').textContent = groupCode(code.code);
  $('confirm-site').value = site;
  $('confirm').hidden = false;
  $('confirm-save').focus();
}

async function saveConfirmed(event) {
  event.preventDefault();
  if (!pending?.account) return;
  const site = $('confirm-site').value.trim().toLowerCase().replace(/\.$/, '');
  const account = pending.account;
  $('confirm-save').disabled = true;
  try {
    await request(MSG.ADD, { account: { ...account, sites: site ? [site] : [] } });
    done(t('scanAdded', [label(account)]));
    next();
  } catch (error) {
    showError(errorText(error?.code));
    if (error?.code === 'account_duplicate') next();
  } finally {
    $('confirm-save').disabled = false;
  }
}

function label(account) {
  return [account.issuer, account.account].filter(Boolean).join(': ') || '—';
}

async function showMigration(text) {
  await ready;
  const decoded = decodeMigration(text); // throws TesseraError with the migration error code
  pending = { migration: decoded };
  const size = decoded.batchSize > 1 ? decoded.batchSize : 1;
  const title = size > 1
    ? t('scanMigrationBatchTitle', [String(decoded.batchIndex + 1), String(size)])
    : t('scanMigrationTitle');
  $('migration-title').textContent = title;
  const list = $('migration-list');
  list.replaceChildren(...decoded.accounts.map((a) => {
    const li = document.createElement('li');
    li.textContent = label(a);
    return li;
  }));
  const skipped = $('migration-skipped');
  skipped.hidden = decoded.skipped.length === 0;
  skipped.textContent = t('scanMigrationSkipped', [String(decoded.skipped.length)]);
  $('migration-import').textContent = t('scanMigrationImport', [String(decoded.accounts.length)]);
  $('migration-import').disabled = decoded.accounts.length === 0;
  $('migration').hidden = false;
  $('migration-import').focus();
}

async function importMigration(event) {
  event.preventDefault();
  const decoded = pending?.migration;
  if (!decoded) return;
  $('migration-import').disabled = true;
  let added = 0;
  let duplicates = 0;
  let failures = 0;
  for (const account of decoded.accounts) {
    try {
      await request(MSG.ADD, { account });
      added += 1;
    } catch (error) {
      if (error?.code === 'account_duplicate') duplicates += 1;
      else failures += 1;
      if (error?.code === 'vault_locked') break;
    }
  }
  pending = null;
  const parts = [t('scanMigrationDone', [String(added)])];
  if (duplicates) parts.push(t('scanMigrationDuplicates', [String(duplicates)]));
  if (failures) parts.push(t('scanMigrationFailures', [String(failures)]));
  if (decoded.batchSize > 1) parts.push(await recordBatch(decoded));
  done(parts.join(' '));
  next();
}

/** Remembers that this code of a batch was imported; the text saying what is left. */
async function recordBatch(decoded) {
  const size = decoded.batchSize;
  let progress = await readBatch();
  if (!progress || progress.batchId !== decoded.batchId || progress.size !== size) {
    progress = { batchId: decoded.batchId, size, done: [] };
  }
  if (!progress.done.includes(decoded.batchIndex)) progress.done.push(decoded.batchIndex);
  progress.done.sort((a, b) => a - b);
  const left = [];
  for (let i = 0; i < size; i++) if (!progress.done.includes(i)) left.push(i + 1);
  if (left.length === 0) {
    await api.storage.session.remove(BATCH_KEY).catch(() => {});
    await showBatchNote();
    return t('scanBatchComplete', [String(size)]);
  }
  await api.storage.session.set({ [BATCH_KEY]: progress }).catch(() => {});
  await showBatchNote();
  return t('scanBatchNext', [String(left[0]), String(size)]);
}

async function readBatch() {
  try {
    const value = (await api.storage.session.get(BATCH_KEY))[BATCH_KEY];
    const ok = value && Number.isInteger(value.size) && Array.isArray(value.done);
    return ok ? value : null;
  } catch {
    return null;
  }
}

/** A note while a batch is half imported: which code to scan next. */
async function showBatchNote() {
  const progress = await readBatch();
  const note = $('batch-note');
  if (!progress) {
    note.hidden = true;
    return;
  }
  const nextIndex = [...Array(progress.size).keys()].find((i) => !progress.done.includes(i));
  note.textContent = t('scanBatchProgress', [String(progress.done.length), String(progress.size), String((nextIndex ?? 0) + 1)]);
  note.hidden = false;
}

function showNotOtp(text) {
  $('not-otp-text').textContent = text;
  $('not-otp').hidden = false;
}

// ---- Page state -----------------------------------------------------------------------------------

function status(text) {
  $('scan-status').textContent = text;
}

function showError(text) {
  $('scan-error').textContent = text;
}

function done(text) {
  $('scan-error').textContent = '';
  $('result-message').textContent = text;
}

function resetResult() {
  queue = [];
  pending = null;
  showError('');
  $('result-message').textContent = '';
  $('confirm').hidden = true;
  $('migration').hidden = true;
  $('not-otp').hidden = true;
}

function wire() {
  $('scan-page').addEventListener('click', () => {
    if (target) scanPage().catch((error) => showError(errorText(error?.code)));
  });
  $('region-button').addEventListener('click', () => {
    resetResult();
    status('');
    showRegion();
  });
  $('confirm-form').addEventListener('submit', saveConfirmed);
  $('confirm-cancel').addEventListener('click', () => next());
  $('migration-form').addEventListener('submit', importMigration);
  $('migration-cancel').addEventListener('click', () => next());
  $('not-otp-dismiss').addEventListener('click', () => next());
  wireRegion();
  wireImages();
}
