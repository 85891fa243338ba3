// The theme setting (lib/settings.js: 'system' | 'light' | 'dark') applied to a page: it becomes
// <html data-theme="…">, which lib/theme.css reads. 'system' leaves the choice to
// prefers-color-scheme. Pages link lib/theme.css and call applyTheme() once at start; the page
// follows later changes made on the options page (or in any other page) by itself.
import { loadSettings, watchSettings } from './settings.js';

const watched = new WeakSet();

/** Sets data-theme on `doc`'s <html> from the stored setting and keeps it current. */
export async function applyTheme(doc = document) {
  const set = (theme) => {
    doc.documentElement.dataset.theme = theme;
  };
  if (!watched.has(doc)) {
    watched.add(doc);
    watchSettings((name, value) => {
      if (name === 'theme') set(value);
    });
  }
  set((await loadSettings()).theme);
}
