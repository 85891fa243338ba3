// The popup of the real extension (dist/chrome-test) in headless Chromium (issue 7): add by typing
// (valid and invalid secrets with their messages) and by pasting an otpauth:// link, edit, delete
// and restore from "recently deleted", search, pin, keyboard and drag reorder, HOTP's next code,
// copy, hide codes, details (secret and QR code) and lock/unlock. Codes are checked against RFC 4226
// Appendix D, RFC 6238 Appendix B and node:crypto's HMAC, with the clock pinned (lib/clock.js).
// Needs `scripts/build.sh --test`. Skips only when /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import path from 'node:path';
import { CHROMIUM, POPUP_PATH, RFC4226, ROOT, dist, launchChromium, message, requireBuild, rfc6238, until } from './helpers.mjs';
import { base32Decode, hotpCode } from './truth.mjs';

const RFC = rfc6238();
const PASSWORD = 'correct horse battery staple';
const PINNED_MS = 1_111_111_111_000; // RFC 6238 Appendix B's T = 1111111111

/** RFC 4226 HOTP of a base32 secret (RFC 6238 TOTP when counter = floor(t / period)), from tests/e2e/truth.mjs. */
const hotp = (secretBase32, counter, options) => hotpCode(base32Decode(secretBase32), counter, options);

let ctx;
let extensionId;
let page;
const pageErrors = [];

const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);

async function openPopup(query = '') {
  await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}${query}`);
  await page.waitForSelector('#loading', { state: 'hidden' });
}

async function pinClock(ms) {
  await page.evaluate((ms) => chrome.storage.local.set({ 'test.clock': { ms, running: false, setAt: Date.now() } }), ms);
}

/** Adds an account through the worker (set-up for the tests that are not about adding). */
async function addAccount(account) {
  const answer = await send({
    type: 'accounts.add',
    account: { type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, counter: 0, account: 'alice', ...account },
  });
  assert.equal(answer.ok, true, JSON.stringify(answer));
  return answer.id;
}

/** Every tile in display order as { id, issuer, account, code (no spaces), countdown, hidden }. */
function readTiles() {
  return page.$$eval('#accounts li.item', (items) =>
    items.map((li) => ({
      id: li.dataset.id,
      issuer: li.querySelector('.issuer').textContent,
      account: li.querySelector('.account').textContent,
      code: li.querySelector('.code').textContent.replace(/ /g, ''),
      countdown: li.querySelector('.countdown').textContent,
      hidden: li.hidden,
      pinned: li.classList.contains('pinned'),
    })),
  );
}

const issuers = async () => (await readTiles()).map((x) => x.issuer);
const untilIssuers = (want, what) => until(issuers, (got) => JSON.stringify(got) === JSON.stringify(want), { what: what ?? `order ${want}` });

async function openActions(issuer) {
  await page.click(`#accounts li.item:has(.issuer:text-is("${issuer}")) .menu`);
  await page.waitForSelector('#tile-actions', { state: 'visible' });
}

const status = () => page.textContent('#status');
const untilStatus = (text, what = text) => until(status, (s) => s === text, { what });

