// Vault benchmark in headless Chromium with the real extension (dist/chrome-test):
//   1. unlock at 600,000 PBKDF2 iterations (the `vault.unlock` message, measured from an extension
//      page: message, storage reads, WebCrypto deriveBits, wasm unwrap and decrypt, session key,
//      alarm) against WebCrypto deriveBits alone with the same parameters, run inside the same
//      service worker; goal: unlock ≤ 1.05 × deriveBits alone;
//   2. save time with 1,000 accounts in the vault (`accounts.add`: reseal in wasm, then the three
//      storage writes of a crash-safe save), and the size of the stored vault.
//
//   node scripts/bench-vault.mjs [--runs N] [--accounts N]      (after scripts/build.sh --test)
//
// Prints a Markdown table (bench/VAULT.md holds the last results).
import os from 'node:os';
import { dist, launchChromium, requireBuild } from '../tests/e2e/helpers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 7);
const ACCOUNTS = arg('--accounts', 1000);
const PASSWORD = 'a benchmark passphrase';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** A base32 secret of 20 bytes made from `i` (distinct for every account). */
function secretFor(i) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = BigInt(i) * 0x9e3779b97f4a7c15n + 0x1234567n;
  let out = '';
  for (let k = 0; k < 32; k++) {
    out += alphabet[Number(bits & 31n)];
    bits = (bits >> 5n) ^ (BigInt(k + 1) * 0x2545f4914f6cdd1dn);
    bits &= (1n << 64n) - 1n;
  }
  return out;
}

const browser = await launchChromium(requireBuild(dist('chrome-test')));
const { ctx, extensionId, page } = browser;
try {
  await page.goto(`chrome-extension://${extensionId}/extension/options/options.html`);
  const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  const timed = (msg) =>
    page.evaluate(async (m) => {
      const t0 = performance.now();
      const answer = await chrome.runtime.sendMessage(m);
      return { ms: performance.now() - t0, answer };
    }, msg);
  await page.evaluate(async () => {
    await chrome.storage.local.clear();
    await chrome.storage.session.clear();
  });

  process.stderr.write(`adding ${ACCOUNTS} accounts…\n`);
  const addTimes = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const account = {
      type: 'totp', issuer: `Issuer ${i}`, account: `user${i}@example.com`, secret: secretFor(i),
      algorithm: 'SHA1', digits: 6, period: 30, counter: 0,
    };
    const { ms, answer } = await timed({ type: 'accounts.add', account });
    if (!answer.ok) throw new Error(`add ${i}: ${JSON.stringify(answer)}`);
    if (i >= ACCOUNTS - RUNS) addTimes.push(ms);
  }
  const set = await send({ type: 'vault.setPassword', password: PASSWORD });
  if (!set.ok) throw new Error(JSON.stringify(set));
  const stored = await page.evaluate(() => chrome.storage.local.get(null));
  const generation = Object.entries(stored).find(([k]) => /^vault\.\d+$/.test(k));
  const vaultBytes = Buffer.from(generation[1], 'base64').length;
  const iterations = Buffer.from(generation[1], 'base64').readUInt32BE(21);

  // Saves with a password and ACCOUNTS accounts.
  const saveTimes = [];
  for (let i = 0; i < RUNS; i++) {
    const account = { type: 'totp', issuer: `Extra ${i}`, account: 'x', secret: secretFor(ACCOUNTS + i), algorithm: 'SHA1', digits: 6, period: 30, counter: 0 };
    const { ms, answer } = await timed({ type: 'accounts.add', account });
    if (!answer.ok) throw new Error(JSON.stringify(answer));
    saveTimes.push(ms);
  }

  // Unlock vs deriveBits alone, interleaved so both see the same machine load.
  const [sw] = ctx.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${extensionId}`));
  const unlockTimes = [];
  const deriveTimes = [];
  for (let i = 0; i < RUNS; i++) {
    await send({ type: 'vault.lock' });
    const { ms, answer } = await timed({ type: 'vault.unlock', password: PASSWORD });
    if (!answer.ok) throw new Error(JSON.stringify(answer));
    unlockTimes.push(ms);
    deriveTimes.push(
      await sw.evaluate(async (iterations) => {
        const salt = crypto.getRandomValues(new Uint8Array(16));
        const t0 = performance.now();
        const base = await crypto.subtle.importKey('raw', new TextEncoder().encode('a benchmark passphrase'), 'PBKDF2', false, ['deriveBits']);
        const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 256));
        const ms = performance.now() - t0;
        bits.fill(0);
        return ms;
      }, iterations),
    );
  }
  const version = await page.evaluate(() => navigator.userAgent.match(/Chrom(e|ium)\/([\d.]+)/)?.[2] ?? 'unknown');
  const ratio = median(unlockTimes) / median(deriveTimes);
  console.log(`Chromium ${version} headless, ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${RUNS} runs, medians:\n`);
  console.log('| measurement | median | min | max |');
  console.log('| --- | --- | --- | --- |');
  const row = (name, xs) => console.log(`| ${name} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} |`);
  row(`WebCrypto deriveBits alone (PBKDF2-HMAC-SHA256, ${iterations.toLocaleString('en')} it., in the worker)`, deriveTimes);
  row(`unlock (vault.unlock message, ${ACCOUNTS.toLocaleString('en')} accounts)`, unlockTimes);
  row(`save: add one account to ${ACCOUNTS.toLocaleString('en')} (no password)`, addTimes);
  row(`save: add one account to ${ACCOUNTS.toLocaleString('en')} (password)`, saveTimes);
  console.log(`\nunlock / deriveBits alone = **${ratio.toFixed(3)}** (goal ≤ 1.05); stored vault: ${vaultBytes.toLocaleString('en')} bytes (${ACCOUNTS.toLocaleString('en')} accounts, base64 in storage: ${Math.ceil(vaultBytes / 3) * 4} bytes)`);
} finally {
  await browser.close();
}
