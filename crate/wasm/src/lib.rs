//! WebAssembly bindings: conversions only, all logic lives in tessera-core.
//!
//! Every export converts its arguments (plain JS objects through serde, milliseconds to seconds),
//! calls the core and converts the answer back. Errors reach JavaScript as real `Error` objects
//! with `name` = `"TesseraError"`, `code` = the core error's stable `code()` string and `message` =
//! its `Display` text; none of them contains a secret.
//!
//! Account objects look like `{type, issuer, account, secret, algorithm, digits, period, counter}`:
//! `type` is `totp`, `hotp` or `steam`, `algorithm` is `SHA1`, `SHA256` or `SHA512` (any case),
//! `secret` is base32 (read leniently, written canonically).
//!
//! The exports for test suites and servers (`totp`, `hotp`, `steam`, `verify`, `newSecret`, `toUri`)
//! take a secret or URI plus an optional options object; an absent `unixMs` is `Date.now()`, every
//! other absent option is the core's default, and an unknown option is an error (a typo such as
//! `unixMS` must not silently give the code for now).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tessera_core::migration::{self, Skipped};
use tessera_core::otp::{self, Code};
use tessera_core::secret::DEFAULT_GENERATED_BYTES;
use tessera_core::{uri, Account, Algorithm, OtpType, Secret};
use wasm_bindgen::prelude::*;
mod export;
mod import;
mod qr_encode;
mod sync;
pub mod vault;

/// Why a value handed over from JavaScript could not be converted. These are the binding's own
/// errors: a wrong shape or an unknown name, never a judgement about the account itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BindError {
    /// The value is not an account object with the expected fields and types.
    InvalidAccount,
    /// `type` is not `totp`, `hotp` or `steam`.
    InvalidType,
    /// `algorithm` is not `SHA1`, `SHA256` or `SHA512`.
    InvalidAlgorithm,
    /// The time is not a finite, non-negative number of milliseconds.
    InvalidTime,
    /// A number in the answer (an HOTP counter above 2^53) has no exact JavaScript number.
    Unrepresentable,
    /// The options argument is not an object of the documented options with the documented types.
    InvalidOptions,
    /// An HOTP counter is not a whole number from 0 to 2^53 − 1.
    InvalidCounter,
    /// A secret length is not a whole number of bytes.
    InvalidLength,
    /// The platform's random number generator (`crypto.getRandomValues`) is missing or failed.
    RandomUnavailable,
}

impl BindError {
    /// Stable code, usable as a message name.
    pub fn code(&self) -> &'static str {
        match self {
            BindError::InvalidAccount => "account_invalid",
            BindError::InvalidType => "account_invalid_type",
            BindError::InvalidAlgorithm => "account_invalid_algorithm",
            BindError::InvalidTime => "time_invalid",
            BindError::Unrepresentable => "value_unrepresentable",
            BindError::InvalidOptions => "options_invalid",
            BindError::InvalidCounter => "counter_invalid",
            BindError::InvalidLength => "length_invalid",
            BindError::RandomUnavailable => "random_unavailable",
        }
    }
}

impl core::fmt::Display for BindError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            BindError::InvalidAccount => "not an account object",
            BindError::InvalidType => "the type must be totp, hotp or steam",
            BindError::InvalidAlgorithm => "the algorithm must be SHA1, SHA256 or SHA512",
            BindError::InvalidTime => "the time must be a non-negative number of milliseconds",
            BindError::Unrepresentable => "a number is too large for JavaScript",
            BindError::InvalidOptions => "the options are not an object of known options",
            BindError::InvalidCounter => {
                "the counter must be a whole number from 0 to 9007199254740991"
            }
            BindError::InvalidLength => "the length must be a whole number of bytes",
            BindError::RandomUnavailable => {
                "no random number generator (crypto.getRandomValues) is available"
            }
        })
    }
}

/// Any error that crosses into JavaScript: a stable code and a message without secrets.
pub trait Coded: core::fmt::Display {
    /// Stable code, usable as a message name.
    fn code(&self) -> &'static str;
}

macro_rules! coded {
    ($($t:ty),*) => {$(
        impl Coded for $t {
            fn code(&self) -> &'static str {
                <$t>::code(self)
            }
        }
    )*};
}
coded!(
    BindError,
    tessera_core::SecretError,
    tessera_core::OtpError,
    tessera_core::uri::UriError,
    tessera_core::migration::MigrationError,
    tessera_core::qr_encode::QrEncodeError
);

