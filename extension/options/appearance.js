// Options, appearance: theme (system, light, dark), order of accounts, hide codes, clear the
// clipboard after a copy. Each control saves its preference (lib/settings.js) as soon as it
// changes; the popup and this page follow the stored values (lib/theme.js for the theme).
import { t } from '../lib/i18n.js';
import { loadSettings, saveSetting, watchSettings } from '../lib/settings.js';
import { applyTheme } from '../lib/theme.js';

const $ = (id) => document.getElementById(id);

/** Control id -> [setting name, read the control, write the control]. */
const CONTROLS = {
  theme: ['theme', (el) => el.value, (el, v) => (el.value = v)],
  sort: ['sort', (el) => el.value, (el, v) => (el.value = v)],
  'hide-codes': ['hideCodes', (el) => el.checked, (el, v) => (el.checked = v)],
  'clear-clipboard': ['clearClipboard', (el) => el.checked, (el, v) => (el.checked = v)],
};

async function save(id) {
  const [name, read] = CONTROLS[id];
  try {
    await saveSetting(name, read($(id)));
    $('status').textContent = t('settingSaved');
  } catch {
    $('status').textContent = t('err_generic');
  }
}

async function start() {
  applyTheme(document);
  const settings = await loadSettings();
  for (const [id, [name, , write]] of Object.entries(CONTROLS)) {
    write($(id), settings[name]);
    $(id).addEventListener('change', () => save(id));
  }
  // Changed in another tab or page: show the stored value here too.
  watchSettings((name, value) => {
    for (const [id, [setting, read, write]] of Object.entries(CONTROLS)) {
      if (setting === name && read($(id)) !== value) write($(id), value);
    }
  });
}

start();
