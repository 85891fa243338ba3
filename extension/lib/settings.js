// Preferences of this browser (storage.local["settings.<name>"]): how the popup looks and behaves.
// None is secret. The worker's own settings (auto-lock) stay with the worker; settings that travel
// with the accounts live in the vault.
import { api } from '../compat.js';

/** The farthest developer mode's time travel goes, in steps either way (a day of 30 s steps). */
export const MAX_TIME_TRAVEL_STEPS = 2880;

/** Each preference with its default and a check of stored values. */
export const SETTINGS = Object.freeze({
  /** 'system' | 'light' | 'dark' */
  theme: { initial: 'system', valid: (v) => ['system', 'light', 'dark'].includes(v) },
  /** Codes masked until a tile is hovered or focused. */
  hideCodes: { initial: false, valid: (v) => typeof v === 'boolean' },
  /** 'manual' | 'name' | 'recent' */
  sort: { initial: 'manual', valid: (v) => ['manual', 'name', 'recent'].includes(v) },
  /** Clear the clipboard 30 s after a copy, where the browser allows it. */
  clearClipboard: { initial: false, valid: (v) => typeof v === 'boolean' },
  /** Milliseconds added to this device's clock for every code (the options page's clock check). */
  clockOffsetMs: { initial: 0, valid: (v) => Number.isInteger(v) && Math.abs(v) <= 86_400_000 },
  /** Developer mode (issue 12): steps, neighbouring codes, time travel. */
  developerMode: { initial: false, valid: (v) => typeof v === 'boolean' },
  /**
   * Developer mode's time travel: every code in the popup is shown this many of its own steps
   * (periods, or HOTP counters ahead) away from now; 0 is off. Applies only while developerMode
   * is on, and the popup marks it while it is not 0.
   */
  timeTravelSteps: { initial: 0, valid: (v) => Number.isInteger(v) && Math.abs(v) <= MAX_TIME_TRAVEL_STEPS },
});

const key = (name) => `settings.${name}`;

function known(name) {
  if (!Object.hasOwn(SETTINGS, name)) throw new Error(`unknown setting: ${name}`);
  return SETTINGS[name];
}

/** Every preference (stored value when valid, the default otherwise). */
export async function loadSettings() {
  const names = Object.keys(SETTINGS);
  const stored = await api.storage.local.get(names.map(key));
  return Object.fromEntries(
    names.map((name) => {
      const value = stored[key(name)];
      return [name, SETTINGS[name].valid(value) ? value : SETTINGS[name].initial];
    }),
  );
}

/** Stores one preference; throws on an unknown name or an invalid value. */
export async function saveSetting(name, value) {
  if (!known(name).valid(value)) throw new Error(`invalid value for setting ${name}`);
  await api.storage.local.set({ [key(name)]: value });
}

/** Calls `onChange(name, value)` when a preference changes (in any page of the extension). */
export function watchSettings(onChange) {
  api.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    for (const [k, change] of Object.entries(changes)) {
      if (!k.startsWith('settings.')) continue;
      const name = k.slice('settings.'.length);
      if (Object.hasOwn(SETTINGS, name) && SETTINGS[name].valid(change.newValue)) onChange(name, change.newValue);
    }
  });
}
