// The shipped manifests grant no host access and carry no key, and the shipped builds have the
// test hooks off. Manifest audit (issue 13, SECURITY.md): the CSP allows only packaged scripts and
// wasm ('wasm-unsafe-eval', never 'unsafe-eval'), nothing is web-accessible or externally
// connectable, no powerful permission is asked for, and the shipped files run no remote or inline
// code. Reads the root manifest and dist/chrome, dist/firefox (scripts/build.sh).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, dist, requireBuild } from './helpers.mjs';

const HOST_PATTERN = /<all_urls>|:\/\/|^\*:/;

function hostGrants(manifest) {
  const found = [];
  if ('host_permissions' in manifest) found.push(`host_permissions: ${JSON.stringify(manifest.host_permissions)}`);
  for (const p of manifest.permissions ?? []) {
    if (HOST_PATTERN.test(p)) found.push(`permissions: ${p}`);
  }
  for (const cs of manifest.content_scripts ?? []) {
    if ((cs.matches ?? []).length > 0) found.push(`content_scripts matches: ${JSON.stringify(cs.matches)}`);
  }
  // <all_urls> anywhere but optional_host_permissions (e.g. web_accessible_resources matches).
  const { optional_host_permissions: _optional, ...rest } = manifest;
  if (JSON.stringify(rest).includes('<all_urls>')) found.push('<all_urls> outside optional_host_permissions');
  return found;
}

const shipped = [
  ['manifest.json (repository root)', () => path.join(ROOT, 'manifest.json')],
  ['dist/chrome/manifest.json', () => path.join(requireBuild(dist('chrome')), 'manifest.json')],
  ['dist/firefox/manifest.json', () => path.join(requireBuild(dist('firefox')), 'manifest.json')],
];

