//! Files no app wrote: garbage, truncated, hostile work factors, odd entries. Each ends in a clear
//! error or in accounts plus skipped entries, quickly and without a panic.

// Test helpers unwrap: a broken corpus file should fail loudly.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::corpus;
use tessera_core::import::{self, reason, Format, ImportError};

/// Every way of reading `bytes`: detected and each explicit format, with and without a password.
/// Never panics; every account returned is valid.
fn read_every_way(bytes: &[u8], password: Option<&[u8]>) {
    let formats = std::iter::once(None).chain(Format::ALL.into_iter().map(Some));
    for format in formats {
        for password in [None, password] {
            match import::import(bytes, format, password) {
                Ok(imported) => {
                    for a in &imported.accounts {
                        assert!(a.validate().is_ok(), "{a:?}");
                    }
                }
                Err(e) => assert!(e.code().starts_with("import_")),
            }
        }
    }
}

#[test]
fn garbage_is_a_clear_error() {
    for (input, want) in [
        (&b""[..], ImportError::UnknownFormat),
        (b"hello world", ImportError::UnknownFormat),
        (b"{}", ImportError::UnknownFormat),
        (b"[]", ImportError::UnknownFormat),
        (b"{\"header\":{},\"db\":3}", ImportError::Malformed),
        (
            b"{\"header\":{\"slots\":[],\"params\":{}},\"db\":\"AAAA\"}",
            ImportError::Malformed,
        ),
        (
            b"{\"services\":[],\"schemaVersion\":4,\"servicesEncrypted\":\"a:b\"}",
            ImportError::PasswordRequired,
        ),
        // A password-protected Bitwarden export without its KDF fields; one encrypted with the
        // account's own key (no password can open it).
        (
            b"{\"encrypted\":true,\"passwordProtected\":true,\"data\":\"x\",\"items\":[]}",
            ImportError::Malformed,
        ),
        (
            b"{\"encrypted\":true,\"passwordProtected\":false,\"data\":\"x\",\"items\":[]}",
            ImportError::Unsupported,
        ),
        (b"\xff\xfe\x00", ImportError::UnknownFormat),
    ] {
        assert_eq!(
            import::import(input, None, None).err(),
            Some(want),
            "{input:?}"
        );
    }
    assert_eq!(
        import::import(
            b"{\"services\":[],\"schemaVersion\":4,\"servicesEncrypted\":\"a:b\"}",
            None,
            Some(b"x")
        )
        .err(),
        Some(ImportError::Malformed)
    );
    // Deep nesting is refused by the JSON reader's depth limit, not by the stack.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        import::import(deep.as_bytes(), Some(Format::AndOtp), None).err(),
        Some(ImportError::Malformed)
    );
    read_every_way(deep.as_bytes(), Some(b"test"));
}

#[test]
fn hostile_aegis_scrypt_slot() {
    // A password slot asking for scrypt N = 2^40: 128 TiB of memory.
    let vault = r#"{"version":1,"header":{"slots":[{"type":1,"uuid":"x","key":"00","key_params":{"nonce":"000000000000000000000000","tag":"00000000000000000000000000000000"},"n":1099511627776,"r":8,"p":1,"salt":"00"}],"params":{"nonce":"000000000000000000000000","tag":"00000000000000000000000000000000"}},"db":"AAAA"}"#;
    for password in [None, Some(&b"test"[..])] {
        assert_eq!(
            import::import(vault.as_bytes(), None, password).err(),
            Some(ImportError::WorkFactorTooHigh)
        );
    }
    // No password slot at all (biometric only).
    let vault = vault.replace("\"type\":1", "\"type\":2");
    assert_eq!(
        import::import(vault.as_bytes(), None, Some(b"test")).err(),
        Some(ImportError::Unsupported)
    );
}

#[test]
fn hostile_authenticator_argon2_memory() {
    // A Key record whose password check asks for Argon2id with 4 GiB of memory.
    let backup = r#"{"k":{"dataType":"Key","id":"k1","salt":"abcdef0123456789","hash":"$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g","version":3},"e":{"dataType":"EncOTPStorage","keyId":"k1","data":"U2FsdGVkX18AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","index":0}}"#;
    assert_eq!(
        import::detect(backup.as_bytes()),
        Some(Format::AuthenticatorExtension)
    );
    // Refused before a password is even asked for.
    for password in [None, Some(&b"pw"[..])] {
        assert_eq!(
            import::import(backup.as_bytes(), None, password).err(),
            Some(ImportError::WorkFactorTooHigh)
        );
    }
}