/// Why an [`AccountJs`] is not an [`Account`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvertError {
    /// A shape or name error.
    Bind(BindError),
    /// The secret was rejected by the core.
    Secret(tessera_core::SecretError),
}

impl core::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ConvertError::Bind(e) => e.fmt(f),
            ConvertError::Secret(e) => e.fmt(f),
        }
    }
}

impl Coded for ConvertError {
    fn code(&self) -> &'static str {
        match self {
            ConvertError::Bind(e) => e.code(),
            ConvertError::Secret(e) => e.code(),
        }
    }
}

/// The JavaScript `Error` for a core error: `name` "TesseraError", `code`, `message`.
pub(crate) fn js_error(e: &impl Coded) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    error.set_name("TesseraError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(
        &error,
        &JsValue::from_str("code"),
        &JsValue::from_str(e.code()),
    );
    error.into()
}

/// An account as JavaScript sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountJs {
    /// `totp`, `hotp` or `steam`.
    #[serde(rename = "type")]
    pub otp_type: String,
    /// Issuer; empty when unknown.
    pub issuer: String,
    /// Account name.
    pub account: String,
    /// Base32 secret.
    pub secret: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    /// Number of digits.
    pub digits: u8,
    /// TOTP period in seconds.
    pub period: u32,
    /// HOTP counter.
    pub counter: u64,
}

impl AccountJs {
    /// The JS view of a core account; the secret in canonical base32.
    pub fn from_account(a: &Account) -> AccountJs {
        AccountJs {
            otp_type: a.otp_type.name().to_owned(),
            issuer: a.issuer.clone(),
            account: a.name.clone(),
            secret: a.secret.to_base32(),
            algorithm: a.algorithm.name().to_owned(),
            digits: a.digits,
            period: a.period,
            counter: a.counter,
        }
    }

    /// The core account; digits and period are checked by the core when a code is computed.
    pub fn to_account(&self) -> Result<Account, ConvertError> {
        let otp_type =
            OtpType::from_name(&self.otp_type).ok_or(ConvertError::Bind(BindError::InvalidType))?;
        let algorithm = Algorithm::from_name(&self.algorithm)
            .ok_or(ConvertError::Bind(BindError::InvalidAlgorithm))?;
        let secret = Secret::from_base32(&self.secret).map_err(ConvertError::Secret)?;
        Ok(Account {
            otp_type,
            issuer: self.issuer.clone(),
            name: self.account.clone(),
            secret,
            algorithm,
            digits: self.digits,
            period: self.period,
            counter: self.counter,
        })
    }
}

/// A code as JavaScript sees it; times in milliseconds (`null` for HOTP).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeJs {
    /// The code.
    pub code: String,
    /// The TOTP step or HOTP counter the code is for.
    pub counter: u64,
    /// Start of validity, unix milliseconds.
    pub valid_from: Option<f64>,
    /// End of validity (exclusive), unix milliseconds.
    pub valid_until: Option<f64>,
}

impl From<Code> for CodeJs {
    fn from(c: Code) -> CodeJs {
        // f64 holds every millisecond time up to year 287,396 exactly.
        let ms = |s: u64| s as f64 * 1000.0;
        CodeJs {
            code: c.code,
            counter: c.counter,
            valid_from: c.valid_from.map(ms),
            valid_until: c.valid_until.map(ms),
        }
    }
}

/// A skipped migration entry as JavaScript sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedJs {
    /// Position in the payload.
    pub index: usize,
    /// Issuer, as far as known.
    pub issuer: String,
    /// Account name, as far as known.
    pub account: String,
    /// Stable reason code.
    pub reason: &'static str,
}

impl From<&Skipped> for SkippedJs {
    fn from(s: &Skipped) -> SkippedJs {
        SkippedJs {
            index: s.index,
            issuer: s.issuer.clone(),
            account: s.name.clone(),
            reason: s.reason,
        }
    }
}

/// What `encodeMigration` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodedJs {
    /// The URIs, one QR code each, in batch order.
    pub uris: Vec<String>,
    /// Accounts Google Authenticator cannot hold, with reasons.
    pub left_out: Vec<SkippedJs>,
}

