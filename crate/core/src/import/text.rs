//! Text with one `otpauth://`, `steam://` or `otpauth-migration://` URI per line.

use super::{reason, Collector, ImportError, Skip, Skipped};
use crate::{migration, uri};

/// Whether `text` holds at least one URI line.
pub(super) fn detect(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        starts_with_ignore_case(line, "otpauth://")
            || starts_with_ignore_case(line, "otpauth-migration://")
            || starts_with_ignore_case(line, "steam://")
            || starts_with_ignore_case(line, "apple-otpauth://")
    })
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// Reads every non-empty line; a line that is not a readable URI is skipped with a reason.
pub(super) fn import(text: &str, out: &mut Collector) -> Result<(), ImportError> {
    if !detect(text) {
        return Err(ImportError::UnknownFormat);
    }
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if starts_with_ignore_case(line, "otpauth-migration://") {
            match migration::decode(line) {
                Ok(decoded) => {
                    // Accounts and skipped entries interleave in payload order: give each skipped
                    // entry its index in the whole file.
                    let base = out.next_index;
                    let count = decoded.accounts.len() + decoded.skipped.len();
                    out.accounts.extend(decoded.accounts);
                    out.skipped
                        .extend(decoded.skipped.into_iter().map(|s| Skipped {
                            index: base + s.index,
                            ..s
                        }));
                    out.next_index = base + count;
                }
                Err(_) => out.push(Err(Skip {
                    issuer: String::new(),
                    name: String::new(),
                    reason: reason::INVALID_URI,
                })),
            }
            continue;
        }
        out.push(super::parse_uri_lenient(line).map_err(|e| Skip {
            issuer: String::new(),
            name: String::new(),
            reason: match e {
                uri::UriError::InvalidSecret(_) | uri::UriError::MissingSecret => {
                    reason::INVALID_SECRET
                }
                uri::UriError::UnknownType => reason::UNSUPPORTED_TYPE,
                uri::UriError::UnsupportedAlgorithm => reason::UNSUPPORTED_ALGORITHM,
                uri::UriError::InvalidDigits => reason::INVALID_DIGITS,
                uri::UriError::InvalidPeriod => reason::INVALID_PERIOD,
                uri::UriError::InvalidCounter => reason::INVALID_COUNTER,
                uri::UriError::NameTooLong => reason::NAME_TOO_LONG,
                _ => reason::INVALID_URI,
            },
        }));
    }
    Ok(())
}
