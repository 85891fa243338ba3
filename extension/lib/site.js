// Which pages an account's code may be filled into (issue 8). Pure functions (no extension API), so
// node tests can call them.
//
// A site is a registrable domain: the public suffix of a host (from the Public Suffix List, bundled
// in lib/psl-data.js, ICANN and private sections) plus one more label. `login.github.com` and
// `github.com` are one site; `alice.github.io` and `mallory.github.io` are two, since `github.io`
// is a public suffix; `github.com.evil.example` is `evil.example`. Hosts are compared in the ASCII
// (punycode) form URL gives them, so a homograph (`gіthub.com` with a Cyrillic і) is
// `xn--gthub-…`, another site. IP addresses and one-label hosts (`localhost`) are their own site
// and match only exactly.
//
// Secure pages: a code is filled without asking only into an https page, or an http page on this
// machine (localhost, 127.0.0.0/8, [::1]: "potentially trustworthy" origins in W3C Secure Contexts,
// which no one on the network can alter). Any other http page always asks (see worker/fill.js).
import { PSL } from './psl-data.js';

let rules = null; // { exact: Set, wildcard: Set, exception: Set, tlds: Set }, built on first use

function table() {
  if (rules) return rules;
  const exact = new Set();
  const wildcard = new Set(); // 'x.y' for the rule '*.x.y'
  const exception = new Set(); // 'www.ck' for the rule '!www.ck'
  const tlds = new Set(); // every top-level label the list names
  for (const line of PSL.split('\n')) {
    const [tld, rest] = line.split('\t');
    tlds.add(tld);
    for (const r of rest.split(',')) {
      const rule = r === '' ? tld : `${r}.${tld}`;
      if (rule.startsWith('!')) exception.add(rule.slice(1));
      else if (rule.startsWith('*.')) wildcard.add(rule.slice(2));
      else exact.add(rule);
    }
  }
  rules = { exact, wildcard, exception, tlds };
  return rules;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The ASCII host name of a host or site string as URL parses it (lower case, punycode, no trailing
 * dot, IPv6 in brackets); '' when it is not a host name.
 */
export function normalizeHost(value) {
  if (typeof value !== 'string') return '';
  const text = value.trim();
  if (text === '' || /[/?#@\s:]/.test(text.replace(/^\[[0-9a-f:.]+\]$/i, ''))) return '';
  try {
    return new URL(`https://${text}/`).hostname.replace(/\.$/, '');
  } catch {
    return '';
  }
}

/** The lower-case host name (no trailing dot) of an http or https URL; '' for anything else. */
export function hostOfUrl(url) {
  if (typeof url !== 'string') return '';
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return '';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return '';
  return parsed.hostname.toLowerCase().replace(/\.$/, '');
}

/** The public suffix of an ASCII host name (the default rule `*`: its last label). */
export function publicSuffix(host) {
  const { exact, wildcard, exception } = table();
  const labels = host.split('.');
  // An exception rule prevails: its suffix is the rule without its first label.
  for (let i = 0; i < labels.length; i++) {
    if (exception.has(labels.slice(i).join('.'))) return labels.slice(i + 1).join('.');
  }
  // Otherwise the longest matching rule, exact or wildcard.
  for (let i = 0; i < labels.length; i++) {
    const candidate = labels.slice(i).join('.');
    if (exact.has(candidate)) return candidate;
    if (i + 1 < labels.length && wildcard.has(labels.slice(i + 1).join('.'))) return candidate;
  }
  return labels[labels.length - 1];
}

/**
 * The registrable domain (eTLD+1) of a host or site, in ASCII; the host itself for IP addresses and
 * one-label names; '' when there is none (the host is a public suffix, or not a host name).
 */
export function registrableDomain(value) {
  const host = normalizeHost(value);
  if (host === '') return '';
  if (host.startsWith('[') || IPV4.test(host)) return host;
  // One label: `localhost` or an intranet name is its own site; a listed top-level label is none.
  if (!host.includes('.')) return table().tlds.has(host) ? '' : host;
  if (host.split('.').some((label) => label === '')) return '';
  const suffix = publicSuffix(host);
  if (suffix === host) return '';
  const rest = host.slice(0, host.length - suffix.length - 1);
  return `${rest.slice(rest.lastIndexOf('.') + 1)}.${suffix}`;
}

/** True when `host` belongs to one of `sites`: both have the same registrable domain. */
export function siteMatches(host, sites) {
  const site = registrableDomain(host);
  if (site === '' || !Array.isArray(sites)) return false;
  return sites.some((s) => registrableDomain(s) === site);
}

/** True for http(s) URLs whose page may receive a code without a confirmation (see above). */
export function isSecurePage(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  if (parsed.protocol !== 'http:') return false;
  const host = parsed.hostname.replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}