#[test]
fn hostile_ente_parameters() {
    let export = |mem: &str, ops: &str, salt: &str, data: &str, nonce: &str| {
        format!(
            r#"{{"version":1,"kdfParams":{{"memLimit":{mem},"opsLimit":{ops},"salt":"{salt}"}},"encryptedData":"{data}","encryptionNonce":"{nonce}"}}"#
        )
    };
    let salt = "AAAAAAAAAAAAAAAAAAAAAA==";
    let data = "AAAAAAAAAAAAAAAAAAAAAAAA";
    let nonce = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    // Above the ceilings: refused before a password is asked for, and before any work.
    for (mem, ops) in [
        ("1073741824", "4"),
        ("536870912", "8"),
        ("268435456", "17"),
        ("18446744073709551615", "1"),
        ("8192", "4294967296"),
    ] {
        for password in [None, Some(&b"pw"[..])] {
            assert_eq!(
                import::import(
                    export(mem, ops, salt, data, nonce).as_bytes(),
                    None,
                    password
                )
                .err(),
                Some(ImportError::WorkFactorTooHigh),
                "{mem} {ops}"
            );
        }
    }
    // Wrong types, lengths and values: malformed, never a panic.
    for bad in [
        export("-1", "2", salt, data, nonce),
        export("8192", "2.5", salt, data, nonce),
        export("8192", "2", "AAAA", data, nonce),
        export("8192", "2", salt, "AAAA", nonce),
        export("8192", "2", salt, data, "AAAA"),
        export("8192", "2", salt, "!!", nonce),
        export("0", "2", salt, data, nonce),
        export("8192", "0", salt, data, nonce),
    ] {
        let got = import::import(bad.as_bytes(), None, Some(b"pw")).err();
        assert_eq!(got, Some(ImportError::Malformed), "{bad}");
        read_every_way(bad.as_bytes(), Some(b"pw"));
    }
    // Well-formed but not sealed with this password: the opaque decrypt error.
    let sealed = export("8192", "1", salt, data, nonce);
    assert_eq!(
        import::import(sealed.as_bytes(), None, Some(b"pw")).err(),
        Some(ImportError::Decrypt)
    );
}

#[test]
fn hostile_andotp_iterations() {
    // Current format with 2^31 − 1 PBKDF2 iterations: refused without work, as a wrong password.
    let mut file = 0x7fff_ffffu32.to_be_bytes().to_vec();
    file.extend_from_slice(&[0u8; 12 + 12 + 32]);
    assert_eq!(import::detect(&file), Some(Format::AndOtpEncrypted));
    assert_eq!(
        import::import(&file, None, Some(b"test")).err(),
        Some(ImportError::Decrypt)
    );
    assert_eq!(
        import::import(&file, None, None).err(),
        Some(ImportError::PasswordRequired)
    );
    assert_eq!(
        import::import(&file[..20], Some(Format::AndOtpEncrypted), Some(b"test")).err(),
        Some(ImportError::Malformed)
    );
}

#[test]
fn odd_entries_are_skipped_with_reasons() {
    let vault = r#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[
        {"type":"totp","name":"ok","issuer":"A","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}},
        {"type":"motp","name":"m","issuer":"B","info":{"secret":"JBSWY3DPEHPK3PXP","pin":"1234","algo":"MD5","digits":6,"period":10}},
        {"type":"yandex","name":"y","issuer":"C","info":{"secret":"JBSWY3DPEHPK3PXP","pin":"1234","algo":"SHA256","digits":8,"period":30}},
        {"type":"totp","name":"bad","issuer":"D","info":{"secret":"not base32!","algo":"SHA1","digits":6,"period":30}},
        {"type":"totp","name":"digits","issuer":"E","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":11,"period":30}},
        {"type":"totp","name":"period","issuer":"F","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":0}},
        {"type":"hotp","name":"algo","issuer":"G","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"MD5","digits":6,"counter":1}},
        {"type":"hotp","name":"counter","issuer":"H","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"counter":-1}},
        {"type":"totp","name":"noinfo","issuer":"I"},
        {"type":"steam","name":"s","issuer":"Steam","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":5,"period":30}}
    ]}}"#;
    let imported = import::import(vault.as_bytes(), None, None).unwrap();
    assert_eq!(imported.format, Format::Aegis);
    let names: Vec<_> = imported.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["ok", "s"]);
    let skipped: Vec<_> = imported
        .skipped
        .iter()
        .map(|s| (s.index, s.name.as_str(), s.reason))
        .collect();
    assert_eq!(
        skipped,
        [
            (1, "m", reason::UNSUPPORTED_TYPE),
            (2, "y", reason::UNSUPPORTED_TYPE),
            (3, "bad", reason::INVALID_SECRET),
            (4, "digits", reason::INVALID_DIGITS),
            (5, "period", reason::INVALID_PERIOD),
            (6, "algo", reason::UNSUPPORTED_ALGORITHM),
            (7, "counter", reason::INVALID_COUNTER),
            (8, "noinfo", reason::INVALID_ENTRY),
        ]
    );
}

