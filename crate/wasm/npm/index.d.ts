// Types of @tessera-auth/otp (hand-written: wasm-bindgen types every object as `any`).
// Times are unix milliseconds, as Date.now() gives them. Every function throws a TesseraError.

/** HMAC algorithm; any letter case is accepted. */
export type Algorithm = 'SHA1' | 'SHA256' | 'SHA512' | 'sha1' | 'sha256' | 'sha512';

/** Kind of one-time code. */
export type OtpType = 'totp' | 'hotp' | 'steam';

/** An account as parseUri and decodeMigration return it (secret in canonical base32). */
export interface Account {
  type: OtpType;
  /** Empty when unknown. */
  issuer: string;
  /** Account name; may be empty. */
  account: string;
  /** Base32, upper case, no padding. */
  secret: string;
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  /** 1–10 (Steam: 5). */
  digits: number;
  /** TOTP period in seconds (Steam: 30). */
  period: number;
  /** HOTP counter. */
  counter: number;
}

/** An account for toUri: only the secret is required. */
export interface AccountInput {
  /** Base32, read leniently (any case, spaces, hyphens, padding). */
  secret: string;
  /** Default 'totp'. */
  type?: OtpType;
  /** Default ''. */
  issuer?: string;
  /** Default ''. */
  account?: string;
  /** Default 'SHA1'. */
  algorithm?: Algorithm;
  /** Default 6 (Steam: 5). */
  digits?: number;
  /** Default 30. */
  period?: number;
  /** Default 0. */
  counter?: number;
}

export interface TotpOptions {
  /** The time to compute the code for, in unix milliseconds. Default: Date.now(). */
  unixMs?: number;
  /** Default 'SHA1'. */
  algorithm?: Algorithm;
  /** 1–10; default 6. */
  digits?: number;
  /** Seconds, 1–86,400; default 30. */
  period?: number;
}

export interface HotpOptions {
  /** Default 'SHA1'. */
  algorithm?: Algorithm;
  /** 1–10; default 6. */
  digits?: number;
}

export interface SteamOptions {
  /** Default: Date.now(). */
  unixMs?: number;
}

export interface VerifyOptions {
  /** Default: Date.now(). */
  unixMs?: number;
  /** Steps accepted either side of now (HOTP: ahead of the counter), 0–1,000; default 1. */
  window?: number;
}

/** A code and when it is valid (times in unix milliseconds; null for HOTP). */
export interface Code {
  code: string;
  /** The TOTP step or HOTP counter. */
  counter: number;
  validFrom: number | null;
  /** Exclusive. */
  validUntil: number | null;
}

export interface Skipped {
  index: number;
  issuer: string;
  account: string;
  /** Stable reason code. */
  reason: string;
}

export interface Decoded {
  accounts: Account[];
  skipped: Skipped[];
  version: number;
  batchSize: number;
  batchIndex: number;
  batchId: number;
}

/**
 * What every function throws: an Error with name 'TesseraError' and a stable `code` such as
 * 'secret_invalid_character', 'options_invalid' or 'uri_not_otpauth'. Messages never contain the secret.
 */
export interface TesseraError extends Error {
  name: 'TesseraError';
  code: string;
}

/** The TOTP code of a base32 secret (RFC 6238), by default now, SHA1, 6 digits, 30 s. */
export function totp(secret: string, options?: TotpOptions): string;

/** The HOTP code of a base32 secret at a counter (RFC 4226), 0 ≤ counter ≤ 2^53 − 1. */
export function hotp(secret: string, counter: number, options?: HotpOptions): string;

/** The Steam Guard code of a base32 secret, by default now. */
export function steam(secret: string, options?: SteamOptions): string;

/**
 * Checks a code against an otpauth:// or steam:// URI, or a bare base32 secret (TOTP, defaults).
 * Returns the matching step offset (0 the current step, -1 the previous, +1 the next), or null.
 */
export function verify(uriOrSecret: string, code: string, options?: VerifyOptions): number | null;

/** A new random secret, canonical base32; `bytes` 16–1,024, default 20 (160 bits). */
export function newSecret(bytes?: number): string;

/** The canonical otpauth:// URI of an account (parameters that are defaults are left out). */
export function toUri(account: AccountInput): string;

/** Parses an otpauth:// (or steam://) URI leniently. */
export function parseUri(uri: string): Account;

/** Like toUri, but every field of the account is required (the browser extension's form). */
export function writeUri(account: Account): string;

/** The code of an account at a time (TOTP, Steam) or at its counter (HOTP). */
export function codeAt(account: Account, unixMs: number): Code;

/** The code `offset` steps from the one at `unixMs` (-1 previous, +1 next). */
export function codeAtOffset(account: Account, unixMs: number, offset: number): Code;

/** Decodes one otpauth-migration://offline?data=… URI (Google Authenticator's export). */
export function decodeMigration(uri: string): Decoded;

/** Validates base32 secret text and returns its canonical form. */
export function normalizeSecret(text: string): string;
