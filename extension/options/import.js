// Options, import section (issue 10): export files of other authenticators, chosen with the file
// picker or dropped on the section. Each file goes to the worker (MSG.IMPORT_FILE), which detects
// its format, reads it and adds the accounts it does not hold yet. An encrypted file brings up a
// password prompt (asked again after a wrong password; "skip" leaves the file out). Every file
// gets a report: what was imported, what was already present, what was skipped and why. Only
// labels and reason codes come back; the password field is cleared after each use.
//
// An image (a screenshot or photo of Google Authenticator's "Transfer accounts" QR code, or of any
// otpauth QR code) is decoded here with the QR decoder's own worker (../qr/client.js: a service
// worker cannot start one), and the otpauth texts it holds go to the worker as a text file. Each
// image is one batch; several images (several batches) are several files.
import { toBase64 } from '../lib/bytes.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';
import { decodeImageData } from '../qr/client.js';

/** The core's MAX_IMPORT_BYTES: larger files are refused here, before they are read. */
const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

const $ = (id) => document.getElementById(id);
const section = $('import-section');

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function labelText({ issuer, account }) {
  if (issuer && account) return `${issuer} (${account})`;
  return issuer || account || t('importNoLabel');
}

function formatName(format) {
  return t(`importFormat_${String(format).replace(/-/g, '_')}`) || String(format);
}

/** A titled list of entries, or nothing when there are none. */
function list(className, heading, items) {
  if (items.length === 0) return [];
  const ul = element('ul', className);
  ul.append(...items.map((text) => element('li', '', text)));
  return [element('h4', '', heading), ul];
}

function renderReport(item, answer) {
  const { added, duplicates, skipped } = answer;
  item.append(
    element(
      'p',
      'summary',
      t('importSummary', [formatName(answer.format), String(added.length), String(duplicates.length), String(skipped.length)]),
    ),
    ...list('added', t('importAddedHeading'), added.map(labelText)),
    ...list('duplicates', t('importDuplicatesHeading'), duplicates.map(labelText)),
    ...list('skipped', t('importSkippedHeading'), skipped.map((s) => `${labelText(s)}: ${errorText(s.reason)}`)),
  );
}

// ---- The password prompt ----------------------------------------------------------------------

let answerPrompt = null;

/** Shows the prompt for file `name` (with `error` under it) and resolves with the password, or null. */
function askPassword(name, error = '') {
  $('import-password-prompt').textContent = t('importPasswordPrompt', [name]);
  $('import-password-error').textContent = error;
  $('import-password').value = '';
  $('import-password-form').hidden = false;
  $('import-password').focus();
  return new Promise((resolve) => {
    answerPrompt = (password) => {
      answerPrompt = null;
      $('import-password').value = '';
      $('import-password-form').hidden = true;
      resolve(password);
    };
  });
}

$('import-password-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const password = $('import-password').value;
  if (password === '') {
    $('import-password-error').textContent = errorText('password_empty');
    return;
  }
  answerPrompt?.(password);
});
$('import-password-cancel').addEventListener('click', () => answerPrompt?.(null));

// ---- Images: QR codes ------------------------------------------------------------------------

/** Whether `file` is an image (by its type, or by the signature of PNG, JPEG, GIF, BMP or WebP). */
async function isImage(file) {
  if (file.type.startsWith('image/')) return true;
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const starts = (...bytes) => bytes.every((b, i) => head[i] === b);
  return (
    starts(0x89, 0x50, 0x4e, 0x47) ||
    starts(0xff, 0xd8, 0xff) ||
    starts(0x47, 0x49, 0x46, 0x38) ||
    starts(0x42, 0x4d) ||
    (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...head.subarray(8, 12)) === 'WEBP')
  );
}

const URI = /^(otpauth|otpauth-migration|steam):\/\//i;

/** The otpauth texts of the QR codes in an image file, as the bytes of a text file. */
async function qrTexts(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw { code: 'import_unknown_format' };
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const texts = (await decodeImageData(context.getImageData(0, 0, canvas.width, canvas.height))).filter((t) =>
    URI.test(t.trim()),
  );
  if (texts.length === 0) throw { code: 'import_no_codes_in_image' };
  return new TextEncoder().encode(texts.map((t) => t.trim()).join('\n'));
}

// ---- Files, one after another -----------------------------------------------------------------

async function importOne(file) {
  const item = element('li', 'import-report');
  item.append(element('h3', 'file-name', file.name));
  $('import-reports').prepend(item);
  if (file.size > MAX_IMPORT_BYTES) {
    item.append(element('p', 'error', errorText('import_too_large')));
    return;
  }
  $('import-working').textContent = t('importWorking', [file.name]);
  let bytes;
  try {
    bytes = (await isImage(file)) ? await qrTexts(file) : new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    item.append(element('p', 'error', errorText(error?.code)));
    return;
  }
  const data = toBase64(bytes);
  bytes.fill(0);
  let password;
  let promptError = '';
  for (;;) {
    try {
      const answer = await request(MSG.IMPORT_FILE, { name: file.name, data, password });
      renderReport(item, answer);
      return;
    } catch (error) {
      const code = error?.code ?? 'generic';
      const wrong = code === 'import_decrypt' && password !== undefined;
      if (code !== 'import_password_required' && !wrong) {
        item.append(element('p', 'error', errorText(code)));
        return;
      }
      promptError = wrong ? errorText(code) : '';
    }
    $('import-working').textContent = '';
    password = await askPassword(file.name, promptError);
    if (password === null) {
      item.append(element('p', 'error', t('importNoPassword')));
      return;
    }
    $('import-working').textContent = t('importWorking', [file.name]);
  }
}

let queue = Promise.resolve();

function importFiles(files) {
  for (const file of files) {
    queue = queue.then(() => importOne(file)).catch(() => {});
  }
  queue = queue.then(async () => {
    $('import-working').textContent = '';
    try {
      $('count').textContent = String((await request(MSG.COUNT)).count);
    } catch {
      // Locked: the page's own status line says so.
    }
  });
}

$('import-files').addEventListener('change', (event) => {
  const files = [...event.target.files];
  event.target.value = '';
  importFiles(files);
});

// Drag and drop: files dropped on the section are imported; dropped anywhere else on the page they
// are ignored (the browser would otherwise leave the options page to show the file).
const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
for (const type of ['dragover', 'drop']) {
  document.addEventListener(type, (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
}
section.addEventListener('dragover', (event) => {
  if (!hasFiles(event)) return;
  event.dataTransfer.dropEffect = 'copy';
  section.classList.add('dragging');
});
section.addEventListener('dragleave', (event) => {
  if (!section.contains(event.relatedTarget)) section.classList.remove('dragging');
});
section.addEventListener('drop', (event) => {
  section.classList.remove('dragging');
  if (hasFiles(event)) importFiles([...event.dataTransfer.files]);
});

const style = document.createElement('link');
style.rel = 'stylesheet';
style.href = 'import.css';
document.head.append(style);
applyI18n(section);
section.hidden = false;