#[test]
fn text_lines_that_are_not_uris_are_skipped() {
    let text = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\r\n\r\nnot a uri\notpauth://totp/B:b?secret=1\notpauth-migration://offline?data=%%%\notpauth://yandex/C?secret=JBSWY3DPEHPK3PXP\n";
    let imported = import::import(text.as_bytes(), None, None).unwrap();
    assert_eq!(imported.accounts.len(), 1);
    let reasons: Vec<_> = imported
        .skipped
        .iter()
        .map(|s| (s.index, s.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            (1, reason::INVALID_URI),
            (2, reason::INVALID_SECRET),
            (3, reason::INVALID_URI),
            (4, reason::UNSUPPORTED_TYPE),
        ]
    );
}

/// A small deterministic generator (xorshift64*), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Fragments the generator splices into inputs, so that they reach past the format detection.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "-1",
    "1e400",
    "18446744073709551616",
    "\"secret\":",
    "\"type\":\"totp\"",
    "\"type\":\"hotp\"",
    "\"type\":\"steam\"",
    "\"type\":\"battle\"",
    "\"type\":\"hhex\"",
    "\"info\":{",
    "\"header\":{\"slots\":null,\"params\":null}",
    "\"db\":{\"entries\":[",
    "\"services\":[",
    "\"schemaVersion\":4",
    "\"tokens\":[",
    "\"items\":[",
    "\"dataType\":\"OTPStorage\"",
    "\"dataType\":\"EncOTPStorage\"",
    "\"dataType\":\"Key\"",
    "\"digits\":",
    "\"period\":",
    "\"counter\":",
    "\"algorithm\":\"SHA512\"",
    "\"algo\":\"MD5\"",
    "\"JBSWY3DPEHPK3PXP\"",
    "[-1,255,256]",
    "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP",
    "otpauth-migration://offline?data=",
    "steam://",
    "folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n",
    "\n",
    "\r\n",
    "\u{feff}",
    "é",
    "\u{0}",
];

#[test]
fn generated_inputs_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for _ in 0..600 {
        let mut input = Vec::new();
        for _ in 0..rng.below(40) {
            if rng.below(4) == 0 {
                input.push(rng.next() as u8);
            } else {
                input.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes());
            }
        }
        read_every_way(&input, Some(b"test"));
    }
}

/// Plain corpus files, cut short and mutated. (Encrypted ones are mutated in the fuzz target,
/// where work factors are clamped; here each would cost a key derivation.)
#[test]
fn truncated_and_mutated_corpus_files_never_panic() {
    let mut files = Vec::new();
    if let Some(dir) = corpus("aegis") {
        for name in [
            "plain.txt",
            "aegis_plain.json",
            "2fas_authenticator_plain_v4.2fas",
            "2fas_authenticator.json",
            "andotp_plain.json",
            "bitwarden.json",
            "bitwarden.csv",
            "freeotp_plus.json",
            "ente_auth.txt",
        ] {
            files.push(std::fs::read(dir.join("files").join(name)).unwrap());
        }
    }
    if let Some(dir) = corpus("authenticator-extension") {
        files.push(std::fs::read(dir.join("authenticator_plain.json")).unwrap());
        files.push(std::fs::read(dir.join("authenticator.txt")).unwrap());
    }
    let mut rng = Rng(0x5eed_0000_0000_0002);
    for file in &files {
        for cut in (0..file.len()).step_by(file.len() / 50 + 1) {
            read_every_way(&file[..cut], None);
        }
        for _ in 0..40 {
            let mut m = file.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(m.len());
                match rng.below(3) {
                    0 => m[at] = rng.next() as u8,
                    1 => {
                        m.remove(at);
                    }
                    _ => m.insert(at, b"{}[]\",:0-9"[rng.below(10)]),
                }
            }
            read_every_way(&m, None);
        }
    }
    // An encrypted file read with its password: every cut and mutation still ends in an error or
    // valid accounts (Ente's low-cost export, 10 KiB of Argon2 per attempt).
    if let Some(dir) = corpus("proton-authenticator") {
        let dir = dir.join("test_data/authenticator/ente");
        let file = std::fs::read(dir.join("encrypted.lowcomplexity.txt")).unwrap();
        let password = std::fs::read(dir.join("password")).unwrap();
        for cut in (0..file.len()).step_by(file.len() / 50 + 1) {
            read_every_way(&file[..cut], Some(&password));
        }
        for _ in 0..40 {
            let mut m = file.clone();
            let at = rng.below(m.len());
            m[at] = rng.next() as u8;
            read_every_way(&m, Some(&password));
        }
    }
}