/// A decoded migration payload as JavaScript sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedJs {
    /// Accounts read.
    pub accounts: Vec<AccountJs>,
    /// Entries skipped, with reasons.
    pub skipped: Vec<SkippedJs>,
    /// Payload version.
    pub version: i32,
    /// URIs in the batch.
    pub batch_size: i32,
    /// Position of this URI in the batch.
    pub batch_index: i32,
    /// Batch id.
    pub batch_id: i32,
}

/// Unix milliseconds from JavaScript to unix seconds for the core (rounded down).
pub fn ms_to_secs(unix_ms: f64) -> Result<u64, BindError> {
    if unix_ms.is_finite() && unix_ms >= 0.0 && unix_ms < u64::MAX as f64 {
        Ok((unix_ms / 1000.0).floor() as u64)
    } else {
        Err(BindError::InvalidTime)
    }
}

/// JavaScript's `Number.MAX_SAFE_INTEGER` (2^53 − 1): the largest whole number a JS number holds
/// exactly, with every smaller one.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A whole JavaScript number from 0 to `Number.MAX_SAFE_INTEGER`, exactly.
pub fn whole_number(value: f64) -> Option<u64> {
    (value.is_finite() && value.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER as f64).contains(&value))
        .then_some(value as u64)
}

/// An absent time is now (`Date.now()`); either way converted to unix seconds.
fn secs_or_now(unix_ms: Option<f64>) -> Result<u64, JsValue> {
    ms_to_secs(unix_ms.unwrap_or_else(js_sys::Date::now)).map_err(|e| js_error(&e))
}

/// An absent algorithm is the core's default (SHA1).
fn algorithm_or_default(name: Option<&str>) -> Result<Algorithm, JsValue> {
    name.map_or(Ok(Algorithm::default()), |n| {
        Algorithm::from_name(n).ok_or_else(|| js_error(&BindError::InvalidAlgorithm))
    })
}

fn secret_from_js(text: &str) -> Result<Secret, JsValue> {
    Secret::from_base32(text).map_err(|e| js_error(&e))
}

/// A struct read from a JS object whose property names must all be known.
pub trait Named: DeserializeOwned {
    /// The JS property names, as serde renames them.
    const FIELDS: &'static [&'static str];
}

/// Reads an object of known properties. serde-wasm-bindgen looks up a struct's own fields only, so
/// `deny_unknown_fields` never fires; the names are checked here (a typo such as `unixMS` would
/// otherwise silently mean "now").
fn from_js_object<T: Named>(value: JsValue, error: BindError) -> Result<T, JsValue> {
    if !value.is_object() {
        return Err(js_error(&error));
    }
    let object: &js_sys::Object = value.unchecked_ref();
    let known = js_sys::Object::keys(object).iter().all(|key| {
        key.as_string()
            .is_some_and(|k| T::FIELDS.contains(&k.as_str()))
    });
    if !known {
        return Err(js_error(&error));
    }
    serde_wasm_bindgen::from_value(value).map_err(|_| js_error(&error))
}

/// An options object; `undefined` and `null` are no options.
fn options_from_js<T: Named + Default>(value: JsValue) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    from_js_object(value, BindError::InvalidOptions)
}

macro_rules! named {
    ($($t:ty => [$($field:literal),*]),* $(,)?) => {$(
        impl Named for $t {
            const FIELDS: &'static [&'static str] = &[$($field),*];
        }
    )*};
}
named!(
    TotpOptions => ["unixMs", "algorithm", "digits", "period"],
    HotpOptions => ["algorithm", "digits"],
    SteamOptions => ["unixMs"],
    VerifyOptions => ["unixMs", "window"],
    AccountInput => ["type", "issuer", "account", "secret", "algorithm", "digits", "period", "counter"],
);

/// Options of `totp`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TotpOptions {
    /// Time in unix milliseconds; default now.
    pub unix_ms: Option<f64>,
    /// `SHA1` (default), `SHA256` or `SHA512`.
    pub algorithm: Option<String>,
    /// Number of digits; default 6.
    pub digits: Option<u8>,
    /// Period in seconds; default 30.
    pub period: Option<u32>,
}

/// Options of `hotp`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotpOptions {
    /// `SHA1` (default), `SHA256` or `SHA512`.
    pub algorithm: Option<String>,
    /// Number of digits; default 6.
    pub digits: Option<u8>,
}

