// scripts/run.sh without a display: starts the browser headless with the shipped extension in a
// fresh profile, adds the demo account through the popup's form, signs into the demo page with the
// code the popup shows, and saves screenshots to dist/screenshots/: the popup and the demo page,
// then the popup and the options page in the light and the dark theme (the theme setting).
//   node scripts/run-headless.mjs chrome|firefox <unpacked extension dir>
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveFixtures } from '../tests/fixtures/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [browser, extDir] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(path.join(extDir, 'manifest.json'), 'utf8'));
const popupPath = manifest.action.default_popup;
const optionsPath = manifest.options_ui.page;
const THEMES = ['light', 'dark'];
const shots = path.join(root, 'dist/screenshots');
fs.mkdirSync(shots, { recursive: true });
const DEMO = { issuer: 'Example Corp', account: 'alice@example.test', secret: 'JBSWY3DPEHPK3PXP' };
const server = await serveFixtures();
const demoUrl = `${server.url}/signin.html`;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-run-'));
const saved = [];

try {
  if (browser === 'chrome') await chrome(); else await firefox();
  for (const s of saved) console.log(`screenshot: ${s}`);
} finally {
  await server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}

async function chrome() {
  const { chromium } = await import('playwright-core');
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(fs.existsSync);
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, viewport: { width: 380, height: 560 },
    args: [`--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`, '--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    let [sw] = ctx.serviceWorkers();
    if (!sw) sw = await ctx.waitForEvent('serviceworker');
    const id = sw.url().split('/')[2];
    const popup = await ctx.newPage();
    await popup.goto(`chrome-extension://${id}/${popupPath}`);
    await popup.waitForSelector('#loading', { state: 'hidden' });
    await popup.click('#add-toggle');
    await popup.fill('#issuer', DEMO.issuer);
    await popup.fill('#account', DEMO.account);
    await popup.fill('#secret', DEMO.secret);
    await popup.click('#add-submit');
    await popup.waitForSelector('#accounts .tile .code');
    await popup.waitForFunction(() => /\d/.test(document.querySelector('#accounts .tile .code')?.textContent ?? ''));
    const code = (await popup.textContent('#accounts .tile .code')).replace(/\s/g, '');
    await shot(popup, 'popup-chrome.png');

    const page = await ctx.newPage();
    await page.setViewportSize({ width: 900, height: 640 });
    await page.goto(demoUrl);
    await page.fill('#otp', code);
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#result').textContent !== '');
    console.log(`demo page: ${await page.textContent('#result')} (code ${code} from the popup)`);
    await shot(page, 'demo-chrome.png');

    const options = await ctx.newPage();
    await options.setViewportSize({ width: 800, height: 900 });
    for (const theme of THEMES) {
      await popup.evaluate((th) => chrome.storage.local.set({ 'settings.theme': th }), theme);
      for (const [p, url, name] of [[popup, popupPath, 'popup'], [options, optionsPath, 'options']]) {
        await p.goto(`chrome-extension://${id}/${url}`);
        await p.waitForFunction((th) => document.documentElement.dataset.theme === th || performance.now() > 3000, theme);
        await p.waitForTimeout(300); // codes and settings shown
        await shot(p, `${name}-${theme}-chrome.png`, name === 'options');
      }
    }
  } finally {
    await ctx.close();
  }
}

async function firefox() {
  const { Builder, By, until } = await import('selenium-webdriver');
  const { default: ff } = await import('selenium-webdriver/firefox.js');
  const gecko = [path.join(os.homedir(), '.cargo/bin/geckodriver'), '/usr/local/bin/geckodriver', '/usr/bin/geckodriver'].find(fs.existsSync);
  const binary = ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find(fs.existsSync);
  const uuid = '6b7e3f1a-2c4d-4e5f-8a9b-0c1d2e3f4a5b';
  const opts = new ff.Options().setBinary(binary).addArguments('-headless', '-profile', profile)
    .setPreference('extensions.webextensions.uuids', JSON.stringify({ [manifest.browser_specific_settings.gecko.id]: uuid }));
  const service = new ff.ServiceBuilder(gecko).addArguments('--allow-system-access');
  const driver = await new Builder().forBrowser('firefox').setFirefoxOptions(opts).setFirefoxService(service).build();
  try {
    await driver.installAddon(extDir, true);
    await driver.manage().window().setRect({ width: 380, height: 600 });
    await driver.get(`moz-extension://${uuid}/${popupPath}`);
    await driver.wait(until.elementIsNotVisible(await driver.findElement(By.id('loading'))), 15000);
    await driver.findElement(By.id('add-toggle')).click();
    await driver.findElement(By.id('issuer')).sendKeys(DEMO.issuer);
    await driver.findElement(By.id('account')).sendKeys(DEMO.account);
    await driver.findElement(By.id('secret')).sendKeys(DEMO.secret);
    await driver.findElement(By.id('add-submit')).click();
    const codeEl = await driver.wait(until.elementLocated(By.css('#accounts .tile .code')), 15000);
    await driver.wait(async () => /\d/.test(await codeEl.getText()), 15000);
    const code = (await codeEl.getText()).replace(/\s/g, '');
    await save(await driver.takeScreenshot(), 'popup-firefox.png');
    await driver.manage().window().setRect({ width: 900, height: 640 });
    await driver.get(demoUrl);
    await driver.findElement(By.id('otp')).sendKeys(code);
    await driver.findElement(By.css('button[type=submit]')).click();
    const result = await driver.findElement(By.id('result'));
    await driver.wait(async () => (await result.getText()) !== '', 10000);
    console.log(`demo page: ${await result.getText()} (code ${code} from the popup)`);
    await save(await driver.takeScreenshot(), 'demo-firefox.png');

    for (const theme of THEMES) {
      for (const [url, name, width] of [[popupPath, 'popup', 380], [optionsPath, 'options', 800]]) {
        await driver.manage().window().setRect({ width, height: name === 'popup' ? 600 : 900 });
        await driver.get(`moz-extension://${uuid}/${url}`);
        await driver.executeAsyncScript((th, done) => browser.storage.local.set({ 'settings.theme': th }).then(done), theme);
        await driver.wait(async () => (await driver.executeScript(() => document.documentElement.dataset.theme)) === theme, 3000).catch(() => {});
        await driver.sleep(300);
        await save(await driver.takeScreenshot(), `${name}-${theme}-firefox.png`);
      }
    }
  } finally {
    await driver.quit();
  }
}

async function shot(page, name, fullPage = false) {
  const file = path.join(shots, name);
  await page.screenshot({ path: file, fullPage });
  saved.push(file);
}

async function save(base64, name) {
  const file = path.join(shots, name);
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  saved.push(file);
}
