//! An account: everything needed to compute its codes, plus its labels.

use crate::otp::{self, Algorithm, Code, OtpError};
use crate::secret::Secret;
use crate::uri::{self, UriError};

/// The kind of one-time code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OtpType {
    /// Time-based (RFC 6238).
    #[default]
    Totp,
    /// Counter-based (RFC 4226).
    Hotp,
    /// Steam Guard: TOTP with HMAC-SHA1, 30 s and five characters of [`otp::STEAM_ALPHABET`].
    Steam,
}

impl OtpType {
    /// Lower-case name as in otpauth URIs and the CLI's JSON: `totp`, `hotp`, `steam`.
    pub fn name(self) -> &'static str {
        match self {
            OtpType::Totp => "totp",
            OtpType::Hotp => "hotp",
            OtpType::Steam => "steam",
        }
    }

    /// Parses a name case-insensitively.
    pub fn from_name(name: &str) -> Option<OtpType> {
        [OtpType::Totp, OtpType::Hotp, OtpType::Steam]
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
    }
}

/// An authenticator account. `Debug` is written by hand and leaves the secret out.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    /// Code kind.
    pub otp_type: OtpType,
    /// Issuer (service name); empty when unknown.
    pub issuer: String,
    /// Account name (user name or e-mail); may be empty.
    pub name: String,
    /// The shared secret.
    pub secret: Secret,
    /// HMAC algorithm (always SHA1 for Steam).
    pub algorithm: Algorithm,
    /// Number of digits, 1–10 (5 for Steam).
    pub digits: u8,
    /// TOTP period in seconds, 1–86,400 (30 for Steam; unused for HOTP).
    pub period: u32,
    /// HOTP counter (unused for TOTP and Steam).
    pub counter: u64,
}

impl core::fmt::Debug for Account {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Account")
            .field("otp_type", &self.otp_type)
            .field("issuer", &self.issuer)
            .field("name", &self.name)
            .field("secret", &"<redacted>")
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("period", &self.period)
            .field("counter", &self.counter)
            .finish()
    }
}

impl Account {
    /// A TOTP account with the defaults (SHA1, 6 digits, 30 s).
    pub fn totp(issuer: &str, name: &str, secret: Secret) -> Account {
        Account {
            otp_type: OtpType::Totp,
            issuer: issuer.to_owned(),
            name: name.to_owned(),
            secret,
            algorithm: Algorithm::Sha1,
            digits: otp::DEFAULT_DIGITS,
            period: otp::DEFAULT_PERIOD,
            counter: 0,
        }
    }

    /// An account of `otp_type` with that type's defaults: SHA1, 30 s, 6 digits (Steam: 5) and
    /// counter 0.
    pub fn with_type(otp_type: OtpType, issuer: &str, name: &str, secret: Secret) -> Account {
        let digits = match otp_type {
            OtpType::Steam => otp::STEAM_DIGITS,
            OtpType::Totp | OtpType::Hotp => otp::DEFAULT_DIGITS,
        };
        Account {
            otp_type,
            digits,
            ..Account::totp(issuer, name, secret)
        }
    }

    /// A Steam Guard account.
    pub fn steam(name: &str, secret: Secret) -> Account {
        Account {
            otp_type: OtpType::Steam,
            issuer: "Steam".to_owned(),
            digits: otp::STEAM_DIGITS,
            ..Account::totp("Steam", name, secret)
        }
    }

    /// An account from an `otpauth://` or `steam://` URI, or from a bare base32 secret (any input
    /// without `://`), which makes a TOTP account with the defaults and no labels.
    pub fn from_uri_or_secret(input: &str) -> Result<Account, UriError> {
        if input.contains("://") {
            uri::parse(input)
        } else {
            Ok(Account::totp("", "", Secret::from_base32(input)?))
        }
    }

    /// Checks digits and period for this account's type.
    pub fn validate(&self) -> Result<(), OtpError> {
        match self.otp_type {
            OtpType::Steam => {
                if self.digits != otp::STEAM_DIGITS {
                    return Err(OtpError::InvalidDigits);
                }
                if self.period != otp::DEFAULT_PERIOD {
                    return Err(OtpError::InvalidPeriod);
                }
                Ok(())
            }
            OtpType::Totp | OtpType::Hotp => {
                if !(otp::MIN_DIGITS..=otp::MAX_DIGITS).contains(&self.digits) {
                    return Err(OtpError::InvalidDigits);
                }
                if self.otp_type == OtpType::Totp {
                    otp::check_period(self.period)?;
                }
                Ok(())
            }
        }
    }

    /// The code at `unix_secs` (TOTP, Steam) or at the stored counter (HOTP, time ignored).
    pub fn code_at(&self, unix_secs: u64) -> Result<Code, OtpError> {
        self.code_at_offset(unix_secs, 0)
    }

