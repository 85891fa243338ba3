//! Shared helpers of the importer tests: where the corpora are, and accounts as comparable rows.
//!
//! The corpora are `$TESSERA_CORPORA/importers/...`, by default `shared/corpora` beside the
//! checkout (`../../../shared/corpora` from this crate). Tests skip cleanly when they are absent.

// Test helpers: a missing or malformed corpus file should fail the test loudly.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use serde_json::Value;
use tessera_core::{Account, OtpType};

/// The importer corpus folder `app`, or `None` (with a note on stderr) when it is absent.
pub fn corpus(app: &str) -> Option<PathBuf> {
    let root = match std::env::var_os("TESSERA_CORPORA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora"),
    };
    let dir = root.join("importers").join(app);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no corpus at {}", dir.display());
        None
    }
}

/// Reads a JSON file.
pub fn json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// An account as the corpus describes one: every field compared, the secret as canonical base32.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub otp_type: String,
    pub issuer: String,
    pub name: String,
    pub secret: String,
    pub algorithm: String,
    pub digits: u64,
    /// Period for TOTP and Steam, counter for HOTP.
    pub period_or_counter: u64,
}

impl Row {
    pub fn of(a: &Account) -> Row {
        Row {
            otp_type: a.otp_type.name().to_owned(),
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            secret: a.secret.to_base32(),
            algorithm: a.algorithm.name().to_owned(),
            digits: u64::from(a.digits),
            period_or_counter: if a.otp_type == OtpType::Hotp {
                a.counter
            } else {
                u64::from(a.period)
            },
        }
    }

    /// A row from a corpus vector with the given keys for the account name.
    pub fn from_vector(v: &Value, name_key: &str) -> Row {
        let otp_type = v["type"].as_str().unwrap().to_owned();
        let period_or_counter = if otp_type == "hotp" {
            v["counter"].as_u64().unwrap()
        } else {
            v["period"].as_u64().unwrap_or(30)
        };
        Row {
            otp_type,
            issuer: v["issuer"].as_str().unwrap().to_owned(),
            name: v[name_key].as_str().unwrap().to_owned(),
            secret: canonical_base32(v["secret"].as_str().unwrap()),
            algorithm: v["algorithm"].as_str().unwrap_or("SHA1").to_owned(),
            digits: v["digits"].as_u64().unwrap(),
            period_or_counter,
        }
    }
}

/// Upper case, no padding or spaces.
pub fn canonical_base32(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}
