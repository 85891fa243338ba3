// Who may send which message (STYLE 12). Pure functions: no extension API, so node tests can call them.

/**
 * True when a message comes from one of our own pages (popup, options; also when opened in a tab).
 * False for content scripts (their `url` is the web page's, and `tab` is set), other extensions
 * (another `id`) and anything without a URL. Vault, import and export messages need this.
 */
export function isOwnPage(sender, ownId, ownOrigin) {
  return (
    sender !== null &&
    typeof sender === 'object' &&
    sender.id === ownId &&
    typeof ownOrigin === 'string' &&
    ownOrigin.endsWith('/') &&
    typeof sender.url === 'string' &&
    sender.url.startsWith(ownOrigin)
  );
}
