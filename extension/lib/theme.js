// The theme setting (lib/settings.js: 'system' | 'light' | 'dark') applied to a page: it becomes
// <html data-theme="…">, which lib/theme.css reads. 'system' leaves the choice to
// prefers-color-scheme. Pages link lib/theme.css and call applyTheme() once at start; the page
// follows later changes made on the options page (or in any other page) by itself.
//
// storage.local answers asynchronously, after the page may have painted once: the last theme seen
// is also kept in the page's localStorage (not secret) and applied at once, so a dark choice on a
// light system does not flash white. storage.local stays the truth.
import { SETTINGS, loadSettings, watchSettings } from './settings.js';

const HINT_KEY = 'tessera.theme';
const watched = new WeakSet();

function remember(theme) {
  try {
    if (localStorage.getItem(HINT_KEY) !== theme) localStorage.setItem(HINT_KEY, theme);
  } catch {
    // No localStorage (a sandboxed frame, storage disabled): only the early hint is lost.
  }
}

function remembered() {
  try {
    const theme = localStorage.getItem(HINT_KEY);
    return SETTINGS.theme.valid(theme) ? theme : null;
  } catch {
    return null;
  }
}

/** Sets data-theme on `doc`'s <html> from the stored setting and keeps it current. */
export async function applyTheme(doc = document) {
  const set = (theme) => {
    doc.documentElement.dataset.theme = theme;
    remember(theme);
  };
  if (!watched.has(doc)) {
    watched.add(doc);
    const early = remembered();
    if (early && !doc.documentElement.dataset.theme) doc.documentElement.dataset.theme = early;
    watchSettings((name, value) => {
      if (name === 'theme') set(value);
    });
  }
  set((await loadSettings()).theme);
}
