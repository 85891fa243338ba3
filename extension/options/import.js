// Options, import section (issue 10): export files of other authenticators, chosen with the file
// picker or dropped on the section. Each file goes to the worker (MSG.IMPORT_FILE), which detects
// its format, reads it and adds the accounts it does not hold yet. An encrypted file brings up a
// password prompt (asked again after a wrong password; "skip" leaves the file out). Every file
// gets a report: what was imported, what was already present, what was skipped and why. Only
// labels and reason codes come back; the password field is cleared after each use.
import { toBase64 } from '../lib/bytes.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';

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

// ---- Files, one after another -----------------------------------------------------------------

async function importOne(file) {
  const item = element('li', 'import-report');
  item.append(element('strong', 'file-name', file.name));
  $('import-reports').prepend(item);
  if (file.size > MAX_IMPORT_BYTES) {
    item.append(element('p', 'error', errorText('import_too_large')));
    return;
  }
  $('import-working').textContent = t('importWorking', [file.name]);
  const data = toBase64(new Uint8Array(await file.arrayBuffer()));
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
