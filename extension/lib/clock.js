// The time codes are computed for: this device's clock plus the user's clock offset
// (storage.local["settings.clockOffsetMs"], set by the options page's clock check; 0 by default).
//
// Cheap: the offset is read once (loadClock) and then kept current by a storage.onChanged listener
// registered when this module is evaluated (top level, so a restarted worker hears changes too);
// now() itself never touches storage.
//
// Test builds only (TEST_BUILD, written by `scripts/build.sh --test`): a test may pin the clock by
// writing storage.local["test.clock"] = { ms, running, setAt }: the device's time is `ms`, frozen,
// or when `running` is true advancing from `ms` since `setAt` (Date.now() when it was written). The
// pin replaces the device clock only; the user's offset is added on top of it, exactly as it is
// added to Date.now() in a shipped build. Test builds re-read both keys on every loadClock() so a
// test's write is seen by the very next request. In a shipped build this module never reads the pin.
import { TEST_BUILD } from '../build-flags.js';
import { api } from '../compat.js';

export const TEST_CLOCK_KEY = 'test.clock';
/** storage.local key of settings.clockOffsetMs (lib/settings.js). */
export const OFFSET_KEY = 'settings.clockOffsetMs';
/** The largest offset accepted, as lib/settings.js checks it (one day). */
const MAX_OFFSET_MS = 86_400_000;

let pinned = null;
let offsetMs = 0;
let loaded = null; // the promise of the first read
const listeners = new Set();

function validPin(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    Number.isFinite(value.ms) &&
    value.ms >= 0 &&
    (!value.running || Number.isFinite(value.setAt))
  );
}

const validOffset = (v) => Number.isInteger(v) && Math.abs(v) <= MAX_OFFSET_MS;

/** The device's time: Date.now(), or the test pin in test builds. */
export function deviceNow() {
  if (TEST_BUILD && pinned) {
    return pinned.ms + (pinned.running ? Date.now() - pinned.setAt : 0);
  }
  return Date.now();
}

/** Unix milliseconds for codes: the device's time plus the user's clock offset. */
export function now() {
  return deviceNow() + offsetMs;
}

/** The offset now() adds (milliseconds). */
export function clockOffset() {
  return offsetMs;
}

async function read() {
  const keys = TEST_BUILD ? [OFFSET_KEY, TEST_CLOCK_KEY] : [OFFSET_KEY];
  const stored = await api.storage.local.get(keys);
  offsetMs = validOffset(stored[OFFSET_KEY]) ? stored[OFFSET_KEY] : 0;
  if (TEST_BUILD) pinned = validPin(stored[TEST_CLOCK_KEY]) ? stored[TEST_CLOCK_KEY] : null;
}

/** Reads the offset (once; test builds: every call, with the pin). Await before the first now(). */
export function loadClock() {
  if (TEST_BUILD) return (loaded = read());
  loaded ??= read().catch((error) => {
    loaded = null;
    throw error;
  });
  return loaded;
}

/** Calls `onChange` when the offset changes, or (test builds) when a test moves the clock. */
export function watchClock(onChange) {
  listeners.add(onChange);
}

api.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local') return;
  let changed = false;
  if (OFFSET_KEY in changes) {
    const value = changes[OFFSET_KEY].newValue;
    offsetMs = validOffset(value) ? value : 0;
    changed = true;
  }
  if (TEST_BUILD && TEST_CLOCK_KEY in changes) {
    const value = changes[TEST_CLOCK_KEY].newValue;
    pinned = validPin(value) ? value : null;
    changed = true;
  }
  if (changed) for (const listener of listeners) listener();
});
