// Options: version and account count; the password (set, change, remove with a warning, unlock when
// locked) with a strength estimate; auto-lock; encrypted backup download and restore with conflicts.
// Passwords go to the worker in one message and are not kept here: fields are cleared after use.
import { api } from '../compat.js';
import { toBase64 } from '../lib/bytes.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';
import { estimateStrength } from '../lib/strength.js';

const $ = (id) => document.getElementById(id);
let vaultProtected = false;

function say(id, text) {
  $(id).textContent = text;
}

async function refreshStatus() {
  let status;
  try {
    status = await request(MSG.STATUS);
  } catch (error) {
    say('status', errorText(error.code));
    return;
  }
  vaultProtected = status.protected;
  const locked = status.locked;
  say('password-status', t(locked ? 'passwordStatusLocked' : status.protected ? 'passwordStatusSet' : 'passwordStatusNone'));
  $('unlock-form').hidden = !locked;
  $('password-form').hidden = locked;
  $('remove-form').hidden = locked || !status.protected;
  $('current-row').hidden = !status.protected;
  say('password-submit', t(status.protected ? 'changePassword' : 'setPassword'));
  $('autolock').disabled = locked;
  $('import-form').hidden = locked;

  const select = $('autolock');
  select.replaceChildren(
    ...status.autolockChoices.map((minutes) => {
      const option = document.createElement('option');
      option.value = String(minutes);
      option.textContent = minutes === 0 ? t('autolockNever') : t('autolockAfter', [String(minutes)]);
      return option;
    }),
  );
  select.value = String(status.autolockMinutes);

  if (locked) {
    say('count', '');
  } else {
    try {
      say('count', String((await request(MSG.COUNT)).count));
    } catch (error) {
      say('status', errorText(error.code));
    }
  }
}

/** Runs a form's request with its button disabled and its error line filled on failure. */
async function submitting(button, errorId, action) {
  $(button).disabled = true;
  say(errorId, t('working'));
  try {
    await action();
    say(errorId, '');
  } catch (error) {
    say(errorId, errorText(error.code));
  } finally {
    $(button).disabled = false;
  }
}

function showStrength() {
  const value = $('new-password').value;
  if (value === '') {
    say('strength', '');
    return;
  }
  const { bits, level } = estimateStrength(value);
  say('strength', t('strengthLabel', [t(`strength${level}`), String(bits)]));
}

async function unlock(event) {
  event.preventDefault();
  await submitting('unlock-submit', 'unlock-error', async () => {
    await request(MSG.UNLOCK, { password: $('unlock-password').value });
    $('unlock-password').value = '';
    await refreshStatus();
  });
}

async function savePassword(event) {
  event.preventDefault();
  await submitting('password-submit', 'password-error', async () => {
    const password = $('new-password').value;
    if (password !== $('confirm-password').value) throw { code: 'password_mismatch' };
    const fields = { password };
    if (vaultProtected) fields.current = $('current-password').value;
    await request(MSG.SET_PASSWORD, fields);
    for (const id of ['current-password', 'new-password', 'confirm-password']) $(id).value = '';
    showStrength();
    say('status', t('passwordSaved'));
    await refreshStatus();
  });
}

async function removePassword(event) {
  event.preventDefault();
  await submitting('remove-submit', 'remove-error', async () => {
    await request(MSG.REMOVE_PASSWORD, { current: $('remove-current').value });
    $('remove-current').value = '';
    say('status', t('passwordRemoved'));
    await refreshStatus();
  });
}

async function setAutolock() {
  try {
    await request(MSG.SET_AUTOLOCK, { minutes: Number($('autolock').value) });
    say('status', t('settingSaved'));
  } catch (error) {
    say('status', errorText(error.code));
  }
}

async function exportBackup() {
  await submitting('export', 'export-error', async () => {
    const { data } = await request(MSG.EXPORT);
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `tessera-backup-${new Date().toISOString().slice(0, 10)}.tsrvault`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    say('status', t('exported'));
  });
}

function describe(d) {
  const label = [d.issuer, d.account].filter(Boolean).join(' – ');
  return `${label} · ${d.algorithm} · ${d.digits} · ${d.period}${d.counter ? ` · #${d.counter}` : ''}`;
}

function renderConflicts(conflicts) {
  const list = $('conflict-list');
  list.replaceChildren(
    ...conflicts.map((c) => {
      const li = document.createElement('li');
      li.dataset.id = c.id;
      const now = document.createElement('span');
      now.className = 'current';
      now.textContent = t('conflictCurrent', [describe(c.current)]);
      const theirs = document.createElement('span');
      theirs.className = 'imported';
      theirs.textContent = t('conflictImported', [describe(c.imported)]);
      const actions = document.createElement('div');
      actions.className = 'actions';
      const keep = document.createElement('button');
      keep.type = 'button';
      keep.className = 'keep-current';
      keep.textContent = t('keepCurrent');
      const use = document.createElement('button');
      use.type = 'button';
      use.className = 'use-imported';
      use.textContent = t('useImported');
      const result = document.createElement('span');
      result.className = 'result';
      result.setAttribute('role', 'status');
      const done = (text) => {
        keep.disabled = true;
        use.disabled = true;
        result.textContent = text;
      };
      keep.addEventListener('click', () => done(t('conflictResolved')));
      use.addEventListener('click', async () => {
        try {
          await request(MSG.UPDATE, { id: c.id, details: c.imported });
          done(t('conflictResolved'));
        } catch (error) {
          result.textContent = errorText(error.code);
        }
      });
      actions.append(keep, use);
      li.append(now, theirs, actions, result);
      return li;
    }),
  );
  $('conflicts').hidden = conflicts.length === 0;
}

async function importBackup(event) {
  event.preventDefault();
  say('import-result', '');
  await submitting('import-submit', 'import-error', async () => {
    const file = $('backup-file').files[0];
    if (!file) throw { code: 'backup_no_file' };
    const data = toBase64(new Uint8Array(await file.arrayBuffer()));
    const answer = await request(MSG.IMPORT, { data, password: $('backup-password').value });
    $('backup-password').value = '';
    say('import-result', t('importResult', [String(answer.added.length), String(answer.unchanged)]));
    renderConflicts(answer.conflicts);
    await refreshStatus();
  });
}

applyI18n();
say('version', api.runtime.getManifest().version);
$('unlock-form').addEventListener('submit', unlock);
$('password-form').addEventListener('submit', savePassword);
$('remove-form').addEventListener('submit', removePassword);
$('new-password').addEventListener('input', showStrength);
$('autolock').addEventListener('change', setAutolock);
$('export').addEventListener('click', exportBackup);
$('import-form').addEventListener('submit', importBackup);
refreshStatus();