/// Options of `steam`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SteamOptions {
    /// Time in unix milliseconds; default now.
    pub unix_ms: Option<f64>,
}

/// Options of `verify`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VerifyOptions {
    /// Time in unix milliseconds; default now.
    pub unix_ms: Option<f64>,
    /// Steps accepted either side (HOTP: ahead); default [`otp::DEFAULT_WINDOW`].
    pub window: Option<u32>,
}

/// The account `toUri` takes: like [`AccountJs`], but only `secret` is required; the others
/// default as in [`Account::with_type`] (type `totp`, empty labels).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    /// `totp` (default), `hotp` or `steam`.
    #[serde(rename = "type")]
    pub otp_type: Option<String>,
    /// Issuer.
    pub issuer: Option<String>,
    /// Account name.
    pub account: Option<String>,
    /// Base32 secret.
    pub secret: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: Option<String>,
    /// Number of digits.
    pub digits: Option<u8>,
    /// TOTP period in seconds.
    pub period: Option<u32>,
    /// HOTP counter.
    pub counter: Option<u64>,
}

/// A plain JS object (no Maps, no BigInts). Our structs hold strings and numbers only, so the one
/// failure is a `u64` above `Number.MAX_SAFE_INTEGER`.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|_| js_error(&BindError::Unrepresentable))
}

/// The same plain object as [`to_js`], for large answers (the popup's 500 accounts): one JSON text
/// and one `JSON.parse` instead of a call into JavaScript per field (measured under node: `list`
/// of 500 accounts 6.0 ms with `to_js`, 4.2 ms with this). The caller checks that every `u64` in
/// `value` passes [`exact_in_js`] (`JSON.parse` would round a larger one silently).
fn to_js_via_json<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|_| js_error(&BindError::Unrepresentable))?;
    js_sys::JSON::parse(&text).map_err(|_| js_error(&BindError::Unrepresentable))
}

/// Whether `n` is a JavaScript number exactly.
fn exact_in_js(n: u64) -> bool {
    n <= MAX_SAFE_INTEGER
}

fn account_from_js(value: JsValue) -> Result<Account, JsValue> {
    let js: AccountJs =
        serde_wasm_bindgen::from_value(value).map_err(|_| js_error(&BindError::InvalidAccount))?;
    js.to_account().map_err(|e| js_error(&e))
}

/// Parses an `otpauth://` or `steam://` URI into an account object.
#[wasm_bindgen(js_name = parseUri)]
pub fn parse_uri(uri: &str) -> Result<JsValue, JsValue> {
    let account = uri::parse(uri).map_err(|e| js_error(&e))?;
    to_js(&AccountJs::from_account(&account))
}

/// The canonical URI of an account object.
#[wasm_bindgen(js_name = writeUri)]
pub fn write_uri(account: JsValue) -> Result<String, JsValue> {
    Ok(uri::write(&account_from_js(account)?))
}

/// The code at `unix_ms` (TOTP, Steam) or at the stored counter (HOTP):
/// `{code, counter, validFrom, validUntil}`, times in milliseconds.
#[wasm_bindgen(js_name = codeAt)]
pub fn code_at(account: JsValue, unix_ms: f64) -> Result<JsValue, JsValue> {
    code_at_offset(account, unix_ms, 0)
}

/// The code `offset` steps from the one at `unix_ms` (−1 previous, +1 next).
#[wasm_bindgen(js_name = codeAtOffset)]
pub fn code_at_offset(account: JsValue, unix_ms: f64, offset: i32) -> Result<JsValue, JsValue> {
    let account = account_from_js(account)?;
    let secs = ms_to_secs(unix_ms).map_err(|e| js_error(&e))?;
    let code = account
        .code_at_offset(secs, i64::from(offset))
        .map_err(|e| js_error(&e))?;
    to_js(&CodeJs::from(code))
}

/// The canonical URI of an account object in which only `secret` is required (an object from
/// `parseUri` works as it is).
#[wasm_bindgen(js_name = toUri)]
pub fn to_uri(account: JsValue) -> Result<String, JsValue> {
    let input: AccountInput = from_js_object(account, BindError::InvalidAccount)?;
    let otp_type = match input.otp_type.as_deref() {
        None => OtpType::default(),
        Some(name) => OtpType::from_name(name).ok_or_else(|| js_error(&BindError::InvalidType))?,
    };
    let mut a = Account::with_type(
        otp_type,
        input.issuer.as_deref().unwrap_or_default(),
        input.account.as_deref().unwrap_or_default(),
        secret_from_js(&input.secret)?,
    );
    a.algorithm = algorithm_or_default(input.algorithm.as_deref())?;
    a.digits = input.digits.unwrap_or(a.digits);
    a.period = input.period.unwrap_or(a.period);
    a.counter = input.counter.unwrap_or(a.counter);
    a.validate().map_err(|e| js_error(&e))?;
    Ok(uri::write(&a))
}

