// The content script of autofill (issue 8): finds the page's one-time-code field and puts a code in.
//
// Injected on demand only (no `content_scripts` in the manifest): worker/fill.js passes `fillCode`
// to chrome.scripting.executeScript. The function is serialized into the page, so it is
// self-contained (no imports, no outer variables), and runs in the content scripts' isolated world.
//   fillCode(null, null, { waitMs })  probe: { url, found } (nothing of any account is passed),
//                                     waiting up to waitMs for a field
//   fillCode(code, expectedHost, { waitMs, protocol, onlyEmpty })
//                                     fill: { filled: true } or { filled: false, reason }; onlyEmpty
//                                     (automatic filling) leaves a field the user typed in alone
// The page receives the code and nothing else. The fill refuses (`host_changed`) when the frame is
// no longer on the host (and scheme) the worker checked.
//
// Finding the field, best first:
//  1. autocomplete="one-time-code";
//  2. segmented boxes: as many one-character inputs in a row as the code has digits (6 or 8 when
//     probing), each getting one character with the keyboard and input events a box expects;
//  3. inputs whose name, id, placeholder, label, aria-label(ledby) or title say "code" in English or
//     Dutch (otp, totp, 2fa, mfa, verification, authentication code, verificatiecode,
//     beveiligingscode, …), ranked up by inputmode="numeric" and maxlength 6–8;
//  4. with no such words: inputmode="numeric" with maxlength 6–8.
// Types text, tel, number (or none). Never password, hidden, disabled, read-only or invisible
// fields, nor fields that are clearly something else: phone, postal code, promo/coupon/gift codes,
// card security codes, captchas (their words, or autocomplete tokens such as tel or postal-code).
// Searched: the document, open shadow roots, and same-origin iframes (the worker also injects into
// each frame it may script). A field that appears later is waited for up to `waitMs`.
// Setting the value: the native value setter with `input` and `change` events, which React's value
// tracker and Vue's v-model both see; when the field does not hold the code afterwards (a page that
// builds its value from key events), the code is typed key by key instead.
export async function fillCode(code, expectedHost, options) {
  const probing = code === null;
  if (!probing && (typeof code !== 'string' || !/^[0-9A-Za-z]{4,10}$/.test(code))) return { filled: false, reason: 'bad_code' };
  const waitMs = Math.min(Math.max(Number(options?.waitMs) || 0, 0), 15000);
  // Same normalization as lib/site.js hostOfUrl (lower case, no trailing dot).
  // The scheme too: an https page that went to http on the same host is not what was checked.
  const hostNow = () =>
    options?.protocol && location.protocol !== options.protocol ? '' : location.hostname.toLowerCase().replace(/\.$/, '');

  const TYPES = new Set(['text', 'number', 'tel', '']);
  const HINT =
    /one.?time|\botp|otp\b|totp|2fa|two.?(factor|step)|mfa|multi.?factor|verif|authenticat|auth.?code|security.?code|passcode|\bcode\b|_code|code_|-code|code-|\bcode|token|eenmalig|verificatie|beveiliging|authenticatie|tweestaps|inlogcode|toegangscode|bevestigingscode|sms.?code|pincode/i;
  // Fields that say "code" but are not one-time codes (English and Dutch).
  const NOT_OTP =
    /post|zip|phone|mobile|tele|country|area|promo|coupon|voucher|gift|discount|captcha|invite|invitation|referr|card|cvc|cvv|csc|iban|swift|bic\b|tax|vat|telefoon|mobiel|gsm|korting|actiecode|cadeau|bon\b|huisnummer|landcode|kaart/i;
  const AUTOCOMPLETE_OK = new Set(['', 'off', 'on', 'one-time-code']);

  function visible(el) {
    if (!el.isConnected) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse') return false;
    if (Number(style.opacity) === 0) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  }

  function isInput(el) {
    // Inputs of same-origin iframes belong to another realm: compare the tag, not the class.
    return el?.tagName === 'INPUT';
  }

  function usable(el) {
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    return isInput(el) && TYPES.has(type) && !el.disabled && !el.readOnly && visible(el);
  }

  function autocompleteTokens(el) {
    return (el.getAttribute('autocomplete') ?? '').toLowerCase().trim().split(/\s+/).filter(Boolean);
  }

  function textOf(id, root) {
    return root.getElementById?.(id)?.textContent ?? '';
  }

  function words(el) {
    const out = [el.name, el.id, el.getAttribute('placeholder'), el.getAttribute('aria-label'), el.getAttribute('title')];
    for (const label of el.labels ?? []) out.push(label.textContent);
    const root = el.getRootNode();
    for (const id of (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean)) out.push(textOf(id, root));
    return out.filter((w) => typeof w === 'string' && w.trim() !== '').map((w) => w.trim().slice(0, 200));
  }

  function clearlyOther(el) {
    const tokens = autocompleteTokens(el);
    if (tokens.some((t) => !AUTOCOMPLETE_OK.has(t) && t !== 'section' && !t.startsWith('section-'))) {
      if (!tokens.includes('one-time-code')) return true; // tel, postal-code, cc-csc, email, …
    }
    return words(el).some((w) => NOT_OTP.test(w));
  }

  function maxLength(el) {
    const max = el.getAttribute('maxlength');
    return max === null ? null : Number(max);
  }

  /** Every input of the document, its open shadow roots and same-origin iframes, in order. */
  function allInputs(root, out = [], depth = 0) {
    if (depth > 8) return out;
    const walker = (root.ownerDocument ?? root).createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType !== 1) continue;
      if (node.tagName === 'INPUT') out.push(node);
      if (node.shadowRoot) allInputs(node.shadowRoot, out, depth + 1);
      if (node.tagName === 'IFRAME' || node.tagName === 'FRAME') {
        let doc = null;
        try {
          doc = node.contentDocument; // null (or throws) when cross-origin
        } catch {
          doc = null;
        }
        // Only a frame on the same host: its script checks nothing else.
        if (doc?.documentElement && doc.location?.hostname === location.hostname) allInputs(doc.documentElement, out, depth + 1);
      }
    }
    return out;
  }

  /** Runs of one-character boxes in a row (document order, nothing usable in between). */
  function segmentRuns(inputs) {
    const runs = [];
    let run = [];
    for (const el of inputs) {
      if (!usable(el) || (el.getAttribute('type') ?? '').toLowerCase() === 'password') {
        if ((el.getAttribute('type') ?? '').toLowerCase() !== 'hidden') {
          if (run.length) runs.push(run);
          run = [];
        }
        continue;
      }
      if (maxLength(el) === 1) {
        run.push(el);
      } else {
        if (run.length) runs.push(run);
        run = [];
      }
    }
    if (run.length) runs.push(run);
    const lengths = probing ? [6, 8] : [code.length];
    return runs.filter((r) => lengths.includes(r.length) && !r.some(clearlyOther));
  }

  /** The best target: { boxes: [el] } for segmented boxes, { field: el } for one input; or null. */
  function find() {
    const inputs = allInputs(document.documentElement);
    const candidates = inputs.filter((el) => usable(el) && !clearlyOther(el));
    const runs = segmentRuns(inputs);
    const inRun = (el) => runs.find((r) => r.includes(el));

    const oneTime = candidates.find((el) => autocompleteTokens(el).includes('one-time-code'));
    if (oneTime) return inRun(oneTime) ? { boxes: inRun(oneTime) } : maxLength(oneTime) === 1 ? null : { field: oneTime };
    if (runs.length) return { boxes: runs[0] };

    let best = null;
    let bestScore = 0;
    for (const el of candidates) {
      const max = maxLength(el);
      if (max !== null && !(max >= 4 && max <= 10)) continue;
      if (!probing && max !== null && max < code.length) continue;
      const numeric = (el.getAttribute('inputmode') ?? '').toLowerCase() === 'numeric';
      const sized = max !== null && max >= 6 && max <= 8;
      let score = words(el).some((w) => HINT.test(w)) ? 50 : numeric && sized ? 20 : 0;
      if (score === 0) continue;
      if (numeric) score += 10;
      if (sized) score += 10;
      if (score > bestScore) {
        best = el;
        bestScore = score;
      }
    }
    return best ? { field: best } : null;
  }

  async function findWithin(ms) {
    let found = find();
    const deadline = Date.now() + ms;
    while (!found && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      found = find();
    }
    return found;
  }

  if (probing) return { url: location.href, found: (await findWithin(waitMs)) !== null };
  if (hostNow() !== expectedHost) return { filled: false, reason: 'host_changed' };

  const target = await findWithin(waitMs);
  if (!target) return { filled: false, reason: 'no_field' };
  if (hostNow() !== expectedHost) return { filled: false, reason: 'host_changed' };
  if (options?.onlyEmpty && (target.boxes ?? [target.field]).some((el) => el.value !== '')) return { filled: false, reason: 'not_empty' };

  // Events are made in the field's own realm (a same-origin iframe has its own constructors).
  function realm(el) {
    return el.ownerDocument.defaultView ?? window;
  }
  function nativeSet(el, value) {
    const view = realm(el);
    const setter = Object.getOwnPropertyDescriptor(view.HTMLInputElement.prototype, 'value').set;
    setter.call(el, value);
  }
  function fire(el, type, init = {}) {
    const view = realm(el);
    let event;
    if (type.startsWith('key')) {
      event = new view.KeyboardEvent(type, { bubbles: true, cancelable: true, composed: true, ...init });
    } else if (type === 'input' || type === 'beforeinput') {
      event = new view.InputEvent(type, { bubbles: true, cancelable: type === 'beforeinput', composed: true, inputType: 'insertText', ...init });
    } else {
      event = new view.Event(type, { bubbles: true });
    }
    return el.dispatchEvent(event);
  }
  function keyInit(ch) {
    const digit = /^[0-9]$/.test(ch);
    return { key: ch, code: digit ? `Digit${ch}` : `Key${ch.toUpperCase()}`, keyCode: ch.toUpperCase().charCodeAt(0), which: ch.toUpperCase().charCodeAt(0) };
  }
  /** One character as a keyboard would type it: keydown, keypress, beforeinput, value, input, keyup. */
  function typeChar(el, ch, replace) {
    const init = keyInit(ch);
    const allowed = fire(el, 'keydown', init) && fire(el, 'keypress', { ...init, charCode: init.keyCode });
    if (allowed && fire(el, 'beforeinput', { data: ch })) {
      nativeSet(el, replace ? ch : el.value + ch);
      fire(el, 'input', { data: ch });
    }
    fire(el, 'keyup', init);
  }

  if (target.boxes) {
    target.boxes.forEach((box, i) => {
      box.focus();
      nativeSet(box, '');
      typeChar(box, code[i], true);
      fire(box, 'change');
    });
    const got = target.boxes.map((b) => b.value).join('');
    return got === code ? { filled: true } : { filled: false, reason: 'not_accepted' };
  }

  const field = target.field;
  field.focus();
  nativeSet(field, code);
  fire(field, 'input', { data: code, inputType: 'insertFromPaste' });
  fire(field, 'change');
  if (field.value.replace(/[\s-]/g, '') === code) return { filled: true };
  // Fallback: the page builds its value from key events. Clear it and type the code.
  nativeSet(field, '');
  fire(field, 'input', { inputType: 'deleteContentBackward', data: null });
  for (const ch of code) typeChar(field, ch, false);
  fire(field, 'change');
  return field.value.replace(/[\s-]/g, '') === code ? { filled: true } : { filled: false, reason: 'not_accepted' };
}
