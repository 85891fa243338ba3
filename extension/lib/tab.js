// The tab a popup acts on (filling codes, the autofill issue).
//
// Normally the active tab of the popup's window. In test builds a test opens the popup as a tab of
// its own, which is then the active tab itself, so the popup accepts `?tab=<id>` naming the tab.
import { TEST_BUILD } from '../build-flags.js';
import { api } from '../compat.js';

export async function targetTabId(search = location.search) {
  if (TEST_BUILD) {
    const named = new URLSearchParams(search).get('tab');
    if (named !== null && /^\d+$/.test(named)) return Number(named);
  }
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}
