//! Shared by the vault tests and `examples/write_vaults.rs`: the JSON description of expected vault
//! contents (the same shape `tests/interop/open_vault.py` prints), and a deterministic RNG.
#![allow(dead_code, clippy::unwrap_used)] // Test support: each user needs a different part; may unwrap.

use serde_json::{json, Value};
use tessera_core::vault::{DeviceId, Entry, Record, RecordId, Stamp, Vault};
use tessera_core::{Account, Algorithm, OtpType, Secret};

/// A deterministic byte source (SplitMix64), so salts, keys and nonces are pinned.
pub fn pinned_rng(seed: u64) -> impl FnMut(&mut [u8]) {
    let mut state = seed;
    move |buf: &mut [u8]| {
        for chunk in buf.chunks_mut(8) {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

fn stamp_from(v: &Value) -> Stamp {
    Stamp {
        millis: v["millis"].as_u64().unwrap(),
        counter: u32::try_from(v["counter"].as_u64().unwrap()).unwrap(),
        device: DeviceId::from_hex(v["device"].as_str().unwrap()).unwrap(),
    }
}

/// Builds a vault from `{"records": [...], "settings": {...}}`.
pub fn vault_from_json(doc: &Value) -> Vault {
    let mut vault = Vault::new();
    for r in doc["records"].as_array().unwrap() {
        let id = RecordId::from_hex(r["id"].as_str().unwrap()).unwrap();
        let stamp = stamp_from(&r["stamp"]);
        let entry = if let Some(at) = r.get("deleted_at_millis") {
            Entry::Deleted {
                deleted_at_millis: at.as_u64().unwrap(),
                retained: None,
            }
        } else {
            let otp_type = OtpType::from_name(r["type"].as_str().unwrap()).unwrap();
            let mut account = Account::totp(
                r["issuer"].as_str().unwrap(),
                r["account"].as_str().unwrap(),
                Secret::from_base32(r["secret"].as_str().unwrap()).unwrap(),
            );
            account.otp_type = otp_type;
            account.algorithm = Algorithm::from_name(r["algorithm"].as_str().unwrap()).unwrap();
            account.digits = u8::try_from(r["digits"].as_u64().unwrap()).unwrap();
            match otp_type {
                OtpType::Hotp => account.counter = r["counter"].as_u64().unwrap(),
                _ => account.period = u32::try_from(r["period"].as_u64().unwrap()).unwrap(),
            }
            let sites = r["sites"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect();
            Entry::Account { account, sites }
        };
        vault.records.push(Record {
            id,
            stamp,
            entry,
            pinned: false,
        });
    }
    for (k, v) in doc["settings"].as_object().unwrap() {
        vault
            .settings
            .insert(k.clone(), v.as_str().unwrap().to_owned());
    }
    vault
}

/// The JSON form of a vault (the inverse of [`vault_from_json`] for vaults it builds).
pub fn vault_to_json(vault: &Vault) -> Value {
    let records: Vec<Value> = vault
        .records
        .iter()
        .map(|r| {
            let stamp = json!({"millis": r.stamp.millis, "counter": r.stamp.counter, "device": r.stamp.device.to_hex()});
            match &r.entry {
                Entry::Deleted {
                    deleted_at_millis, ..
                } => {
                    json!({"id": r.id.to_hex(), "stamp": stamp, "deleted_at_millis": deleted_at_millis})
                }
                Entry::Account { account: a, sites } => {
                    let mut o = json!({
                        "id": r.id.to_hex(),
                        "stamp": stamp,
                        "type": a.otp_type.name(),
                        "issuer": a.issuer,
                        "account": a.name,
                        "secret": a.secret.to_base32(),
                        "algorithm": a.algorithm.name(),
                        "digits": a.digits,
                        "sites": sites,
                    });
                    match a.otp_type {
                        OtpType::Hotp => o["counter"] = json!(a.counter),
                        _ => o["period"] = json!(a.period),
                    }
                    o
                }
            }
        })
        .collect();
    json!({"records": records, "settings": vault.settings})
}

/// Reads a JSON file.
pub fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}
