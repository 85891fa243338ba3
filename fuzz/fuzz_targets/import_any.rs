//! Importing any file must never panic, whatever format it is read as, with or without a password;
//! every account it returns must be valid. Key-derivation work factors are clamped under
//! `cfg(fuzzing)` in the core, so encrypted inputs fail fast instead of deriving keys.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::import::{self, Format};

fuzz_target!(|data: &[u8]| {
    let detected = import::detect(data);
    let formats = core::iter::once(None).chain(Format::ALL.into_iter().map(Some));
    for format in formats {
        for password in [None, Some(&b"test"[..])] {
            match import::import(data, format, password) {
                Ok(imported) => {
                    if format.is_none() {
                        assert_eq!(Some(imported.format), detected);
                    }
                    for account in &imported.accounts {
                        assert!(account.validate().is_ok(), "{account:?}");
                    }
                }
                Err(e) => assert!(e.code().starts_with("import_")),
            }
        }
    }
});
