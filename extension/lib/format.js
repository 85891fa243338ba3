// How codes are shown.

/** Groups a code for reading: `123 456`, `1234 5678`, `123 4567`; five or fewer stay whole. */
export function groupCode(code) {
  if (typeof code !== 'string' || code.length < 6) return code ?? '';
  const half = Math.floor(code.length / 2);
  return `${code.slice(0, half)} ${code.slice(half)}`;
}

/** Whole seconds left until `validUntil` (ms), at least 0. */
export function secondsLeft(validUntil, nowMs) {
  return Math.max(0, Math.ceil((validUntil - nowMs) / 1000));
}
