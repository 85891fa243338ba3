// Which pages an account's code may go to (extension/lib/site.js, issue 8): registrable domains from
// the bundled public-suffix list, lookalikes, and which pages count as secure. Node only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PSL_RULE_COUNT } from '../../extension/lib/psl-data.js';
import { isSecurePage, registrableDomain, siteMatches } from '../../extension/lib/site.js';

// The Public Suffix List's own test cases: checkPublicSuffix(host, registrable domain) from
// https://github.com/publicsuffix/list/blob/main/tests/test_psl.txt (public domain, CC0), as
// [input, expected]; null there is '' here. Left out: the null input (not a string here) and the
// one-label unlisted name 'example', which Tessera deliberately treats as its own site (localhost,
// intranet names; tested below).
const PSL_TESTS = [
  ['COM', ''], ['example.COM', 'example.com'], ['WwW.example.COM', 'example.com'],
  ['.com', ''], ['.example', ''], ['.example.com', ''], ['.example.example', ''],
  ['example.example', 'example.example'], ['b.example.example', 'example.example'], ['a.b.example.example', 'example.example'],
  ['biz', ''], ['domain.biz', 'domain.biz'], ['b.domain.biz', 'domain.biz'], ['a.b.domain.biz', 'domain.biz'],
  ['com', ''], ['example.com', 'example.com'], ['b.example.com', 'example.com'], ['a.b.example.com', 'example.com'],
  ['uk.com', ''], ['example.uk.com', 'example.uk.com'], ['b.example.uk.com', 'example.uk.com'], ['a.b.example.uk.com', 'example.uk.com'],
  ['test.ac', 'test.ac'],
  ['mm', ''], ['c.mm', ''], ['b.c.mm', 'b.c.mm'], ['a.b.c.mm', 'b.c.mm'],
  ['jp', ''], ['test.jp', 'test.jp'], ['www.test.jp', 'test.jp'], ['ac.jp', ''], ['test.ac.jp', 'test.ac.jp'], ['www.test.ac.jp', 'test.ac.jp'],
  ['kyoto.jp', ''], ['test.kyoto.jp', 'test.kyoto.jp'], ['ide.kyoto.jp', ''], ['b.ide.kyoto.jp', 'b.ide.kyoto.jp'], ['a.b.ide.kyoto.jp', 'b.ide.kyoto.jp'],
  ['c.kobe.jp', ''], ['b.c.kobe.jp', 'b.c.kobe.jp'], ['a.b.c.kobe.jp', 'b.c.kobe.jp'], ['city.kobe.jp', 'city.kobe.jp'], ['www.city.kobe.jp', 'city.kobe.jp'],
  ['ck', ''], ['test.ck', ''], ['b.test.ck', 'b.test.ck'], ['a.b.test.ck', 'b.test.ck'], ['www.ck', 'www.ck'], ['www.www.ck', 'www.ck'],
  ['us', ''], ['test.us', 'test.us'], ['www.test.us', 'test.us'], ['ak.us', ''], ['test.ak.us', 'test.ak.us'], ['www.test.ak.us', 'test.ak.us'],
  ['k12.ak.us', ''], ['test.k12.ak.us', 'test.k12.ak.us'], ['www.test.k12.ak.us', 'test.k12.ak.us'],
  // IDN labels: Tessera compares ASCII (punycode) names, as URL gives them, so the expected value is
  // the punycode form of the list's answer (the list's own "same as above, but punycoded" cases).
  ['食狮.com.cn', 'xn--85x722f.com.cn'], ['食狮.公司.cn', 'xn--85x722f.xn--55qx5d.cn'], ['www.食狮.公司.cn', 'xn--85x722f.xn--55qx5d.cn'],
  ['shishi.公司.cn', 'shishi.xn--55qx5d.cn'], ['公司.cn', ''], ['食狮.中国', 'xn--85x722f.xn--fiqs8s'], ['www.食狮.中国', 'xn--85x722f.xn--fiqs8s'],
  ['shishi.中国', 'shishi.xn--fiqs8s'], ['中国', ''],
  ['xn--85x722f.com.cn', 'xn--85x722f.com.cn'], ['xn--85x722f.xn--55qx5d.cn', 'xn--85x722f.xn--55qx5d.cn'],
  ['www.xn--85x722f.xn--55qx5d.cn', 'xn--85x722f.xn--55qx5d.cn'], ['shishi.xn--55qx5d.cn', 'shishi.xn--55qx5d.cn'], ['xn--55qx5d.cn', ''],
  ['xn--85x722f.xn--fiqs8s', 'xn--85x722f.xn--fiqs8s'], ['www.xn--85x722f.xn--fiqs8s', 'xn--85x722f.xn--fiqs8s'],
  ['shishi.xn--fiqs8s', 'shishi.xn--fiqs8s'], ['xn--fiqs8s', ''],
];

