//! One-time codes: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard.
//!
//! Why not totp-rs for the codes themselves: totp-rs 5.7 rejects digits outside 6–8 (we need 1–10:
//! real issuers use 1..10 and Eden's suite tests both ends), computes `10^digits` in `u32` (overflows
//! at 10 digits), rejects secrets under 128 bits (many sites issue 80-bit ones), has no HOTP, and
//! derives `Debug` with the secret. The truncation below is twenty lines of RFC 4226 section 5.3 on
//! the same RustCrypto `hmac`/`sha1`/`sha2` crates totp-rs uses; totp-rs stays as the peer our tests
//! compare with (where it accepts the input) and as the benchmark baseline.

use hmac::{Hmac, Mac};

use crate::secret::Secret;

/// Fewest digits a code may have.
pub const MIN_DIGITS: u8 = 1;
/// Most digits a code may have: a dynamic truncation yields 31 bits, so 10 digits holds all of it.
pub const MAX_DIGITS: u8 = 10;
/// Shortest TOTP period in seconds.
pub const MIN_PERIOD: u32 = 1;
/// Longest TOTP period in seconds (one day).
pub const MAX_PERIOD: u32 = 86_400;
/// Steam Guard's alphabet (26 characters, no look-alikes).
pub const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";
/// Steam Guard codes are this many characters.
pub const STEAM_DIGITS: u8 = 5;
/// TOTP period used when none is given.
pub const DEFAULT_PERIOD: u32 = 30;
/// Number of digits used when none is given.
pub const DEFAULT_DIGITS: u8 = 6;
/// Verification window used when none is given: one step either side, the one step of network
/// delay RFC 6238 section 5.2 recommends allowing (and what most servers accept).
pub const DEFAULT_WINDOW: u32 = 1;
/// Widest verification window, in steps either side (HOTP: ahead). A ceiling on work for a window
/// taken from outside input (`2 * 1,000 + 1` HMACs stay well under a millisecond natively); real
/// servers accept ±1 step (RFC 6238 section 5.2) and resynchronise HOTP within a few dozen.
pub const MAX_WINDOW: u32 = 1_000;

/// The HMAC hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA1, the default of RFC 4226 and nearly every issuer.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The canonical name as used in otpauth URIs: `SHA1`, `SHA256`, `SHA512`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Parses a name case-insensitively (`sha1`, `SHA256`, …). `SHA-1` and others are not accepted.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512]
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }
}

/// Why a code could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OtpError {
    /// Digits outside [`MIN_DIGITS`]..=[`MAX_DIGITS`].
    InvalidDigits,
    /// Period outside [`MIN_PERIOD`]..=[`MAX_PERIOD`].
    InvalidPeriod,
    /// The previous/next step requested lies before step 0 or after the last step.
    StepOutOfRange,
    /// A verification window wider than [`MAX_WINDOW`] steps.
    WindowTooLarge,
}

impl OtpError {
    /// Stable code, usable as a message name.
    pub fn code(&self) -> &'static str {
        match self {
            OtpError::InvalidDigits => "otp_invalid_digits",
            OtpError::InvalidPeriod => "otp_invalid_period",
            OtpError::StepOutOfRange => "otp_step_out_of_range",
            OtpError::WindowTooLarge => "otp_window_too_large",
        }
    }
}

impl core::fmt::Display for OtpError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            OtpError::InvalidDigits => {
                write!(f, "digits must be from {MIN_DIGITS} to {MAX_DIGITS}")
            }
            OtpError::InvalidPeriod => write!(
                f,
                "period must be from {MIN_PERIOD} to {MAX_PERIOD} seconds"
            ),
            OtpError::StepOutOfRange => f.write_str("the requested step is out of range"),
            OtpError::WindowTooLarge => {
                write!(f, "the window must be at most {MAX_WINDOW} steps")
            }
        }
    }
}

impl std::error::Error for OtpError {}

