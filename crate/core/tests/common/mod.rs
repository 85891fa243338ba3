//! Shared helpers of the integration tests: the corpora directory and small decoders.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use serde_json::Value;
use tessera_core::{Algorithm, Secret};

/// The shared corpora: `$TESSERA_CORPORA`, else `../../../shared/corpora` from this crate
/// (i.e. `shared/corpora` beside the repository). `None` (with a note) when it is absent, so
/// that a checkout without it still passes; the inline RFC tables run either way.
pub fn corpora() -> Option<PathBuf> {
    let dir = match std::env::var_os("TESSERA_CORPORA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: corpora not found at {}; corpus tests skipped",
            dir.display()
        );
        None
    }
}

/// Loads `relative` under the corpora as JSON, or `None` (with a note) when absent.
pub fn load(relative: &str) -> Option<Value> {
    let path = corpora()?.join(relative);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).unwrap()),
        Err(_) => {
            eprintln!("note: {} not found; skipped", path.display());
            None
        }
    }
}

pub fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

pub fn secret_b32(text: &str) -> Secret {
    Secret::from_base32(text).unwrap()
}

pub fn algorithm(name: &str) -> Algorithm {
    Algorithm::from_name(name).unwrap_or_else(|| panic!("unknown algorithm {name}"))
}

pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

pub fn u(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}
