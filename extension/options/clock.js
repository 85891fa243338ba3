// Options, clock check. Codes are only right when the clock is: the user names an https site, this
// page asks for permission to reach that host (permissions.request, on the user's click), sends a
// HEAD request and compares the answer's Date header with this device's clock. The offset can be
// used for codes, or typed in; it is stored as settings.clockOffsetMs and lib/clock.js adds it to
// every code the popup and the worker compute.
//
// The Date header has whole seconds, cut off (RFC 9110 section 6.6.1): the server read its clock
// somewhere in [Date, Date + 1 s) during the round trip. The estimate takes the middle of that
// second at the middle of the round trip; the margin is half a second plus half the round trip.
import { api } from '../compat.js';
import { clockOffset, deviceNow, loadClock, watchClock } from '../lib/clock.js';
import { errorText, t } from '../lib/i18n.js';
import { SETTINGS, saveSetting } from '../lib/settings.js';

/** Codes more than this far from the server's time get a warning (the 15 s). */
export const SKEW_WARNING_MS = 15_000;
/** A HEAD request that takes longer than this gives clock_unreachable. */
const TIMEOUT_MS = 10_000;

const $ = (id) => document.getElementById(id);
const say = (id, text) => ($(id).textContent = text);
let measured = null; // { skewMs, marginMs, host } of the last check

class ClockError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

/** The https origin of what the user typed ("example.com" means https://example.com), or null. */
export function parseOrigin(text) {
  const value = text.trim();
  if (value === '') return null;
  let url;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`);
  } catch {
    return null;
  }
  return url.protocol === 'https:' && url.hostname !== '' ? url : null;
}

/** Skew of this device's clock against a server's Date header: positive when the device is behind. */
export function skewOf(dateHeader, sentAt, receivedAt) {
  const serverMs = Date.parse(dateHeader ?? '');
  if (!Number.isFinite(serverMs)) return null;
  return { skewMs: serverMs + 500 - (sentAt + receivedAt) / 2, marginMs: 500 + (receivedAt - sentAt) / 2 };
}

const lang = () => api.i18n.getUILanguage();
const seconds = (ms, sign = false) =>
  new Intl.NumberFormat(lang(), { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: sign ? 'exceptZero' : 'auto' })
    .format(ms / 1000);

function showInUse() {
  const offset = clockOffset();
  say('clock-in-use', offset === 0 ? t('clockOffsetNone') : t('clockOffsetInUse', [seconds(offset, true)]));
  if (document.activeElement !== $('clock-offset')) $('clock-offset').value = String(offset / 1000);
  showMeasured();
}

function showMeasured() {
  $('clock-result').hidden = measured === null;
  if (!measured) return;
  const { skewMs, marginMs, host } = measured;
  const subs = [seconds(Math.abs(skewMs)), host, seconds(marginMs)];
  say('clock-skew', t(skewMs >= 0 ? 'clockBehind' : 'clockAhead', subs));
  // Codes use the device's clock plus the offset in use: warn when that is still far off.
  $('clock-warning').hidden = Math.abs(skewMs - clockOffset()) <= SKEW_WARNING_MS;
  $('clock-use').disabled = Math.round(skewMs) === clockOffset();
}

function check(event) {
  event.preventDefault();
  say('clock-error', '');
  const url = parseOrigin($('clock-origin').value);
  if (!url) {
    say('clock-error', errorText('clock_origin_invalid'));
    return;
  }
  // Called at once, inside the click: browsers ask the user only during a user gesture. Match
  // patterns carry no port (Firefox refuses one; Chrome's portless pattern covers every port).
  const asked = api.permissions.request({ origins: [`https://${url.hostname}/*`] });
  measure(asked, url);
}

async function measure(asked, url) {
  $('clock-check').disabled = true;
  say('clock-error', t('working'));
  try {
    if (!(await asked)) throw new ClockError('clock_permission_denied');
    let response;
    const sentAt = deviceNow();
    try {
      response = await fetch(url.origin + '/', {
        method: 'HEAD',
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new ClockError('clock_unreachable');
    }
    const receivedAt = deviceNow();
    const skew = skewOf(response.headers.get('date'), sentAt, receivedAt);
    if (!skew) throw new ClockError('clock_no_date');
    measured = { ...skew, host: url.host };
    say('clock-error', '');
    showMeasured();
  } catch (error) {
    measured = null;
    showMeasured();
    say('clock-error', errorText(error.code));
  } finally {
    $('clock-check').disabled = false;
  }
}

async function saveOffset(ms, errorId) {
  say(errorId, '');
  if (!SETTINGS.clockOffsetMs.valid(ms)) {
    say(errorId, errorText('clock_offset_invalid'));
    return;
  }
  try {
    await saveSetting('clockOffsetMs', ms);
    await loadClock();
    showInUse();
    say('status', t('clockOffsetSaved'));
  } catch {
    say(errorId, errorText('generic'));
  }
}

function saveTyped(event) {
  event.preventDefault();
  const text = $('clock-offset').value.trim();
  const value = text === '' ? NaN : Number(text);
  saveOffset(Number.isFinite(value) ? Math.round(value * 1000) : NaN, 'clock-offset-error');
}

async function start() {
  $('clock-check-form').addEventListener('submit', check);
  $('clock-use').addEventListener('click', () => measured && saveOffset(Math.round(measured.skewMs), 'clock-error'));
  $('clock-offset-form').addEventListener('submit', saveTyped);
  $('clock-reset').addEventListener('click', () => saveOffset(0, 'clock-offset-error'));
  watchClock(showInUse);
  await loadClock();
  showInUse();
}

start();