/// RFC 4226 section 5.3 dynamic truncation of HMAC(secret, counter): a 31-bit number.
pub fn truncated(secret: &Secret, algorithm: Algorithm, counter: u64) -> u32 {
    let message = counter.to_be_bytes();
    // Truncates inside each arm, on the digest's stack array: no heap copy per code.
    fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> u32 {
        // Any key length is valid for HMAC, so this cannot fail.
        let mut m =
            <M as hmac::digest::KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
        m.update(message);
        let digest = m.finalize().into_bytes();
        let offset = usize::from(digest[digest.len() - 1] & 0x0f);
        let bytes = [
            digest[offset],
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ];
        u32::from_be_bytes(bytes) & 0x7fff_ffff
    }
    match algorithm {
        Algorithm::Sha1 => mac::<Hmac<sha1::Sha1>>(secret.expose(), &message),
        Algorithm::Sha256 => mac::<Hmac<sha2::Sha256>>(secret.expose(), &message),
        Algorithm::Sha512 => mac::<Hmac<sha2::Sha512>>(secret.expose(), &message),
    }
}

/// HOTP value for `counter` with 1–10 decimal digits, zero-padded.
pub fn hotp(
    secret: &Secret,
    algorithm: Algorithm,
    digits: u8,
    counter: u64,
) -> Result<String, OtpError> {
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
        return Err(OtpError::InvalidDigits);
    }
    // u64: 10^10 does not fit in u32.
    let value = u64::from(truncated(secret, algorithm, counter)) % 10u64.pow(u32::from(digits));
    Ok(format!("{value:0width$}", width = usize::from(digits)))
}

/// Steam Guard code for `counter` (the 30-second step): five characters of [`STEAM_ALPHABET`].
pub fn steam(secret: &Secret, counter: u64) -> String {
    let mut value = truncated(secret, Algorithm::Sha1, counter);
    let mut code = String::with_capacity(usize::from(STEAM_DIGITS));
    for _ in 0..STEAM_DIGITS {
        code.push(STEAM_ALPHABET[(value % 26) as usize] as char);
        value /= 26;
    }
    code
}

/// The TOTP step (counter) that `unix_secs` falls in.
pub fn step(unix_secs: u64, period: u32) -> Result<u64, OtpError> {
    check_period(period)?;
    Ok(unix_secs / u64::from(period))
}

/// Seconds left until the step containing `unix_secs` ends (1..=period).
pub fn seconds_left(unix_secs: u64, period: u32) -> Result<u64, OtpError> {
    check_period(period)?;
    Ok(u64::from(period) - unix_secs % u64::from(period))
}

pub(crate) fn check_period(period: u32) -> Result<(), OtpError> {
    if (MIN_PERIOD..=MAX_PERIOD).contains(&period) {
        Ok(())
    } else {
        Err(OtpError::InvalidPeriod)
    }
}

/// A code and when it is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The code as shown to the user (digits, or Steam's five characters).
    pub code: String,
    /// The counter the code was computed for (the TOTP step, or the HOTP counter).
    pub counter: u64,
    /// Start of validity in unix seconds (TOTP and Steam only).
    pub valid_from: Option<u64>,
    /// End of validity (exclusive) in unix seconds (TOTP and Steam only); saturates at `u64::MAX`.
    pub valid_until: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii(seed: &str) -> Secret {
        Secret::from_bytes(seed.as_bytes().to_vec()).unwrap()
    }

    /// RFC 4226 Appendix D: secret "12345678901234567890", counters 0..9, 6 digits.
    const RFC4226_APPENDIX_D: [&str; 10] = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];

    #[test]
    fn rfc4226_appendix_d() {
        let s = ascii("12345678901234567890");
        for (counter, want) in RFC4226_APPENDIX_D.iter().enumerate() {
            assert_eq!(hotp(&s, Algorithm::Sha1, 6, counter as u64).unwrap(), *want);
        }
    }

    #[test]
    fn digits_bounds() {
        let s = ascii("12345678901234567890");
        assert_eq!(
            hotp(&s, Algorithm::Sha1, 0, 0),
            Err(OtpError::InvalidDigits)
        );
        assert_eq!(
            hotp(&s, Algorithm::Sha1, 11, 0),
            Err(OtpError::InvalidDigits)
        );
        // RFC 4226 Appendix D: truncated value at counter 0 is 0x4c93cf18 = 1284755224.
        assert_eq!(hotp(&s, Algorithm::Sha1, 10, 0).unwrap(), "1284755224");
        assert_eq!(hotp(&s, Algorithm::Sha1, 1, 0).unwrap(), "4");
    }
}