describe('registrable domains (lib/site.js, bundled public-suffix list)', () => {
  it('the bundled list is whole (ICANN and private sections)', () => {
    assert.ok(PSL_RULE_COUNT > 9000, `${PSL_RULE_COUNT} rules`);
  });

  it("passes the Public Suffix List's own test cases", () => {
    const wrong = PSL_TESTS.filter(([host, want]) => registrableDomain(host) !== want)
      .map(([host, want]) => `${host}: got ${JSON.stringify(registrableDomain(host))}, want ${JSON.stringify(want)}`);
    assert.deepEqual(wrong, []);
  });

  it('private-section suffixes are suffixes: two github.io pages are two sites', () => {
    assert.equal(registrableDomain('alice.github.io'), 'alice.github.io');
    assert.equal(registrableDomain('docs.alice.github.io'), 'alice.github.io');
    assert.equal(registrableDomain('github.io'), '');
    assert.equal(siteMatches('mallory.github.io', ['alice.github.io']), false);
    assert.equal(siteMatches('docs.alice.github.io', ['alice.github.io']), true);
    assert.equal(siteMatches('evil.blogspot.com', ['good.blogspot.com']), false);
    assert.equal(siteMatches('evil.github.io', ['github.io']), false, 'a bare public suffix binds nothing');
  });

  it('IP addresses and one-label names are their own site, matched exactly', () => {
    assert.equal(registrableDomain('127.0.0.1'), '127.0.0.1');
    assert.equal(registrableDomain('[::1]'), '[::1]');
    assert.equal(registrableDomain('localhost'), 'localhost');
    assert.equal(siteMatches('127.0.0.1', ['127.0.0.1']), true);
    assert.equal(siteMatches('127.0.0.2', ['127.0.0.1']), false);
    assert.equal(siteMatches('10.0.0.1', ['0.0.1']), false);
  });

  it('lookalikes never match', () => {
    const sites = ['github.com'];
    assert.equal(siteMatches('github.com', sites), true);
    assert.equal(siteMatches('gist.github.com', sites), true);
    for (const host of [
      'github.com.evil.example', 'githu8.com', 'github.co', 'evilgithub.com', 'github-com.example',
      'gіthub.com', // Cyrillic і (U+0456)
      'xn--gthub-n2e.com', // the same homograph as URL spells it
      'github.com.', // a trailing dot is the same host
    ]) {
      assert.equal(siteMatches(host, sites), host === 'github.com.', host);
    }
    assert.equal(siteMatches('github.com', ['GitHub.COM']), true, 'sites are compared case-insensitively');
    assert.equal(siteMatches('github.com', ['gіthub.com']), false, 'a homograph site binds its own punycode name');
    assert.equal(siteMatches('', sites), false);
    assert.equal(siteMatches('github.com', []), false);
    assert.equal(siteMatches('github.com', 'github.com'), false, 'sites must be a list');
    assert.equal(siteMatches('github.com', ['https://github.com/login']), false, 'a URL is not a site');
  });

  it('secure pages: https, and http only on this machine', () => {
    for (const url of ['https://example.com/', 'http://localhost:8080/', 'http://127.0.0.1/x', 'http://127.8.9.10/', 'http://[::1]:3000/', 'http://app.localhost/']) {
      assert.equal(isSecurePage(url), true, url);
    }
    for (const url of ['http://example.com/', 'http://192.168.1.1/', 'http://localhost.example.com/', 'http://127.0.0.1.nip.io/', 'ftp://example.com/', 'file:///tmp/x.html', 'not a url']) {
      assert.equal(isSecurePage(url), false, url);
    }
  });
});
