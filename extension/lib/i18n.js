// Every user-visible string comes from _locales. The DOM gets text only (textContent, attributes).
import { api } from '../compat.js';

/** The message `name` with `substitutions`; '' when there is none. */
export function t(name, substitutions) {
  return api.i18n.getMessage(name, substitutions);
}

/**
 * Fills `[data-i18n]` (textContent) and `[data-i18n-<attribute>]` (that attribute, e.g.
 * `data-i18n-placeholder`, `data-i18n-aria-label`, `data-i18n-title`) below `root`, except inside
 * the elements matching the selector `skip` (a page fills those later with their own call).
 */
export function applyI18n(root = document, skip = null) {
  if (root === document) document.documentElement.lang = api.i18n.getUILanguage();
  for (const el of root.querySelectorAll('[data-i18n]')) {
    if (!skip || !el.closest(skip)) el.textContent = t(el.dataset.i18n);
  }
  for (const attribute of ['placeholder', 'aria-label', 'title']) {
    const key = `i18n${attribute.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase())}`;
    for (const el of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      if (!skip || !el.closest(skip)) el.setAttribute(attribute, t(el.dataset[key]));
    }
  }
}

/**
 * The localized text for an error code. Core codes are `[a-z0-9_]` (e.g.
 * `secret_invalid_character`) and map to the message `err_<code>`; unknown codes get a generic text.
 */
export function errorText(code) {
  const name = typeof code === 'string' && /^[a-z0-9_]+$/.test(code) ? `err_${code}` : '';
  return (name && t(name)) || t('err_generic');
}