/// The TOTP code of a base32 secret: `totp(secret, {unixMs, algorithm, digits, period})`.
#[wasm_bindgen]
pub fn totp(secret: &str, options: JsValue) -> Result<String, JsValue> {
    let o: TotpOptions = options_from_js(options)?;
    let secret = secret_from_js(secret)?;
    let step = otp::step(
        secs_or_now(o.unix_ms)?,
        o.period.unwrap_or(otp::DEFAULT_PERIOD),
    )
    .map_err(|e| js_error(&e))?;
    otp::hotp(
        &secret,
        algorithm_or_default(o.algorithm.as_deref())?,
        o.digits.unwrap_or(otp::DEFAULT_DIGITS),
        step,
    )
    .map_err(|e| js_error(&e))
}

/// The HOTP code of a base32 secret at `counter`: `hotp(secret, counter, {algorithm, digits})`.
#[wasm_bindgen]
pub fn hotp(secret: &str, counter: f64, options: JsValue) -> Result<String, JsValue> {
    let o: HotpOptions = options_from_js(options)?;
    let counter = whole_number(counter).ok_or_else(|| js_error(&BindError::InvalidCounter))?;
    otp::hotp(
        &secret_from_js(secret)?,
        algorithm_or_default(o.algorithm.as_deref())?,
        o.digits.unwrap_or(otp::DEFAULT_DIGITS),
        counter,
    )
    .map_err(|e| js_error(&e))
}

/// The Steam Guard code of a base32 secret: `steam(secret, {unixMs})`.
#[wasm_bindgen]
pub fn steam(secret: &str, options: JsValue) -> Result<String, JsValue> {
    let o: SteamOptions = options_from_js(options)?;
    let secret = secret_from_js(secret)?;
    let step = otp::step(secs_or_now(o.unix_ms)?, otp::DEFAULT_PERIOD).map_err(|e| js_error(&e))?;
    Ok(otp::steam(&secret, step))
}

/// Checks a code against a URI or bare base32 secret: `verify(uriOrSecret, code, {unixMs, window})`
/// returns the matching step offset (0 now, −1 previous, +1 next; HOTP: ahead of the counter) or
/// `null`.
#[wasm_bindgen]
pub fn verify(uri_or_secret: &str, code: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let o: VerifyOptions = options_from_js(options)?;
    let account = Account::from_uri_or_secret(uri_or_secret).map_err(|e| js_error(&e))?;
    let offset = account
        .verify(
            code,
            secs_or_now(o.unix_ms)?,
            o.window.unwrap_or(otp::DEFAULT_WINDOW),
        )
        .map_err(|e| js_error(&e))?;
    // Offsets are at most otp::MAX_WINDOW steps: exact as JavaScript numbers.
    Ok(offset.map_or(JsValue::NULL, |d| JsValue::from_f64(d as f64)))
}

/// A new random secret of `bytes` bytes (default 20), as canonical base32.
#[wasm_bindgen(js_name = newSecret)]
pub fn new_secret(bytes: Option<f64>) -> Result<String, JsValue> {
    let len = match bytes {
        None => DEFAULT_GENERATED_BYTES,
        Some(n) => whole_number(n)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| js_error(&BindError::InvalidLength))?,
    };
    let secret = with_rng(|rng| Secret::generate(len, rng))?.map_err(|e| js_error(&e))?;
    Ok(secret.to_base32())
}

/// Runs `f` with `getrandom` (the platform's `crypto.getRandomValues`) as the core's randomness;
/// a failed or missing generator is `random_unavailable`, whatever `f` made of the bytes. Every
/// binding that needs randomness goes through here.
pub(crate) fn with_rng<T>(f: impl FnOnce(&mut dyn FnMut(&mut [u8])) -> T) -> Result<T, JsValue> {
    let mut failed = false;
    let out = f(&mut |buf: &mut [u8]| {
        failed |= getrandom::getrandom(buf).is_err();
    });
    if failed {
        Err(js_error(&BindError::RandomUnavailable))
    } else {
        Ok(out)
    }
}