    /// The code `offset` steps away from the current one: −1 is the previous code, +1 the next.
    /// For HOTP the offset is added to the stored counter.
    pub fn code_at_offset(&self, unix_secs: u64, offset: i64) -> Result<Code, OtpError> {
        self.validate()?;
        let base = match self.otp_type {
            OtpType::Hotp => self.counter,
            OtpType::Totp | OtpType::Steam => otp::step(unix_secs, self.period)?,
        };
        let counter = base
            .checked_add_signed(offset)
            .ok_or(OtpError::StepOutOfRange)?;
        Ok(self.code_for_counter(counter))
    }

    /// The code for an explicit counter (TOTP step or HOTP counter). The account must be valid.
    fn code_for_counter(&self, counter: u64) -> Code {
        let code = match self.otp_type {
            OtpType::Steam => otp::steam(&self.secret, counter),
            // validate() has checked the digits, so hotp() cannot fail here.
            _ => otp::hotp(&self.secret, self.algorithm, self.digits, counter).unwrap_or_default(),
        };
        let (valid_from, valid_until) = match self.otp_type {
            OtpType::Hotp => (None, None),
            _ => {
                let period = u64::from(self.period);
                let from = counter.saturating_mul(period);
                (Some(from), Some(from.saturating_add(period)))
            }
        };
        Code {
            code,
            counter,
            valid_from,
            valid_until,
        }
    }

    /// Checks `code` against the codes within `window` steps of now (HOTP: of the stored counter,
    /// looking ahead only). Returns the matching offset, closest to zero first. Comparison ignores
    /// spaces and, for Steam, letter case. A window above [`otp::MAX_WINDOW`] is an error.
    pub fn verify(&self, code: &str, unix_secs: u64, window: u32) -> Result<Option<i64>, OtpError> {
        self.validate()?;
        if window > otp::MAX_WINDOW {
            return Err(OtpError::WindowTooLarge);
        }
        let wanted: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let window = i64::from(window);
        let mut offsets = vec![0i64];
        for d in 1..=window {
            offsets.push(d);
            if self.otp_type != OtpType::Hotp {
                offsets.push(-d);
            }
        }
        for offset in offsets {
            if let Ok(candidate) = self.code_at_offset(unix_secs, offset) {
                if constant_time_eq(
                    candidate.code.as_bytes(),
                    wanted.to_ascii_uppercase().as_bytes(),
                ) || constant_time_eq(candidate.code.as_bytes(), wanted.as_bytes())
                {
                    return Ok(Some(offset));
                }
            }
        }
        Ok(None)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let a = Account::totp(
            "Example",
            "alice",
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
        );
        let shown = format!("{a:?}");
        assert!(
            !shown.contains("JBSW") && !shown.contains("72, 101"),
            "{shown}"
        );
    }

    #[test]
    fn rfc6238_sha1_at_59() {
        // RFC 6238 Appendix B, first row: T = 59, SHA1, 8 digits -> 94287082.
        let mut a = Account::totp(
            "",
            "",
            Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap(),
        );
        a.digits = 8;
        let c = a.code_at(59).unwrap();
        assert_eq!(c.code, "94287082");
        assert_eq!(
            (c.counter, c.valid_from, c.valid_until),
            (1, Some(30), Some(60))
        );
        assert_eq!(a.verify("94287082", 61, 1).unwrap(), Some(-1));
        assert_eq!(a.verify("94287082", 91, 1).unwrap(), None);
        assert_eq!(
            a.verify("94287082", 59, otp::MAX_WINDOW + 1),
            Err(OtpError::WindowTooLarge)
        );
        assert_eq!(a.verify("94287082", 59, otp::MAX_WINDOW).unwrap(), Some(0));
    }

    #[test]
    fn with_type_gives_each_type_its_defaults() {
        let secret = || Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let totp = Account::with_type(OtpType::Totp, "Example", "alice", secret());
        assert!(totp == Account::totp("Example", "alice", secret()));
        let hotp = Account::with_type(OtpType::Hotp, "Example", "alice", secret());
        assert_eq!(
            (hotp.otp_type, hotp.digits, hotp.counter),
            (OtpType::Hotp, 6, 0)
        );
        let steam = Account::with_type(OtpType::Steam, "Steam", "alice", secret());
        assert!(steam == Account::steam("alice", secret()));
        assert_eq!(steam.validate(), Ok(()));
    }

    #[test]
    fn uri_or_bare_secret() {
        let bare = Account::from_uri_or_secret("jbsw y3dp ehpk 3pxp").unwrap();
        assert!(bare == Account::totp("", "", Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap()));
        let steam = Account::from_uri_or_secret("steam://JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(steam.otp_type, OtpType::Steam);
        let err = Account::from_uri_or_secret("JBSWY3DPEHPK3PX1")
            .err()
            .unwrap();
        assert_eq!(err.code(), "uri_invalid_secret");
        assert!(!err.to_string().contains("JBSW"), "{err}");
        assert_eq!(
            Account::from_uri_or_secret("https://example.com/").err(),
            Some(UriError::NotOtpauth)
        );
    }
}
