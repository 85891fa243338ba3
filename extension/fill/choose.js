// The chooser window of autofill (worker/fill.js opens it with windows.create, type popup): when the
// context menu or the shortcut finds no single account for the frame's site, several, or a page that
// needs a confirmation. URL parameters: tab (tab id), frame (frame id, optional), host (the frame's
// host name, shown and named in every confirmation).
//
// Accounts bound to the site are offered first and fill at once (an http page asks first: the
// worker answers fill_needs_confirmation). Any other account fills only after a confirmation that
// names the host; the request then carries confirmedHost, and the worker fills only a frame on
// exactly that host. A locked vault is unlocked here first (the same request as the popup's).
// Text goes into the DOM through textContent only.
import { api } from '../compat.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG } from '../lib/messaging.js';
import { siteMatches } from '../lib/site.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const tabId = Number(params.get('tab'));
const frameParam = params.get('frame');
const frameId = frameParam !== null && /^\d+$/.test(frameParam) ? Number(frameParam) : undefined;
const host = params.get('host') ?? '';

function status(text) {
  $('status').textContent = text;
}

function label(a) {
  return a.issuer || a.account || '?';
}

async function send(fields) {
  try {
    const answer = await api.runtime.sendMessage({ type: MSG.FILL, ...fields });
    return answer && typeof answer === 'object' ? answer : { ok: false, error: { code: 'generic' } };
  } catch {
    return { ok: false, error: { code: 'generic' } };
  }
}

/** Shows the confirmation naming the host; resolves true when the user confirms. */
function confirmHost(text) {
  return new Promise((resolve) => {
    $('confirm-text').textContent = text;
    $('confirm-yes').textContent = t('fillIntoHost', [host]);
    $('confirm').hidden = false;
    const done = (value) => {
      $('confirm').hidden = true;
      $('confirm-yes').onclick = null;
      $('confirm-no').onclick = null;
      resolve(value);
    };
    $('confirm-yes').onclick = () => done(true);
    $('confirm-no').onclick = () => done(false);
    $('confirm-yes').focus();
  });
}

async function choose(account, bound) {
  status(t('working'));
  const target = { id: account.id, tabId, ...(frameId === undefined ? {} : { frameId }) };
  let answer;
  if (bound) {
    answer = await send(target);
    if (!answer.ok && answer.error?.code === 'fill_needs_confirmation') {
      status('');
      if (!(await confirmHost(t('chooseConfirmHttp', [label(account), host])))) return;
      answer = await send({ ...target, confirmedHost: host });
    }
  } else {
    status('');
    if (!(await confirmHost(t('chooseConfirmOther', [label(account), host])))) return;
    answer = await send({ ...target, confirmedHost: host });
  }
  if (answer.ok) {
    status(t('chooseFilled', [answer.host]));
    window.close();
  } else {
    status(errorText(answer.error?.code));
  }
}

function render(list, accounts, bound) {
  for (const a of accounts) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.id = a.id;
    const issuer = document.createElement('span');
    issuer.className = 'issuer';
    issuer.textContent = label(a);
    button.append(issuer);
    if (a.issuer && a.account) {
      const name = document.createElement('span');
      name.className = 'account';
      name.textContent = a.account;
      button.append(name);
    }
    button.addEventListener('click', () => choose(a, bound));
    li.append(button);
    list.append(li);
  }
}

$('unlock-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const password = $('unlock-password').value;
  $('unlock-error').textContent = t('working');
  const answer = await api.runtime.sendMessage({ type: MSG.UNLOCK, password }).catch(() => null);
  $('unlock-password').value = '';
  if (!answer?.ok) {
    $('unlock-error').textContent = errorText(answer?.error?.code ?? 'generic');
    $('unlock-password').focus();
    return;
  }
  $('unlock-error').textContent = '';
  $('unlock-form').hidden = true;
  await showAccounts();
});

async function showAccounts() {
  const answer = await api.runtime.sendMessage({ type: MSG.LIST }).catch(() => null);
  if (answer?.error?.code === 'vault_locked') {
    $('unlock-form').hidden = false;
    $('unlock-password').focus();
    return;
  }
  if (!answer?.ok) {
    status(errorText(answer?.error?.code ?? 'generic'));
    return;
  }
  const usable = answer.accounts.filter((a) => !a.error && a.code);
  const matching = usable.filter((a) => siteMatches(host, a.sites));
  const other = usable.filter((a) => !siteMatches(host, a.sites));
  $('matching-title').textContent = t('chooseFor', [host]);
  $('matching-section').hidden = matching.length === 0;
  $('other-section').hidden = other.length === 0;
  if (matching.length === 0) status(t('chooseNone', [host]));
  render($('matching'), matching, true);
  render($('other'), other, false);
}

async function main() {
  applyI18n();
  $('where').textContent = t('chooseWhere', [host]);
  if (!Number.isInteger(tabId) || host === '') {
    status(errorText('fill_invalid'));
    return;
  }
  await showAccounts();
}

main();