describe('Chromium: the popup (issue 7)', { skip: !fs.existsSync(CHROMIUM) && `Chromium not installed at ${CHROMIUM}` }, () => {
  let close;

  before(async () => {
    ({ ctx, extensionId, page, close } = await launchChromium(requireBuild(dist('chrome-test'))));
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await close?.();
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'uncaught errors in extension pages');
  });

  beforeEach(async () => {
    await openPopup();
    await send({ type: 'vault.lock' });
    await page.evaluate(async () => {
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
      await chrome.storage.local.set({ 'test.iterations': 10_000 });
    });
    await pinClock(PINNED_MS);
  });

  it('adds by typing: the live preview and the tile show the RFC 6238 code; invalid secrets say why', async () => {
    await openPopup();
    assert.equal(await page.isVisible('#empty'), true, 'the empty state explains how to add');
    await page.click('#add-toggle');
    await page.fill('#issuer', 'Typed');
    await page.fill('#account', 'bob@example.com');
    for (const [secret, code] of [
      ['JBSW Y3DP !', 'secret_invalid_character'],
      ['A', 'secret_invalid_length'],
    ]) {
      await page.fill('#secret', secret);
      await until(() => page.textContent('#preview'), (t) => t === message(`err_${code}`), { what: `preview says ${code}` });
      await page.click('#add-submit');
      await until(() => page.textContent('#form-error'), (t) => t === message(`err_${code}`), { what: `form error ${code}` });
      assert.equal(await page.$$eval('#accounts li.item', (l) => l.length), 0, 'nothing added');
    }
    await page.fill('#secret', '');
    await page.click('#add-submit');
    await until(() => page.textContent('#form-error'), (t) => t === message('err_secret_empty'), { what: 'empty secret error' });

    await page.click('#advanced summary');
    await page.fill('#digits', '8');
    await page.fill('#secret', RFC.seeds.SHA1.toLowerCase());
    const want = RFC.vectors.find((v) => v.time === 1111111111 && v.mode === 'SHA1').totp;
    assert.equal(want, hotp(RFC.seeds.SHA1, Math.floor(1111111111 / 30), { digits: 8 }), 'the vector agrees with node:crypto');
    const preview = await until(() => page.textContent('#preview'), (t) => /^\d{4} \d{4}$/.test(t), { what: 'preview' });
    assert.equal(preview.replace(' ', ''), want);
    await page.click('#add-submit');
    const tiles = await until(readTiles, (t) => t.length === 1, { what: 'the tile' });
    assert.deepEqual([tiles[0].issuer, tiles[0].account, tiles[0].code], ['Typed', 'bob@example.com', want]);
    assert.equal(await page.textContent('#accounts .tile .code'), `${want.slice(0, 4)} ${want.slice(4)}`, 'grouped 4 + 4');
    assert.equal(await page.textContent('#accounts .tile .badge'), 'T', 'a letter badge');
    assert.equal(await page.isVisible('#empty'), false);
  });

  it('adds by pasting an otpauth:// link', async () => {
    await openPopup();
    await page.click('#add-toggle');
    const uri = `otpauth://totp/ACME%20Co:carol%40example.com?secret=${RFC.seeds.SHA256}&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=30`;
    await page.fill('#uri', uri);
    await until(() => page.inputValue('#issuer'), (v) => v === 'ACME Co', { what: 'fields filled from the link' });
    assert.equal(await page.inputValue('#account'), 'carol@example.com');
    assert.equal(await page.inputValue('#algorithm'), 'SHA256');
    assert.equal(await page.inputValue('#digits'), '8');
    await page.click('#add-submit');
    const want = RFC.vectors.find((v) => v.time === 1111111111 && v.mode === 'SHA256').totp;
    const [tile] = await until(readTiles, (t) => t.length === 1, { what: 'the tile' });
    assert.deepEqual([tile.issuer, tile.account, tile.code], ['ACME Co', 'carol@example.com', want]);
    // A link that is not otpauth says so and adds nothing.
    await page.click('#add-toggle');
    await page.fill('#uri', 'https://example.com/?secret=ABC');
    await until(() => page.textContent('#form-error'), (t) => t === message('err_uri_not_otpauth'), { what: 'uri error' });
  });

  it('edits issuer, account and sites', async () => {
    await addAccount({ issuer: 'Old', secret: RFC4226.secret });
    await openPopup();
    await openActions('Old');
    await page.click('#tile-actions [data-action="edit"]');
    await page.fill('#edit-issuer', 'New Bank');
    await page.fill('#edit-account', 'dave');
    await page.fill('#edit-sites', 'bank.example, Login.Bank.Example');
    await page.click('#edit-submit');
    await until(readTiles, (t) => t[0]?.issuer === 'New Bank' && t[0].account === 'dave', { what: 'edited labels' });
    const listed = await send({ type: 'accounts.list' });
    assert.deepEqual(listed.accounts[0].sites, ['bank.example', 'login.bank.example']);
    assert.equal(listed.accounts[0].code, hotp(RFC4226.secret, Math.floor(1111111111 / 30)), 'the secret is unchanged');
    assert.equal(await page.isHidden('#edit-form'), true);
  });

  it('deletes with a confirmation naming the account, and restores from recently deleted', async () => {
    for (const issuer of ['Alpha', 'Beta', 'Gamma']) await addAccount({ issuer, secret: RFC4226.secret.replace('GEZ', issuer === 'Alpha' ? 'GEZ' : issuer === 'Beta' ? 'MFR' : 'ONS') });
    await openPopup();
    await untilIssuers(['Alpha', 'Beta', 'Gamma']);
    const before = await readTiles();
    // Cancel first: nothing happens.
    await openActions('Beta');
    await page.click('#tile-actions [data-action="delete"]');
    assert.equal(await page.textContent('#confirm-text'), message('confirmDelete', ['Beta – alice']));
    await page.click('#confirm-cancel');
    await untilIssuers(['Alpha', 'Beta', 'Gamma']);
    await openActions('Beta');
    await page.click('#tile-actions [data-action="delete"]');
    await page.click('#confirm-ok');
    await untilIssuers(['Alpha', 'Gamma'], 'Beta gone');
    await untilStatus(message('deletedStatus', ['Beta – alice']));
    const listed = await send({ type: 'accounts.list' });
    assert.deepEqual(listed.accounts.map((a) => a.issuer), ['Alpha', 'Gamma']);

    await page.click('#deleted-toggle');
    await until(() => page.$$eval('#deleted-list li .deleted-name', (l) => l.map((x) => x.textContent)), (n) => n.length === 1 && n[0] === 'Beta – alice', { what: 'the deleted account listed' });
    await page.click('#deleted-list .restore');
    await untilIssuers(['Alpha', 'Beta', 'Gamma'], 'Beta restored in its place');
    const restored = (await readTiles()).find((x) => x.issuer === 'Beta');
    assert.equal(restored.code, before.find((x) => x.issuer === 'Beta').code, 'the same secret came back');
    assert.equal(restored.id, before.find((x) => x.issuer === 'Beta').id, 'the same record');
    await until(() => page.isVisible('#deleted-empty'), Boolean, { what: 'recently deleted empty again' });
  });

  it('recently deleted keeps an account 30 days, then it cannot be restored', async () => {
    const id = await addAccount({ issuer: 'Old', secret: RFC4226.secret });
    assert.equal((await send({ type: 'accounts.delete', id })).ok, true);
    await pinClock(PINNED_MS + 30 * 86_400_000 - 1000);
    const stored = () => page.evaluate(() => chrome.storage.local.get('vault.current'));
    const pointer = await stored();
    assert.deepEqual((await send({ type: 'accounts.listDeleted' })).deleted.map((d) => d.issuer), ['Old']);
    assert.deepEqual(await stored(), pointer, 'a look with nothing to purge stores no new vault');
    await pinClock(PINNED_MS + 30 * 86_400_000);
    assert.deepEqual((await send({ type: 'accounts.listDeleted' })).deleted, []);
    assert.notDeepEqual(await stored(), pointer, 'the purge is stored');
    assert.deepEqual(await send({ type: 'accounts.restore', id }), { ok: false, error: { code: 'account_not_found' } });
  });

  it('search: "/" and typing focus the filter on issuer and account', async () => {
    await addAccount({ issuer: 'GitHub', account: 'octo', secret: RFC4226.secret });
    await addAccount({ issuer: 'Bank', account: 'savings', secret: 'MFRGGZDFMZTWQ2LK' });
    await addAccount({ issuer: 'Mail', account: 'octo@mail', secret: 'ONSWG4TFOQ' });
    await openPopup();
    await untilIssuers(['GitHub', 'Bank', 'Mail']);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
    await page.keyboard.type('octo');
    const shown = async () => (await readTiles()).filter((x) => !x.hidden).map((x) => x.issuer);
    await until(shown, (s) => JSON.stringify(s) === '["GitHub","Mail"]', { what: 'issuer or account matches' });
    await page.keyboard.press('Escape');
    await until(shown, (s) => s.length === 3, { what: 'all again' });
    await page.focus('#accounts .tile');
    await page.keyboard.type('ban');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
    assert.equal(await page.inputValue('#search'), 'ban');
    await until(shown, (s) => JSON.stringify(s) === '["Bank"]', { what: 'typing on a tile searches' });
    await page.fill('#search', 'nothing like it');
    await until(() => page.isVisible('#no-results'), Boolean, { what: 'no results note' });
  });

  it('pins to the top, and the pin is kept', async () => {
    for (const [issuer, secret] of [['A1', RFC4226.secret], ['B2', 'MFRGGZDFMZTWQ2LK'], ['C3', 'ONSWG4TFOQ']]) await addAccount({ issuer, secret });
    await openPopup();
    await untilIssuers(['A1', 'B2', 'C3']);
    await openActions('C3');
    assert.equal(await page.textContent('#tile-actions [data-action="pin"]'), message('pin'));
    await page.click('#tile-actions [data-action="pin"]');
    await untilIssuers(['C3', 'A1', 'B2'], 'C3 on top');
    await openPopup();
    const tiles = await untilIssuers(['C3', 'A1', 'B2'], 'still on top after reopening');
    assert.deepEqual((await readTiles()).map((x) => x.pinned), [true, false, false], String(tiles));
    await openActions('C3');
    assert.equal(await page.textContent('#tile-actions [data-action="pin"]'), message('unpin'));
    await page.click('#tile-actions [data-action="pin"]');
    await untilIssuers(['A1', 'B2', 'C3'], 'unpinned back in place');
  });

  it('reorders with Alt+Arrow keys and by dragging; the order is kept; arrows move focus', async () => {
    for (const [issuer, secret] of [['One', RFC4226.secret], ['Two', 'MFRGGZDFMZTWQ2LK'], ['Three', 'ONSWG4TFOQ']]) await addAccount({ issuer, secret });
    await openPopup();
    await untilIssuers(['One', 'Two', 'Three']);
    await page.focus('#accounts li.item:has(.issuer:text-is("One")) .tile');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.querySelector('.issuer')?.textContent), 'Two', 'ArrowDown moves focus');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Alt+ArrowDown');
    await untilIssuers(['Two', 'One', 'Three'], 'One moved down');
    await untilStatus(message('moved', ['2', '3']));
    assert.equal(await page.evaluate(() => document.activeElement.querySelector('.issuer')?.textContent), 'One', 'the moved tile keeps focus');
    await page.keyboard.press('Alt+ArrowDown');
    await untilIssuers(['Two', 'Three', 'One'], 'One at the bottom');
    await page.dragAndDrop('#accounts li.item:has(.issuer:text-is("One"))', '#accounts li.item:has(.issuer:text-is("Two"))', { targetPosition: { x: 20, y: 2 } });
    await untilIssuers(['One', 'Two', 'Three'], 'One dragged to the top');
    await openPopup();
    await untilIssuers(['One', 'Two', 'Three'], 'the order is kept');
    assert.deepEqual((await send({ type: 'accounts.list' })).accounts.map((a) => a.issuer), ['One', 'Two', 'Three']);
    // Sorting by name makes moving meaningless: the popup says so.
    await page.selectOption('#sort', 'name');
    await untilIssuers(['One', 'Three', 'Two'], 'by name');
    await page.focus('#accounts li.item:has(.issuer:text-is("Two")) .tile');
    await page.keyboard.press('Alt+ArrowUp');
    await untilStatus(message('moveNeedsManual'));
    await page.selectOption('#sort', 'manual');
    await untilIssuers(['One', 'Two', 'Three']);
  });

  it('HOTP next code advances and saves the counter (RFC 4226 Appendix D)', async () => {
    await addAccount({ issuer: 'Counter', type: 'hotp', secret: RFC4226.secret, counter: 0 });
    await openPopup();
    let [tile] = await until(readTiles, (t) => t.length === 1, { what: 'the tile' });
    assert.equal(tile.code, RFC4226.codes[0]);
    assert.equal(tile.countdown, message('counterLabel', ['0']));
    await page.click('#accounts .hotp-next');
    [tile] = await until(readTiles, (t) => t[0].code === RFC4226.codes[1], { what: 'counter 1 code' });
    assert.equal(tile.countdown, message('counterLabel', ['1']));
    await untilStatus(message('counterAdvanced', ['1']));
    await page.click('#accounts .hotp-next');
    await until(readTiles, (t) => t[0].code === RFC4226.codes[2], { what: 'counter 2 code' });
    await openPopup();
    [tile] = await until(readTiles, (t) => t.length === 1, { what: 'the tile after reopening' });
    assert.equal(tile.code, RFC4226.codes[2], 'the counter was saved');
    assert.equal(hotp(RFC4226.secret, 2), RFC4226.codes[2]);
  });

  it('copies on click and Enter, and hides codes until hovered or focused', async () => {
    await addAccount({ issuer: 'Copy', secret: RFC.seeds.SHA1, digits: 8 });
    await addAccount({ issuer: 'Other', secret: 'MFRGGZDFMZTWQ2LK' });
    await page.evaluate(() => chrome.storage.local.set({ 'settings.hideCodes': true }));
    await openPopup();
    await until(readTiles, (t) => t.length === 2, { what: 'tiles' });
    await page.evaluate(() => {
      window.copiedTexts = [];
      navigator.clipboard.writeText = async (text) => {
        window.copiedTexts.push(text);
      };
    });
    const visibility = (issuer) =>
      page.$eval(`#accounts li.item:has(.issuer:text-is("${issuer}")) .code`, (el) => getComputedStyle(el).visibility);
    await page.mouse.move(0, 0);
    assert.equal(await visibility('Copy'), 'hidden', 'masked');
    assert.equal(await visibility('Other'), 'hidden', 'masked');
    const want = RFC.vectors.find((v) => v.time === 1111111111 && v.mode === 'SHA1').totp;
    const spoken = await page.locator('#accounts li.item:has(.issuer:text-is("Copy")) .tile').ariaSnapshot();
    assert.match(spoken, /Copy/, `the accessible name: ${spoken}`);
    assert.equal(spoken.replace(/ /g, '').includes(want), false, `a hidden code is not spoken: ${spoken}`);
    await page.focus('#accounts li.item:has(.issuer:text-is("Copy")) .tile');
    assert.equal(await visibility('Copy'), 'visible', 'shown while focused');
    const focused = await page.locator('#accounts li.item:has(.issuer:text-is("Copy")) .tile').ariaSnapshot();
    assert.equal(focused.replace(/ /g, '').includes(want), true, `a shown code is spoken: ${focused}`);
    assert.equal(await visibility('Other'), 'hidden');
    await page.keyboard.press('Enter');
    await untilStatus(message('copied'));
    await page.hover('#accounts li.item:has(.issuer:text-is("Other")) .tile');
    assert.equal(await visibility('Other'), 'visible', 'shown while hovered');
    await page.click('#accounts li.item:has(.issuer:text-is("Other")) .tile');
    await until(() => page.evaluate(() => window.copiedTexts.length), (n) => n === 2, { what: 'two copies' });
    assert.deepEqual(await page.evaluate(() => window.copiedTexts), [want, hotp('MFRGGZDFMZTWQ2LK', Math.floor(1111111111 / 30))]);
    // The copies are remembered for "last used first".
    await until(
      () => page.evaluate(async () => Object.keys((await chrome.storage.local.get('accounts.lastUsed'))['accounts.lastUsed'] ?? {}).length),
      (n) => n === 2,
      { what: 'both copies remembered' },
    );
    await page.selectOption('#sort', 'recent');
    await untilIssuers(['Other', 'Copy'], 'last used first');
    await page.evaluate(() => chrome.storage.local.set({ 'settings.hideCodes': false }));
    await page.mouse.move(0, 0);
    await until(() => visibility('Copy'), (v) => v === 'visible', { what: 'codes shown again' });
  });

  it('details: the secret and a QR code after a confirmation (no password) or the password', async () => {
    await addAccount({ issuer: 'Reveal', secret: RFC4226.secret });
    await openPopup();
    await until(readTiles, (t) => t.length === 1, { what: 'the tile' });
    assert.deepEqual(await send({ type: 'accounts.reveal', id: (await readTiles())[0].id }), { ok: false, error: { code: 'confirmation_required' } });
    await openActions('Reveal');
    await page.click('#tile-actions [data-action="details"]');
    assert.equal(await page.textContent('#details-prompt'), message('detailsConfirmPrompt'));
    assert.equal(await page.isVisible('#details-password'), false);
    await page.click('#details-show');
    const shown = await until(() => page.textContent('#details-secret'), (t) => t !== '', { what: 'the secret' });
    assert.equal(shown.replace(/ /g, ''), RFC4226.secret);
    const inked = await page.$eval('#details-qr', (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark += 1;
      return { dark, size: c.width };
    });
    assert.ok(inked.size > 0 && inked.dark > 0, 'a QR code was drawn');
    const attributes = await page.evaluate(() => [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.value)).join(' '));
    assert.equal(attributes.includes(RFC4226.secret), false, 'no secret in any attribute');
    await page.click('#details-close');
    assert.equal(await page.textContent('#details-secret'), '', 'forgotten on close');

    // With a password: the wrong one is refused, the right one shows the secret.
    assert.equal((await send({ type: 'vault.setPassword', password: PASSWORD })).ok, true);
    await openPopup();
    await until(readTiles, (t) => t.length === 1, { what: 'the tile' });
    await openActions('Reveal');
    await page.click('#tile-actions [data-action="details"]');
    assert.equal(await page.textContent('#details-prompt'), message('detailsPasswordPrompt'));
    await page.fill('#details-password', 'wrong');
    await page.click('#details-show');
    await until(() => page.textContent('#details-error'), (t) => t === message('err_vault_decrypt'), { what: 'wrong password' });
    assert.equal(await page.textContent('#details-secret'), '');
    await page.fill('#details-password', PASSWORD);
    await page.click('#details-show');
    await until(() => page.textContent('#details-secret'), (t) => t.replace(/ /g, '') === RFC4226.secret, { what: 'the secret after the password' });
    await page.keyboard.press('Escape');
    assert.equal(await page.textContent('#details-secret'), '');
  });

  it('locks with the button and unlocks with the password; a banner while no password is set', async () => {
    await addAccount({ issuer: 'Locked', secret: RFC4226.secret });
    await openPopup();
    await until(readTiles, (t) => t.length === 1, { what: 'the tile' });
    assert.equal(await page.isVisible('#no-password'), true, 'the banner');
    assert.equal(await page.isVisible('#lock-button'), false);
    assert.equal((await send({ type: 'vault.setPassword', password: PASSWORD })).ok, true);
    await openPopup();
    assert.equal(await page.isVisible('#no-password'), false);
    await page.click('#lock-button');
    await page.waitForSelector('#unlock-form', { state: 'visible' });
    assert.equal(await page.$$eval('#accounts li.item', (l) => l.length), 0, 'no tile while locked');
    await page.fill('#unlock-password', 'not it');
    await page.click('#unlock-submit');
    await until(() => page.textContent('#unlock-error'), (t) => t === message('err_vault_decrypt'), { what: 'wrong password' });
    await page.fill('#unlock-password', PASSWORD);
    await page.click('#unlock-submit');
    const [tile] = await until(readTiles, (t) => t.length === 1, { what: 'the tile after unlocking' });
    assert.equal(tile.code, hotp(RFC4226.secret, Math.floor(1111111111 / 30)));
  });

  it('shows Steam Guard codes as their five characters (a code captured from the Steam app)', async () => {
    // KeePassXC tests/TestTotp.cpp testSteamTotp: captured from the real Steam mobile app.
    const vector = { secret: '63BEDWCQZKTQWPESARIERL5DTTQFCJTK', time: 1511200518, code: 'FR8RV' };
    await pinClock(vector.time * 1000);
    await openPopup();
    await page.click('#add-toggle');
    await page.click('#advanced summary');
    await page.selectOption('#type', 'steam');
    await page.fill('#issuer', 'Steam');
    await page.fill('#secret', vector.secret);
    await until(() => page.textContent('#preview'), (t) => t === vector.code, { what: 'the Steam preview' });
    await page.click('#add-submit');
    await until(() => page.textContent('#accounts .tile .code').catch(() => ''), (t) => t === vector.code, { what: 'five characters, not grouped' });
  });

  it('"Scan QR code" turns the popup into the scanner for the popup\'s tab; the theme setting applies', async () => {
    await openPopup('?tab=77');
    await Promise.all([page.waitForURL(`chrome-extension://${extensionId}/extension/scan/scan.html?tab=77`), page.click('#scan-button')]);
    await openPopup();
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.evaluate(() => chrome.storage.local.set({ 'settings.theme': 'dark' }));
    await until(background, (c) => c === 'rgb(21, 25, 29)', { what: 'the dark background' });
    await page.evaluate(() => chrome.storage.local.set({ 'settings.theme': 'light' }));
    await until(background, (c) => c === 'rgb(255, 255, 255)', { what: 'the light background' });
  });

  it('axe-core: no violations with the actions, the edit form, recently deleted and the details open, light and dark', async () => {
    const axe = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    const violations = async () => {
      await page.evaluate(axe);
      return page.evaluate(() =>
        window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
          r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`)),
        ),
      );
    };
    await addAccount({ issuer: 'Keep', secret: RFC4226.secret });
    await addAccount({ issuer: 'Counter', type: 'hotp', secret: 'MFRGGZDFMZTWQ2LK' });
    const gone = await addAccount({ issuer: 'Gone', secret: 'ONSWG4TFOQ' });
    await send({ type: 'accounts.delete', id: gone });
    for (const theme of ['light', 'dark']) {
      await page.evaluate((th) => chrome.storage.local.set({ 'settings.theme': th }), theme);
      await openPopup();
      await until(readTiles, (t) => t.length === 2, { what: 'tiles' });
      await openActions('Keep');
      assert.deepEqual(await violations(), [], `${theme}: actions open`);
      await page.click('#tile-actions [data-action="edit"]');
      assert.deepEqual(await violations(), [], `${theme}: edit form open`);
      await page.click('#edit-cancel');
      await page.click('#deleted-toggle');
      await until(() => page.$$eval('#deleted-list li', (l) => l.length), (n) => n === 1, { what: 'the deleted account' });
      assert.deepEqual(await violations(), [], `${theme}: recently deleted open`);
      await openActions('Keep');
      await page.click('#tile-actions [data-action="details"]');
      await page.click('#details-show');
      await until(() => page.textContent('#details-secret'), (t) => t !== '', { what: 'the secret' });
      assert.deepEqual(await violations(), [], `${theme}: details shown`);
      await page.click('#details-close');
    }
  });

  it('marks the first paint of codes for the benchmark', async () => {
    await addAccount({ issuer: 'Mark', secret: RFC4226.secret });
    await openPopup();
    const marks = await until(() => page.evaluate(() => performance.getEntriesByName('tessera:codes-painted').length), (n) => n === 1, { what: 'the mark' });
    assert.equal(marks, 1);
  });
  // Last: Playwright's fake clock stays installed in the context for the tests after it.
  it('clears the clipboard 30 s after a copy when the setting is on (and only its own code)', async () => {
    await addAccount({ issuer: 'Clear', secret: RFC4226.secret });
    await page.evaluate(() => chrome.storage.local.set({ 'settings.clearClipboard': true }));
    await page.clock.install();
    await openPopup();
    await until(readTiles, (t) => t.length === 1, { what: 'the tile' });
    await page.evaluate(() => {
      window.clipboardText = 'before';
      navigator.clipboard.writeText = async (text) => {
        window.clipboardText = text;
      };
      navigator.clipboard.readText = async () => window.clipboardText;
    });
    await page.click('#accounts .tile');
    const code = hotp(RFC4226.secret, Math.floor(1111111111 / 30));
    await until(() => page.evaluate(() => window.clipboardText), (t) => t === code, { what: 'the copy' });
    await page.clock.runFor(29_000);
    assert.equal(await page.evaluate(() => window.clipboardText), code, 'still there after 29 s');
    await page.clock.runFor(1_500);
    await until(() => page.evaluate(() => window.clipboardText), (t) => t === '', { what: 'cleared after 30 s' });
    await untilStatus(message('clipboardCleared'));
    // Something else copied meanwhile is left alone.
    await page.click('#accounts .tile');
    await until(() => page.evaluate(() => window.clipboardText), (t) => t === code, { what: 'the second copy' });
    await page.evaluate(() => {
      window.clipboardText = 'mine';
    });
    await page.clock.runFor(31_000);
    assert.equal(await page.evaluate(() => window.clipboardText), 'mine');
  });
});