describe('shipped manifests', () => {
  for (const [name, file] of shipped) {
    it(`${name} grants no host access and has no key`, () => {
      const manifest = JSON.parse(fs.readFileSync(file(), 'utf8'));
      assert.equal(manifest.manifest_version, 3);
      assert.deepEqual(hostGrants(manifest), []);
      assert.equal('key' in manifest, false, 'a key pins the extension id; only test builds have one');
      assert.equal(
        manifest.content_security_policy?.extension_pages,
        "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
      );
    });
  }

  // The rest of the manifest audit (issue 13): what the browser would let run, and who may reach us.
  for (const [name, file] of shipped) {
    it(`${name}: CSP allows only our own scripts and wasm (no unsafe-eval, no remote sources)`, () => {
      const manifest = JSON.parse(fs.readFileSync(file(), 'utf8'));
      const csp = manifest.content_security_policy ?? {};
      assert.equal(typeof csp, 'object', 'an MV3 CSP object, not an MV2 string');
      for (const [key, policy] of Object.entries(csp)) {
        const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
        assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"], `${key} script-src`);
        assert.doesNotMatch(policy, /'unsafe-eval'|'unsafe-inline'|https?:|\*/, `${key}: ${policy}`);
      }
    });

    it(`${name}: no web_accessible_resources, externally_connectable or powerful permissions`, () => {
      const manifest = JSON.parse(fs.readFileSync(file(), 'utf8'));
      // No page can load or frame our files (fingerprinting, clickjacking of our UI), and no page or
      // other extension can message us (runtime.onMessageExternal is never listened to either).
      assert.equal('web_accessible_resources' in manifest, false, JSON.stringify(manifest.web_accessible_resources));
      assert.equal('externally_connectable' in manifest, false);
      assert.equal('content_scripts' in manifest, false, 'content scripts are injected on demand only');
      assert.equal('sandbox' in manifest, false);
      assert.equal('update_url' in manifest, false, 'updates come from the store only');
      // Permissions that would read browsing data or other sites' traffic: none is needed.
      const powerful = ['tabs', 'webRequest', 'webRequestBlocking', 'webNavigation', 'cookies', 'history', 'bookmarks', 'downloads',
        'management', 'nativeMessaging', 'debugger', 'clipboardRead', 'declarativeNetRequest', 'declarativeNetRequestWithHostAccess',
        'proxy', 'privacy', 'browsingData', 'topSites', 'pageCapture', 'tabCapture', 'desktopCapture', 'identity', 'geolocation'];
      const asked = [...(manifest.permissions ?? []), ...(manifest.optional_permissions ?? [])];
      assert.deepEqual(asked.filter((p) => powerful.includes(p)), []);
    });
  }

  for (const build of ['chrome', 'firefox']) {
    it(`dist/${build} runs no remote or inline code (scripts are packaged files, imports relative, no eval)`, () => {
      const dir = requireBuild(dist(build));
      const files = fs.readdirSync(dir, { recursive: true }).map(String);
      const html = files.filter((f) => f.endsWith('.html'));
      const js = files.filter((f) => f.endsWith('.js') || f.endsWith('.mjs'));
      assert.ok(html.length >= 2 && js.length >= 5, `found the pages and scripts of dist/${build}`);
      for (const f of html) {
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        for (const [tag, attrs, body] of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
          const src = /\bsrc="([^"]+)"/.exec(attrs)?.[1];
          assert.ok(src, `${f}: inline script ${tag.slice(0, 80)}`);
          assert.equal(body.trim(), '', `${f}: inline script body`);
          assert.doesNotMatch(src, /^[a-z]+:|^\/\//i, `${f}: remote script ${src}`);
          assert.ok(fs.existsSync(path.join(dir, path.dirname(f), src)), `${f}: ${src} is packaged`);
        }
        assert.doesNotMatch(text, /\son[a-z]+="/i, `${f}: inline event handler`);
        assert.doesNotMatch(text, /<(iframe|object|embed)\b[^>]*\bsrc="(https?:)?\/\//i, `${f}: remote frame`);
      }
      for (const f of js) {
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        assert.doesNotMatch(text, /\beval\(|new Function\(|importScripts\(/, `${f}: eval, Function or importScripts`);
        // Pages may load their own packaged modules lazily (a literal relative path); the service
        // worker may not import dynamically at all (MV3 forbids it; STYLE: static imports only).
        for (const [call, spec] of text.matchAll(/\bimport\(\s*([^)]*)\)/g)) {
          // Quoted either way: the popup's bundle (scripts/bundle-popup.mjs) writes double quotes.
          assert.match(spec, /^(['"])\.\.?\/[^'"]+\1$/, `${f}: ${call} is not a packaged relative module`);
          assert.ok(fs.existsSync(path.join(dir, path.dirname(f), spec.slice(1, -1))), `${f}: ${call} is packaged`);
          assert.doesNotMatch(f, /^extension[\\/](background\.js|worker[\\/])/, `${f}: dynamic import in the service worker`);
        }
        for (const [, spec] of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)) {
          if (spec) assert.match(spec, /^\.\.?\//, `${f}: import of ${spec}`);
        }
      }
    });
  }

  it('the root manifest serves both browsers', () => {
    const m = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
    assert.equal(m.background.service_worker, 'extension/background.js');
    assert.deepEqual(m.background.scripts, ['extension/background.js']);
    assert.equal(m.background.type, 'module');
    assert.equal(m.browser_specific_settings.gecko.id, 'tessera@tessera-auth.org');
    assert.deepEqual(m.browser_specific_settings.gecko.data_collection_permissions, { required: ['none'] });
    assert.equal(m.default_locale, 'en');
    for (const size of ['16', '32', '48', '128']) {
      const png = fs.readFileSync(path.join(ROOT, m.icons[size]));
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      assert.equal(png.readUInt32BE(16), Number(size), `icon ${size} is ${size} px wide`);
    }
  });

  for (const build of ['chrome', 'firefox']) {
    it(`dist/${build} has the test hooks off (TEST_BUILD = false)`, () => {
      const flags = fs.readFileSync(path.join(requireBuild(dist(build)), 'extension/build-flags.js'), 'utf8');
      assert.match(flags, /^export const TEST_BUILD = false;$/m);
      assert.doesNotMatch(flags, /TEST_BUILD = true/);
    });
  }

  it('the source build-flags.js is exactly the shipped line', () => {
    assert.equal(fs.readFileSync(path.join(ROOT, 'extension/build-flags.js'), 'utf8'), 'export const TEST_BUILD = false;\n');
  });
});

describe('locales', () => {
  const load = (lang) => JSON.parse(fs.readFileSync(path.join(ROOT, '_locales', lang, 'messages.json'), 'utf8'));

  it('English and Dutch have the same messages and placeholders', () => {
    const en = load('en');
    const nl = load('nl');
    assert.deepEqual(Object.keys(nl).sort(), Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      assert.deepEqual(Object.keys(nl[key].placeholders ?? {}), Object.keys(en[key].placeholders ?? {}), key);
      assert.notEqual(nl[key].message.trim(), '', `nl ${key} is empty`);
    }
  });

  it('every data-i18n name in the pages exists', () => {
    const en = load('en');
    for (const page of ['extension/popup/popup.html', 'extension/options/options.html']) {
      const html = fs.readFileSync(path.join(ROOT, page), 'utf8');
      for (const [, name] of html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) {
        assert.ok(en[name], `${page} uses ${name}, which _locales/en lacks`);
      }
    }
  });

  it('every error code of the core and the bindings has a message (err_<code>)', () => {
    const en = load('en');
    const sources = ['crate/core/src', 'crate/wasm/src'].flatMap((dir) =>
      fs.readdirSync(path.join(ROOT, dir), { recursive: true })
        .filter((f) => f.endsWith('.rs'))
        .map((f) => fs.readFileSync(path.join(ROOT, dir, f), 'utf8')),
    );
    const codes = new Set();
    for (const source of sources) {
      // The arms of `pub fn code(&self) -> &'static str { match self { … => "code", … } }`.
      for (const [, body] of source.matchAll(/fn code\(&self\) -> &'static str \{([\s\S]*?)\n    \}/g)) {
        for (const [, code] of body.matchAll(/=> "([a-z0-9_]+)"/g)) codes.add(code);
      }
    }
    assert.ok(codes.has('secret_invalid_character') && codes.has('otp_invalid_digits'), 'found the core codes');
    const missing = [...codes].filter((code) => !en[`err_${code}`]);
    assert.deepEqual(missing, [], 'codes without an err_ message in _locales/en');
  });
});
