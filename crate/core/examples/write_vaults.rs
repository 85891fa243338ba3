//! Writes vaults for the Python interop test (`tests/interop/run.sh`): the contents described by a
//! JSON file (`crate/core/tests/data/vault/v1_expected.json`) sealed four ways into a directory.
//!
//! `cargo run -p tessera-core --example write_vaults -- EXPECTED.json OUT_DIR`
//!
//! Files: `none.vault` (no password); `password.vault` (the JSON's password, 10,000 iterations);
//! `changed.vault` (password changed to the text in `changed.txt`, so a new data key);
//! `resealed.vault` (`password.vault` saved again with its data key, no derivation). Randomness is
//! seeded from the clock, so every run writes different salts, keys and nonces.
#![allow(clippy::unwrap_used)] // A test tool: any failure should stop it loudly.

#[path = "../tests/vault_support/mod.rs"]
mod vault_support;

use std::path::PathBuf;

use tessera_core::vault::{
    self, derive_password_key, KdfParams, Protection, MIN_PBKDF2_ITERATIONS,
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: write_vaults EXPECTED.json OUT_DIR");
        std::process::exit(2);
    }
    let doc = vault_support::read_json(&PathBuf::from(&args[1]));
    let out = PathBuf::from(&args[2]);
    let contents = vault_support::vault_from_json(&doc);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = vault_support::pinned_rng(seed);
    let password = doc["password"].as_str().unwrap().as_bytes();

    let (none, _) = vault::seal_new(&contents, &Protection::None, &mut rng).unwrap();
    std::fs::write(out.join("none.vault"), none).unwrap();

    let kdf = KdfParams::generate_with_iterations(&mut rng, MIN_PBKDF2_ITERATIONS).unwrap();
    let key = derive_password_key(password, kdf.salt(), kdf.iterations()).unwrap();
    let (sealed, data_key) =
        vault::seal_new(&contents, &Protection::Password { key, kdf }, &mut rng).unwrap();
    std::fs::write(out.join("password.vault"), &sealed).unwrap();

    let resealed = vault::reseal(&contents, &data_key, &sealed, &mut rng).unwrap();
    std::fs::write(out.join("resealed.vault"), resealed).unwrap();

    let new_password = "a new password, with ünïcode";
    let kdf = KdfParams::generate_with_iterations(&mut rng, MIN_PBKDF2_ITERATIONS).unwrap();
    let key = derive_password_key(new_password.as_bytes(), kdf.salt(), kdf.iterations()).unwrap();
    let (changed, _) = vault::change_password(&contents, key, kdf, &mut rng).unwrap();
    std::fs::write(out.join("changed.vault"), changed).unwrap();
    std::fs::write(out.join("changed.txt"), new_password).unwrap();
}