/// Decodes one `otpauth-migration://offline?data=…` URI:
/// `{accounts, skipped, version, batchSize, batchIndex, batchId}`.
#[wasm_bindgen(js_name = decodeMigration)]
pub fn decode_migration(uri: &str) -> Result<JsValue, JsValue> {
    let d = migration::decode(uri).map_err(|e| js_error(&e))?;
    to_js(&DecodedJs {
        accounts: d.accounts.iter().map(AccountJs::from_account).collect(),
        skipped: d.skipped.iter().map(SkippedJs::from).collect(),
        version: d.version,
        batch_size: d.batch_size,
        batch_index: d.batch_index,
        batch_id: d.batch_id,
    })
}

/// Encodes account objects into `otpauth-migration://` URIs for Google Authenticator, one QR code
/// each: `{uris, leftOut}`; `leftOut` names the accounts it cannot hold, with reasons.
#[wasm_bindgen(js_name = encodeMigration)]
pub fn encode_migration(accounts: Vec<JsValue>, batch_id: i32) -> Result<JsValue, JsValue> {
    let accounts = accounts
        .into_iter()
        .map(account_from_js)
        .collect::<Result<Vec<_>, _>>()?;
    let e = migration::encode(&accounts, batch_id);
    to_js(&EncodedJs {
        uris: e.uris,
        left_out: e.left_out.iter().map(SkippedJs::from).collect(),
    })
}

/// Validates base32 secret text (read leniently) and returns its canonical form.
#[wasm_bindgen(js_name = normalizeSecret)]
pub fn normalize_secret(text: &str) -> Result<String, JsValue> {
    Ok(Secret::from_base32(text)
        .map_err(|e| js_error(&e))?
        .to_base32())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_down_to_seconds() {
        assert_eq!(ms_to_secs(59_999.0), Ok(59));
        assert_eq!(ms_to_secs(0.0), Ok(0));
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1e30] {
            assert_eq!(ms_to_secs(bad), Err(BindError::InvalidTime), "{bad}");
        }
    }

    #[test]
    fn whole_numbers_are_exact_and_in_range() {
        assert_eq!(whole_number(0.0), Some(0));
        assert_eq!(
            whole_number(9_007_199_254_740_991.0),
            Some(9_007_199_254_740_991)
        );
        for bad in [-1.0, 0.5, 9_007_199_254_740_992.0, f64::NAN, f64::INFINITY] {
            assert_eq!(whole_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn account_round_trips_through_the_js_view() {
        let mut a = Account::totp(
            "Example",
            "alice",
            Secret::from_base32("jbsw y3dp ehpk 3pxp").expect("valid"),
        );
        a.algorithm = Algorithm::Sha256;
        a.digits = 8;
        let js = AccountJs::from_account(&a);
        assert_eq!(
            (js.otp_type.as_str(), js.algorithm.as_str()),
            ("totp", "SHA256")
        );
        assert_eq!(js.secret, "JBSWY3DPEHPK3PXP");
        assert!(js.to_account().expect("valid") == a);
    }

    #[test]
    fn unknown_names_and_bad_secrets_have_codes_without_the_secret() {
        let good = AccountJs::from_account(&Account::totp(
            "",
            "",
            Secret::from_base32("JBSWY3DPEHPK3PXP").expect("valid"),
        ));
        let cases = [
            (
                AccountJs {
                    otp_type: "motp".into(),
                    ..good.clone()
                },
                "account_invalid_type",
            ),
            (
                AccountJs {
                    algorithm: "MD5".into(),
                    ..good.clone()
                },
                "account_invalid_algorithm",
            ),
            (
                AccountJs {
                    secret: "JBSWY3DPEHPK3PX1".into(),
                    ..good.clone()
                },
                "secret_invalid_character",
            ),
            (
                AccountJs {
                    secret: "".into(),
                    ..good.clone()
                },
                "secret_empty",
            ),
        ];
        for (js, code) in cases {
            let err = js.to_account().expect_err("invalid");
            assert_eq!(err.code(), code);
            assert!(!err.to_string().contains("JBSW"), "{err}");
        }
    }
}
