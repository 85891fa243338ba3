// Shared by the end-to-end tests: paths, the RFC tables (independent truth), locale messages, and a
// poll helper. Not a test file itself (node --test picks up *.test.mjs only).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dist = (name) => path.join(ROOT, 'dist', name);
/** The shared public test corpora (../shared/corpora beside the checkout), or TESSERA_CORPORA. */
export const CORPORA = process.env.TESSERA_CORPORA ?? path.resolve(ROOT, '../shared/corpora');
export const POPUP_PATH = 'extension/popup/popup.html';
export const OPTIONS_PATH = 'extension/options/options.html';

/** Fails loudly when a build is missing: only a missing browser binary may skip a test. */
export function requireBuild(dir) {
  if (!fs.existsSync(path.join(dir, 'manifest.json')) || !fs.existsSync(path.join(dir, 'extension/pkg/tessera_wasm_bg.wasm'))) {
    throw new Error(`${path.relative(ROOT, dir)} is missing or incomplete: run scripts/build.sh --test first`);
  }
  return dir;
}

/** The English (or other) message text, with $1… substituted, as chrome.i18n.getMessage gives it. */
export function message(name, substitutions = [], lang = 'en') {
  const messages = JSON.parse(fs.readFileSync(path.join(ROOT, '_locales', lang, 'messages.json'), 'utf8'));
  const entry = messages[name];
  if (!entry) throw new Error(`no message ${name} in ${lang}`);
  let text = entry.message;
  for (const [key, ph] of Object.entries(entry.placeholders ?? {})) {
    const value = ph.content.replace(/\$(\d)/g, (_, n) => substitutions[Number(n) - 1] ?? '');
    text = text.replace(new RegExp(`\\$${key}\\$`, 'gi'), value);
  }
  return text;
}

// RFC 6238 Appendix B. The shared corpus (transcribed from the RFC, recomputed with Python's hmac)
// is used when present; the inline table is the RFC's own, for machines without the corpus.
const RFC6238_INLINE = {
  seeds: {
    SHA1: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    SHA256: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA',
    SHA512:
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA',
  },
  rows: [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ],
};

/** { seeds: {SHA1, SHA256, SHA512} base32, ascii, vectors: [{time, mode, totp}], period, digits, source } */
export function rfc6238() {
  const corpus = path.join(CORPORA, 'otp/rfc6238_totp.json');
  if (fs.existsSync(corpus)) {
    const d = JSON.parse(fs.readFileSync(corpus, 'utf8'));
    return {
      source: corpus,
      period: d.step,
      digits: d.digits,
      seeds: Object.fromEntries(Object.entries(d.seeds).map(([k, v]) => [k, v.base32])),
      ascii: Object.fromEntries(Object.entries(d.seeds).map(([k, v]) => [k, v.ascii])),
      hex: Object.fromEntries(Object.entries(d.seeds).map(([k, v]) => [k, v.hex])),
      vectors: d.vectors.map((v) => ({ time: v.time, mode: v.mode, totp: v.totp })),
    };
  }
  const ascii = { SHA1: '12345678901234567890', SHA256: '12345678901234567890123456789012' };
  ascii.SHA512 = ascii.SHA256 + ascii.SHA256;
  return {
    source: 'inline RFC 6238 Appendix B',
    period: 30,
    digits: 8,
    seeds: RFC6238_INLINE.seeds,
    ascii,
    hex: Object.fromEntries(Object.entries(ascii).map(([k, v]) => [k, Buffer.from(v).toString('hex')])),
    vectors: RFC6238_INLINE.rows.flatMap(([time, ...codes]) =>
      ['SHA1', 'SHA256', 'SHA512'].map((mode, i) => ({ time, mode, totp: codes[i] })),
    ),
  };
}

/** RFC 4226 Appendix D: HOTP of "12345678901234567890" (base32 below) for counters 0..9, 6 digits. */
export const RFC4226 = {
  secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  codes: ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'],
};

