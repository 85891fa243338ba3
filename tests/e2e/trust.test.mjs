// Message trust tiers (extension/lib/trust.js) with senders shaped as Chrome and Firefox report them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOwnPage } from '../../extension/lib/trust.js';

const ID = 'hghhkmfeeckpieilacjfbcebamemebda';
const ORIGIN = `chrome-extension://${ID}/`;
const FF_ID = 'tessera@tessera-auth.org';
const FF_ORIGIN = 'moz-extension://11111111-2222-4333-8444-555555555555/';

describe('isOwnPage', () => {
  it('accepts our popup and options pages, also when opened in a tab', () => {
    assert.equal(isOwnPage({ id: ID, url: `${ORIGIN}extension/popup/popup.html` }, ID, ORIGIN), true);
    assert.equal(isOwnPage({ id: ID, url: `${ORIGIN}extension/options/options.html`, tab: { id: 7 } }, ID, ORIGIN), true);
    assert.equal(isOwnPage({ id: FF_ID, url: `${FF_ORIGIN}extension/popup/popup.html` }, FF_ID, FF_ORIGIN), true);
  });

  it('rejects our own content scripts, other extensions and look-alike URLs', () => {
    const cases = [
      { id: ID, url: 'https://example.com/login', tab: { id: 3 }, frameId: 0 }, // content script
      { id: ID, tab: { id: 3 } }, // no URL
      { id: 'otherextensionidaaaaaaaaaaaaaaaa', url: 'chrome-extension://otherextensionidaaaaaaaaaaaaaaaa/x.html' },
      { id: 'otherextensionidaaaaaaaaaaaaaaaa', url: `${ORIGIN}extension/popup/popup.html` },
      { id: ID, url: `chrome-extension://${ID}.evil.example/` }, // prefix without the slash
      { id: ID, url: `https://evil.example/?${ORIGIN}` },
      null,
    ];
    for (const sender of cases) assert.equal(isOwnPage(sender, ID, ORIGIN), false, JSON.stringify(sender));
    assert.equal(isOwnPage({ id: ID, url: `${ORIGIN}x` }, ID, `chrome-extension://${ID}`), false, 'origin without slash');
  });
});
