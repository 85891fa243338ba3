// Accessibility: axe-core (npm, the engine of Lighthouse and Chrome DevTools' audits) run inside the
// popup and the options page of the real extension (dist/chrome-test) in headless Chromium, in the
// states a person meets (no password, accounts listed, add form open, locked; the clock check's
// result and warning), each in the light and the dark theme: 0 violations of axe's default rules
// (WCAG 2.x A and AA, including colour contrast, plus best practices).
// A canary first shows the harness does report a violation when there is one.
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CHROMIUM, OPTIONS_PATH, POPUP_PATH, ROOT, dist, launchChromium, requireBuild } from './helpers.mjs';

const AXE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'correct horse battery staple';
const THEMES = ['light', 'dark'];

describe('Chromium: axe-core on the popup and the options page', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let browser;
  let page;
  const pageErrors = [];
  const url = (p) => `chrome-extension://${browser.extensionId}/${p}`;
  const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);

  /** axe's violations on the current page, one line per element. */
  async function violations() {
    // page.evaluate runs through the DevTools protocol, which the pages' CSP does not govern.
    await page.evaluate(AXE);
    return page.evaluate(() =>
      window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
        r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`)),
      ),
    );
  }

  /** Sets the theme setting, and the system's scheme to the other one so the setting must win. */
  async function useTheme(theme) {
    await page.emulateMedia({ colorScheme: theme === 'dark' ? 'light' : 'dark' });
    await page.evaluate((th) => chrome.storage.local.set({ 'settings.theme': th }), theme);
  }

  async function openPopup(theme) {
    await page.goto(url(POPUP_PATH));
    await page.waitForFunction((th) => document.documentElement.dataset.theme === th, theme);
    await page.waitForFunction(() => {
      const loading = document.getElementById('loading');
      return !loading || loading.hidden || !document.getElementById('unlock-form')?.hidden;
    });
  }

  before(async () => {
    browser = await launchChromium(requireBuild(dist('chrome-test')));
    page = browser.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    await page.goto(url(OPTIONS_PATH));
    await send({ type: 'vault.lock' });
    await page.evaluate(async () => {
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
      await chrome.storage.local.set({ 'test.iterations': 10_000 });
    });
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'uncaught errors in extension pages');
  });

  it('canary: an unlabelled field and grey-on-grey text are reported', async () => {
    await page.goto(url(OPTIONS_PATH));
    await page.evaluate(() => {
      const input = document.createElement('input');
      document.querySelector('main').append(input);
      const p = document.createElement('p');
      p.textContent = 'faint';
      p.style.color = '#bbbbbb';
      p.style.background = '#ffffff';
      document.querySelector('main').append(p);
    });
    const found = await violations();
    assert.ok(found.some((v) => v.startsWith('label ')), found.join('\n'));
    assert.ok(found.some((v) => v.startsWith('color-contrast ')), found.join('\n'));
  });

  it('options page by keyboard: Tab reaches every control of appearance and clock check, each with a visible focus ring', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(url(OPTIONS_PATH));
    await page.waitForFunction(() => document.getElementById('clock-in-use').textContent !== '');
    const wanted = ['theme', 'sort', 'hide-codes', 'clear-clipboard', 'clock-origin', 'clock-check', 'clock-offset', 'clock-save', 'clock-reset'];
    const seen = new Map();
    for (let i = 0; i < 200 && seen.size < wanted.length; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return { id: el.id, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      });
      if (wanted.includes(focused.id)) seen.set(focused.id, focused);
    }
    assert.deepEqual([...seen.keys()].sort(), [...wanted].sort(), 'reached by Tab');
    for (const [id, f] of seen) assert.ok(f.outline !== 'none' && f.width >= 2, `${id} shows its focus (${JSON.stringify(f)})`);
    // And works by keyboard: Space toggles a checkbox, which is saved.
    await page.focus('#hide-codes');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => chrome.storage.local.get('settings.hideCodes').then((s) => s['settings.hideCodes'] === true));
  });

  for (const theme of THEMES) {
    it(`options page, ${theme}: no password, then the clock check's result and warning`, async () => {
      await useTheme(theme);
      await page.goto(url(OPTIONS_PATH));
      await page.waitForFunction((th) => document.documentElement.dataset.theme === th && document.getElementById('count').textContent !== '', theme);
      assert.deepEqual(await violations(), []);
      // Error texts and the warning, as a failed and a shown check leave them.
      await page.fill('#clock-origin', 'http://example.com');
      await page.click('#clock-check');
      await page.fill('#clock-offset', '999999');
      await page.click('#clock-save');
      await page.evaluate(() => {
        document.getElementById('clock-result').hidden = false;
        document.getElementById('clock-skew').textContent = 'skew';
        document.getElementById('clock-warning').hidden = false;
      });
      assert.deepEqual(await violations(), []);
    });

    it(`options page, ${theme}: password set, then locked`, async () => {
      await send({ type: 'vault.setPassword', password: PASSWORD });
      await useTheme(theme);
      await page.goto(url(OPTIONS_PATH));
      await page.waitForFunction(() => !document.getElementById('remove-form').hidden);
      assert.deepEqual(await violations(), []);
      await send({ type: 'vault.lock' });
      await page.reload();
      await page.waitForFunction(() => !document.getElementById('unlock-form').hidden);
      assert.deepEqual(await violations(), []);
    });

    it(`popup, ${theme}: empty, with accounts, add form open, locked`, async () => {
      await useTheme(theme);
      await openPopup(theme);
      assert.deepEqual(await violations(), [], 'empty');

      const secrets = ['JBSWY3DPEHPK3PXP', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 'MFRGGZDFMZTWQ2LK'];
      for (const [i, issuer] of ['Example', 'GitHub', 'Bank'].entries()) {
        const answer = await send({
          type: 'accounts.add',
          account: { type: i === 2 ? 'hotp' : 'totp', issuer, account: `user${i}@example.test`, secret: secrets[i], algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
        });
        assert.equal(answer.ok, true, JSON.stringify(answer));
      }
      await openPopup(theme);
      await page.waitForFunction(() => document.body.innerText.includes('GitHub'));
      assert.deepEqual(await violations(), [], 'accounts');

      const toggle = await page.$('#add-toggle');
      if (toggle) {
        await toggle.click();
        assert.deepEqual(await violations(), [], 'add form');
      }

      await send({ type: 'vault.setPassword', password: PASSWORD });
      await send({ type: 'vault.lock' });
      await openPopup(theme);
      assert.deepEqual(await violations(), [], 'locked');
    });
  }
});
