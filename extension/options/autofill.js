// Options, autofill: automatic filling on bound sites (off by default; worker/fill.js does the
// filling). Turning it on asks for the host permission of the sites the accounts are bound to; the
// request is made at once in the click's handler (the click is the user's gesture), so the list of
// patterns is kept ready beforehand. Turning it off gives the permissions back.
import { api } from '../compat.js';
import { applyI18n, errorText, t } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';
import { registrableDomain } from '../lib/site.js';

const AUTO_KEY = 'autofill.auto'; // worker/fill.js AUTO_KEY
const $ = (id) => document.getElementById(id);
const section = $('autofill-section');
const box = $('autofill-auto');
let origins = []; // host patterns of the bound sites

/** The host patterns of one site: the registrable domain and its subdomains (https), or a loopback host. */
export function patternsFor(site) {
  const domain = registrableDomain(site);
  if (domain === '') return [];
  if (!domain.includes('.') || domain.startsWith('[') || /^\d+(\.\d+){3}$/.test(domain)) {
    return [`https://${domain}/*`, `http://${domain}/*`];
  }
  return [`https://${domain}/*`, `https://*.${domain}/*`];
}

async function loadOrigins() {
  try {
    const { accounts } = await request(MSG.LIST);
    const sites = new Set(accounts.flatMap((a) => (a.sites ?? []).map(registrableDomain)).filter(Boolean));
    origins = [...new Set([...sites].flatMap(patternsFor))].sort();
    $('autofill-sites').textContent = t('autofillSites', [String(sites.size)]);
  } catch (error) {
    origins = [];
    $('autofill-sites').textContent = errorText(error.code);
  }
}

function status(text) {
  $('autofill-status').textContent = text;
}

box.addEventListener('change', () => {
  if (box.checked) {
    // First call in the handler: the click still counts as the user's gesture.
    const asked = origins.length ? api.permissions.request({ origins }) : Promise.resolve(true);
    asked
      .catch(() => false)
      .then(async (granted) => {
        if (!granted) {
          box.checked = false;
          status(t('autofillDenied'));
          return;
        }
        await api.storage.local.set({ [AUTO_KEY]: true });
        status(t('settingSaved'));
      });
  } else {
    api.storage.local
      .set({ [AUTO_KEY]: false })
      .then(() => (origins.length ? api.permissions.remove({ origins }).catch(() => false) : false))
      .then(() => status(t('settingSaved')));
  }
});

async function start() {
  applyI18n(section);
  box.checked = (await api.storage.local.get(AUTO_KEY))[AUTO_KEY] === true;
  await loadOrigins();
  section.hidden = false;
}

start();
