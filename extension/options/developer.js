// Options: developer mode (issue 12), off by default. When on, the popup shows each account's time
// step or counter, the previous and next codes and the seconds left, and can time travel: every
// code shown ±N of its own steps from now (marked in the popup while active). "New test account"
// opens the page that makes a test secret with its QR code.
import { api } from '../compat.js';
import { t } from '../lib/i18n.js';
import { MAX_TIME_TRAVEL_STEPS, loadSettings, saveSetting, watchSettings } from '../lib/settings.js';

const section = document.getElementById('developer-section');

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else node[k] = v;
  }
  node.append(...children);
  return node;
}

function build() {
  const heading = el('h2', { id: 'developer-heading', text: t('devHeading') });
  const toggle = el('input', { id: 'developer-mode', type: 'checkbox' });
  const toggleRow = el('div', { className: 'check' }, toggle, el('label', { htmlFor: 'developer-mode', text: t('devModeLabel') }));
  const hint = el('p', { className: 'hint', text: t('devModeHint') });
  const steps = el('input', {
    id: 'time-travel',
    type: 'number',
    min: String(-MAX_TIME_TRAVEL_STEPS),
    max: String(MAX_TIME_TRAVEL_STEPS),
    step: '1',
    inputMode: 'numeric',
  });
  steps.setAttribute('aria-describedby', 'time-travel-state');
  const reset = el('button', { id: 'time-travel-reset', type: 'button', text: t('devTimeTravelReset') });
  const state = el('p', { id: 'time-travel-state', role: 'status' });
  state.setAttribute('aria-live', 'polite');
  const travel = el(
    'div',
    { id: 'time-travel-row' },
    el('label', { htmlFor: 'time-travel', text: t('devTimeTravelLabel') }),
    steps,
    el('div', { className: 'actions' }, reset),
    state,
  );
  const newAccount = el('a', { id: 'new-test-account', href: api.runtime.getURL('extension/developer/new-account.html'), text: t('devNewTitle') });
  newAccount.target = '_blank';
  section.replaceChildren(heading, hint, toggleRow, travel, el('p', {}, newAccount));
  section.setAttribute('aria-labelledby', 'developer-heading');
  section.hidden = false;
  return { toggle, steps, reset, state, travel, newAccount };
}

function show(ui, settings) {
  ui.toggle.checked = settings.developerMode;
  ui.travel.hidden = !settings.developerMode;
  ui.newAccount.parentElement.hidden = !settings.developerMode;
  if (document.activeElement !== ui.steps) ui.steps.value = String(settings.timeTravelSteps);
  const n = settings.timeTravelSteps;
  ui.state.textContent = n === 0 ? t('devTimeTravelOff') : t('devTimeTravelOn', [n > 0 ? `+${n}` : String(n)]);
  ui.state.className = n === 0 ? 'hint' : 'warning';
}

async function main() {
  if (!section) return;
  const ui = build();
  let settings = await loadSettings();
  show(ui, settings);
  ui.toggle.addEventListener('change', () => saveSetting('developerMode', ui.toggle.checked));
  ui.steps.addEventListener('change', () => {
    const n = Number(ui.steps.value);
    if (Number.isInteger(n) && Math.abs(n) <= MAX_TIME_TRAVEL_STEPS) {
      saveSetting('timeTravelSteps', n);
      ui.steps.removeAttribute('aria-invalid');
    } else {
      ui.steps.setAttribute('aria-invalid', 'true');
      ui.state.textContent = t('devTimeTravelInvalid', [String(MAX_TIME_TRAVEL_STEPS)]);
    }
  });
  ui.reset.addEventListener('click', () => {
    ui.steps.value = '0';
    saveSetting('timeTravelSteps', 0);
  });
  watchSettings((name, value) => {
    if (name !== 'developerMode' && name !== 'timeTravelSteps') return;
    settings = { ...settings, [name]: value };
    show(ui, settings);
  });
}

main();
