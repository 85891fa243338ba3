// Options, sync section (issue 9): turn sync on or off, see its state and the space it uses, enter
// the new password after a change, review conflicts. All work happens in worker/sync.js.
import { api } from '../compat.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';
import { estimateStrength } from '../lib/strength.js';

const section = document.getElementById('sync-section');
const $ = (id) => document.getElementById(id);
applyI18n(section);
section.hidden = false;

let current = null;

function kb(bytes) {
  return (bytes / 1024).toFixed(1);
}

function describe(d) {
  return `${d.issuer || '—'} / ${d.account || '—'} (${d.digits}, ${d.period} s, ${d.algorithm})`;
}

function render(s) {
  current = s;
  const state = s.state;
  $('sync-status').textContent = t(`syncState_${state}`) || state;
  const on = s.enabled === true && !s.locked;
  $('sync-usage').textContent = on && s.bytes > 0 ? t('syncUsage', [kb(s.bytes), kb(s.quota), String(s.accounts)]) : '';
  $('sync-quota').hidden = state !== 'over_quota';
  const form = $('sync-form');
  const ask = !s.locked && (state === 'off' || state === 'needs_password' || state === 'password_changed_here');
  form.hidden = !ask || !s.protected;
  if (!s.protected && !s.locked) $('sync-status').textContent = t('syncNeedsVaultPassword');
  $('sync-form-hint').textContent =
    state === 'needs_password' ? t('syncEnterNewPassword') : state === 'password_changed_here' ? t('syncChangedHere') : t('syncTurnOnHint');
  $('sync-submit').textContent = state === 'off' ? t('syncTurnOn') : t('syncUsePassword');
  $('sync-toggle-off').hidden = !on;
  const conflicts = s.conflicts ?? [];
  const notices = s.notices ?? [];
  $('sync-review').hidden = conflicts.length === 0 && notices.length === 0;
  $('sync-kept').textContent = notices.length > 0 ? t('syncKeptAfterDelete', [String(notices.length)]) : '';
  const list = $('sync-conflicts');
  list.replaceChildren(
    ...conflicts.map((c) => {
      const li = document.createElement('li');
      li.textContent = t('syncConflictItem', [describe(c.kept), describe(c.other)]);
      return li;
    }),
  );
}

async function refresh() {
  try {
    render(await request(MSG.SYNC_STATUS));
    $('sync-error').textContent = '';
  } catch (error) {
    $('sync-error').textContent = errorText(error.code);
  }
}

$('sync-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('sync-password');
  const password = input.value;
  const type = current?.state === 'off' ? MSG.SYNC_ENABLE : MSG.SYNC_PASSWORD;
  if (estimateStrength(password).level < (current?.minStrength ?? 2) && current?.state !== 'needs_password') {
    $('sync-error').textContent = errorText('sync_weak_password');
    return;
  }
  $('sync-submit').disabled = true;
  try {
    render(await request(type, { password }));
    input.value = '';
    $('sync-error').textContent = '';
  } catch (error) {
    $('sync-error').textContent = errorText(error.code);
  } finally {
    $('sync-submit').disabled = false;
  }
});

$('sync-toggle-off').addEventListener('click', async () => {
  try {
    render(await request(MSG.SYNC_DISABLE));
  } catch (error) {
    $('sync-error').textContent = errorText(error.code);
  }
});

$('sync-dismiss').addEventListener('click', async () => {
  try {
    render(await request(MSG.SYNC_DISMISS));
  } catch (error) {
    $('sync-error').textContent = errorText(error.code);
  }
});

// The worker updates sync.status after each round.
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes['sync.status']) refresh();
});
refresh();
