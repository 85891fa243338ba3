// Developer mode: "New test account" (issue 12). Generates a random secret (the core's newSecret,
// from the platform's CSPRNG), shows the account's otpauth URI, its QR code and its live code so a
// developer can enrol it in the app under test, and adds it to Tessera on request.
//
// The secret is shown on purpose: this page exists to hand a freshly made test secret to another
// app. It lives only in this page's memory and in text nodes (never an attribute or the console),
// and reaches the worker only when the user presses "Add to Tessera".
import init, { codeAt, newSecret, toUri } from '../pkg/tessera_wasm.js';
import { wasmUrl } from '../compat.js';
import { loadClock, now } from '../lib/clock.js';
import { groupCode } from '../lib/format.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';
import { renderQr } from '../lib/qr-render.js';
import { applyTheme } from '../lib/theme.js';

const $ = (id) => document.getElementById(id);
let account = null; // the generated account, kept only here until added
let timer = 0;

function randomLabel() {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return `test-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function fromForm() {
  const type = $('type').value;
  return {
    type,
    issuer: $('issuer').value.trim(),
    account: $('account').value.trim(),
    secret: newSecret(),
    algorithm: $('algorithm').value,
    digits: type === 'steam' ? 5 : Number($('digits').value),
    period: Number($('period').value),
    counter: 0,
  };
}

function showCode() {
  clearTimeout(timer);
  if (!account) return;
  const code = codeAt(account, now());
  $('code').textContent = groupCode(code.code);
  // Next step boundary (HOTP codes change only when the counter does).
  if (account.type !== 'hotp') timer = setTimeout(showCode, Math.max(50, code.validUntil - now() + 20));
}

function generate(event) {
  event.preventDefault();
  $('form-error').textContent = '';
  $('result-status').textContent = '';
  try {
    const next = fromForm();
    codeAt(next, now()); // the core validates digits, period and algorithm
    const uri = toUri(next);
    renderQr($('qr'), uri, { moduleSize: 5 });
    account = next;
    $('uri').textContent = uri;
    $('add').disabled = false;
    $('result').hidden = false;
    showCode();
  } catch (error) {
    $('form-error').textContent = errorText(error?.code);
  }
}

async function copyUri() {
  if (!account) return;
  try {
    await navigator.clipboard.writeText(toUri(account));
    $('result-status').textContent = t('devNewCopied');
  } catch {
    $('result-status').textContent = t('err_generic');
  }
}

async function add() {
  if (!account) return;
  $('add').disabled = true;
  try {
    await request(MSG.ADD, { account });
    $('result-status').textContent = t('devNewAdded', [account.issuer || account.account]);
  } catch (error) {
    $('add').disabled = false;
    $('result-status').textContent = errorText(error.code);
  }
}

async function main() {
  applyI18n();
  await Promise.all([init({ module_or_path: wasmUrl }), loadClock(), applyTheme(document)]);
  $('issuer').value = 'Test';
  $('account').value = randomLabel();
  $('type').addEventListener('change', () => {
    const hotp = $('type').value === 'hotp';
    const steam = $('type').value === 'steam';
    $('period').disabled = hotp;
    $('digits').disabled = steam;
    $('algorithm').disabled = steam;
  });
  $('new-form').addEventListener('submit', generate);
  $('copy-uri').addEventListener('click', copyUri);
  $('add').addEventListener('click', add);
  addEventListener('pagehide', () => {
    account = null;
  });
}

main();
