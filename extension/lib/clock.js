// The time codes are computed for. Shipped builds: Date.now(), nothing else.
//
// Test builds only (TEST_BUILD, written by `scripts/build.sh --test`): a test may pin the clock by
// writing storage.local["test.clock"] = { ms, running, setAt }: the time is `ms`, frozen, or when
// `running` is true advancing from `ms` since `setAt` (Date.now() when it was written). In a shipped
// build this module never reads that key.
import { TEST_BUILD } from '../build-flags.js';
import { api } from '../compat.js';

export const TEST_CLOCK_KEY = 'test.clock';

let pinned = null;

function validPin(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    Number.isFinite(value.ms) &&
    value.ms >= 0 &&
    (!value.running || Number.isFinite(value.setAt))
  );
}

/** Unix milliseconds now (pinned in test builds when a test asked for it). */
export function now() {
  if (TEST_BUILD && pinned) {
    return pinned.ms + (pinned.running ? Date.now() - pinned.setAt : 0);
  }
  return Date.now();
}

/** Reads the test pin (test builds only; resolves at once otherwise). */
export async function loadClock() {
  if (!TEST_BUILD) return;
  const stored = await api.storage.local.get(TEST_CLOCK_KEY);
  pinned = validPin(stored[TEST_CLOCK_KEY]) ? stored[TEST_CLOCK_KEY] : null;
}

/** Calls `onChange` when a test moves the clock (test builds only). */
export function watchClock(onChange) {
  if (!TEST_BUILD) return;
  api.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !(TEST_CLOCK_KEY in changes)) return;
    const value = changes[TEST_CLOCK_KEY].newValue;
    pinned = validPin(value) ? value : null;
    onChange();
  });
}
