// Which pages an account's code may be filled into. Pure functions (no extension API), so node
// tests can call them.
//
// This slice matches host names: a tab's host matches a site when it equals the site or is a
// subdomain of it (`login.example.com` matches `example.com`; `example.com.evil.test` and
// `badexample.com` do not). Registrable domains (eTLD+1 from the public-suffix list, so that two
// sites under `github.io` are not one) and "an http page always asks" are issue 8's, still open.

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

/** True when `host` is one of `sites` or a subdomain of one. */
export function siteMatches(host, sites) {
  if (typeof host !== 'string' || host === '' || !Array.isArray(sites)) return false;
  return sites.some((site) => {
    if (typeof site !== 'string') return false;
    const s = site.trim().toLowerCase().replace(/\.$/, '');
    return s !== '' && (host === s || host.endsWith(`.${s}`));
  });
}
