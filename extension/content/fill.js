// The first content script: puts a one-time code into the page's code field.
//
// Injected on demand only (no `content_scripts` in the manifest): the worker passes `fillCode` to
// chrome.scripting.executeScript({ target: { tabId }, func: fillCode, args: [code] }) after it has
// checked that the tab's host is one of the account's sites. The function is serialized into the
// page, so it must be self-contained (no imports, no outer variables). The page receives the code
// and nothing else; the answer is `{ filled: true }` or `{ filled: false, reason }`.
//
// Field priority: `autocomplete="one-time-code"`; then visible text/number/tel inputs whose name,
// id, placeholder or aria-label look like a code field (otp, 2fa, totp, one-time, verification,
// code) with maxlength 4–10 or none. Never password, hidden, disabled or read-only fields, nor
// fields that are not visible. (Segmented boxes, shadow roots, iframes, Dutch labels, delayed
// fields: issue 8, later.)
export function fillCode(code, expectedHost) {
  if (typeof code !== 'string' || !/^[0-9A-Za-z]{4,10}$/.test(code)) return { filled: false, reason: 'bad_code' };
  // The worker checked the tab's URL; the tab may have navigated since. Same normalization as
  // lib/site.js hostOfUrl (lower case, no trailing dot).
  if (location.hostname.toLowerCase().replace(/\.$/, '') !== expectedHost) return { filled: false, reason: 'host_changed' };

  const TYPES = new Set(['text', 'number', 'tel', '']);
  const HINT = /otp|2fa|totp|one.?time|verification|code/i;
  // Fields that say "code" but are not one-time codes: postal, phone, promo and similar.
  const NOT_OTP = /post|zip|phone|mobile|country|area|promo|coupon|voucher|gift|discount|captcha|invite|referr|card|cvc|cvv|iban|swift/i;

  function visible(el) {
    if (!el.isConnected) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse') return false;
    if (Number(style.opacity) === 0) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  }

  function usable(el) {
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    return (
      el instanceof HTMLInputElement &&
      type !== 'password' &&
      type !== 'hidden' &&
      TYPES.has(type) &&
      !el.disabled &&
      !el.readOnly &&
      visible(el)
    );
  }

  function looksLikeCodeField(el) {
    const max = el.getAttribute('maxlength');
    if (max !== null && !(Number(max) >= 4 && Number(max) <= 10)) return false;
    // An autocomplete token other than off/one-time-code names some other kind of field.
    const auto = (el.getAttribute('autocomplete') ?? '').toLowerCase().trim();
    if (auto !== '' && auto !== 'off' && auto !== 'on') return false;
    const words = [el.name, el.id, el.getAttribute('placeholder'), el.getAttribute('aria-label')]
      .filter((w) => typeof w === 'string');
    return words.some((w) => HINT.test(w)) && !words.some((w) => NOT_OTP.test(w));
  }

  const inputs = [...document.querySelectorAll('input')];
  const field =
    inputs.find((el) => (el.getAttribute('autocomplete') ?? '').toLowerCase().split(/\s+/).includes('one-time-code') && usable(el)) ??
    inputs.find((el) => usable(el) && looksLikeCodeField(el));
  if (!field) return { filled: false, reason: 'no_field' };

  // The native setter, so frameworks that track the value (React) see a change, then the events.
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  field.focus();
  setter.call(field, code);
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  return { filled: true };
}
