// Options (minimal for now): version, number of accounts, a link to the accounts page.
import { api } from '../compat.js';
import { applyI18n, errorText } from '../lib/i18n.js';
import { MSG, request } from '../lib/messaging.js';

applyI18n();
document.getElementById('version').textContent = api.runtime.getManifest().version;
request(MSG.COUNT).then(
  (answer) => {
    document.getElementById('count').textContent = String(answer.count);
  },
  (error) => {
    document.getElementById('status').textContent = errorText(error.code);
  },
);