/** Polls `read` until `ok(value)`; returns the value or throws with the last one seen. */
export async function until(read, ok, { timeout = 10_000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium with one unpacked extension (flags from shared/recipes/BROWSER-TESTS.md) and a
 * fresh profile. Returns { ctx, extensionId, page, close }. Options: `lang` (the UI language,
 * default en-US; other languages need their locale .pak, Debian's chromium-l10n) and `args` (more
 * Chromium flags, e.g. --ignore-certificate-errors for the https fixture server).
 */
export async function launchChromium(extensionDir, { lang = 'en-US', args = [] } = {}) {
  const { chromium } = await import('playwright-core');
  const os = await import('node:os');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-chromium-'));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    // On Linux, --lang alone sets the extension's messages but not i18n.getUILanguage() or
    // navigator.language; LANGUAGE sets all three.
    ...(lang === 'en-US' ? {} : { env: { ...process.env, LANGUAGE: lang } }),
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--lang=${lang}`,
      ...args,
    ],
  });
  let [sw] = ctx.serviceWorkers();
  if (!sw) sw = await ctx.waitForEvent('serviceworker', { timeout: 15_000 });
  const extensionId = sw.url().split('/')[2];
  const page = await ctx.newPage();
  return {
    ctx,
    extensionId,
    page,
    close: async () => {
      await ctx.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export const FIREFOX = ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((f) => fs.existsSync(f));
export const GECKODRIVER = path.join(process.env.HOME ?? '', '.cargo/bin/geckodriver');
const GECKO_ID = 'tessera@tessera-auth.org';

/** Why Firefox tests cannot run here (a skip reason), or false. */
export const firefoxMissing = !FIREFOX
  ? 'Firefox not installed (/usr/bin/firefox-esr or /usr/bin/firefox)'
  : !fs.existsSync(GECKODRIVER) && `geckodriver not installed at ${GECKODRIVER} (cargo install geckodriver)`;

/**
 * Headless Firefox (selenium-webdriver + geckodriver) with the extension in `extensionDir`
 * installed as a temporary add-on under the fixed internal `uuid` (so its pages are
 * moz-extension://<uuid>/…). Returns the WebDriver.
 */
export async function launchFirefox(extensionDir, uuid) {
  const { Builder } = await import('selenium-webdriver');
  const { default: firefox } = await import('selenium-webdriver/firefox.js');
  const options = new firefox.Options()
    .setBinary(FIREFOX)
    .addArguments('-headless')
    .setPreference('intl.locale.requested', 'en-US')
    .setPreference('extensions.webextensions.uuids', JSON.stringify({ [GECKO_ID]: uuid }));
  const service = new firefox.ServiceBuilder(GECKODRIVER).addArguments('--allow-system-access');
  const driver = await new Builder().forBrowser('firefox').setFirefoxOptions(options).setFirefoxService(service).build();
  await driver.manage().setTimeouts({ script: 30_000 });
  await driver.installAddon(extensionDir, true);
  return driver;
}

/**
 * Stops the extension's service worker as Chrome does when it is idle (CDP
 * ServiceWorker.stopWorker) and waits until CDP reports it stopped; the next message restarts it.
 * `browser` is what launchChromium returns ({ ctx, extensionId, page }).
 */
export async function stopWorker({ ctx, extensionId, page }) {
  const [found] = ctx.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${extensionId}`));
  const sw = found ?? (await ctx.waitForEvent('serviceworker', { timeout: 15_000 }));
  const cdp = await ctx.newCDPSession(page);
  const updates = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => updates.push(...e.versions.filter((v) => v.scriptURL === sw.url())));
  await cdp.send('ServiceWorker.enable');
  const running = await until(() => updates.find((v) => v.runningStatus === 'running'), Boolean, { what: 'the running worker' });
  const seen = updates.length;
  await cdp.send('ServiceWorker.stopWorker', { versionId: running.versionId });
  await until(() => updates.slice(seen).some((v) => v.runningStatus === 'stopped'), Boolean, { what: 'the worker to stop' });
  await cdp.detach();
}
