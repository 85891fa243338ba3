//! Google Authenticator migration decoding against `migration/expected_decoded.json` (scito,
//! Stratum, dim13 and Proton URIs, with their upstream expectations and a full decode by the
//! corpus's own dependency-free decoder), and the must-fail inputs.
#![allow(clippy::unwrap_used)]

mod common;

use common::{hex, load, s, u};
use serde_json::Value;
use tessera_core::migration::{self, reason};
use tessera_core::uri;
use tessera_core::{Account, Algorithm, OtpType};

/// Our account for one decoded `otp_parameters` entry of the corpus, following issue 3's mapping.
/// `None` where issue 3 says the entry is skipped.
fn expected_account(p: &Value) -> Option<Account> {
    let (issuer, name) = (s(p, "issuer"), s(p, "name"));
    // Issue 3: an empty issuer with a name `Issuer:account` is split; an issuer's own prefix is
    // removed from the name (how Google Authenticator stores accounts added from a URI).
    let (issuer, name) = if issuer.is_empty() {
        name.split_once(':').unwrap_or(("", name))
    } else {
        (
            issuer,
            name.strip_prefix(issuer)
                .and_then(|n| n.strip_prefix(':'))
                .unwrap_or(name),
        )
    };
    let mut a = Account::totp(
        issuer,
        name.trim_start(),
        common::secret_b32(s(p, "secret_base32")),
    );
    assert_eq!(a.secret.expose(), hex(s(p, "secret_hex")));
    a.algorithm = match p["algorithm"].as_str().unwrap() {
        "SHA1" | "UNSPECIFIED(->SHA1)" => Algorithm::Sha1,
        "SHA256" => Algorithm::Sha256,
        "SHA512" => Algorithm::Sha512,
        _ => return None,
    };
    a.digits = match &p["digits"] {
        Value::String(t) if t == "UNSPECIFIED(->6)" => 6,
        d => d.as_u64().unwrap() as u8,
    };
    if s(p, "type") == "hotp" {
        a.otp_type = OtpType::Hotp;
        a.counter = u(p, "counter");
    }
    Some(a)
}

#[test]
fn expected_decoded_corpus() {
    let Some(items) = load("migration/expected_decoded.json") else {
        return;
    };
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 21);
    let (mut valid, mut failing, mut accounts) = (0, 0, 0);
    for item in items {
        let Some(input) = item["uri"].as_str() else {
            continue; // photos of QR codes: for the QR decoder, not this one
        };
        let result = migration::decode(input);
        let Some(decoded) = item.get("decoded") else {
            // Every item without a decode is a must-fail input (wrong data, prefix, scheme,
            // missing data parameter, prose).
            let err = result.unwrap_err();
            assert!(err.code().starts_with("migration_"), "{input}");
            failing += 1;
            continue;
        };
        let got = result.unwrap_or_else(|e| panic!("{input}: {e}"));
        let want: Vec<Account> = decoded["otp_parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(expected_account)
            .collect();
        assert_eq!(got.accounts, want, "{input}");
        assert!(got.skipped.is_empty());
        for (field, value) in [
            ("version", got.version),
            ("batch_size", got.batch_size),
            ("batch_index", got.batch_index),
            ("batch_id", got.batch_id),
        ] {
            if let Some(n) = decoded.get(field) {
                assert_eq!(i64::from(value), n.as_i64().unwrap(), "{field} of {input}");
            }
        }
        accounts += got.accounts.len();
        valid += 1;
    }
    // scito 5 URIs (6 entries) + plus problem (4) + Stratum (6) + dim13 x2 + Proton x3 (1, 7, 4);
    // 7 must-fail inputs.
    assert_eq!((valid, failing), (12, 7));
    assert_eq!(accounts, 30);
}

#[test]
fn named_failures_have_the_right_reason() {
    let Some(items) = load("migration/expected_decoded.json") else {
        return;
    };
    for item in items.as_array().unwrap() {
        let Some(input) = item["uri"].as_str() else {
            continue;
        };
        if item.get("decoded").is_some() {
            continue;
        }
        let code = migration::decode(input).unwrap_err().code();
        let want = match input {
            i if i.contains("datafail=") => "migration_missing_data",
            i if !i.starts_with("otpauth-migration://") => "migration_not_migration",
            // XXXX, invaliddata and rSQ04U9P… are valid base64 but not a payload.
            _ => "migration_invalid_payload",
        };
        assert_eq!(code, want, "{input}");
    }
}

#[test]
fn dim13_entry_converts_and_computes() {
    // dim13/otpauth convert_test.go and evaluate_test.go: the entry becomes
    // otpauth://totp/Example:alice@google.com?issuer=Example&period=30&secret=JBSWY3DPEHPK3PXP
    // and its TOTP at 2009-11-10T23:00:00Z is 528064.
    let d = migration::decode(
        "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC",
    )
    .unwrap();
    let dim13 = uri::parse(
        "otpauth://totp/Example:alice@google.com?issuer=Example&period=30&secret=JBSWY3DPEHPK3PXP",
    )
    .unwrap();
    assert_eq!(d.accounts, vec![dim13]);
    assert_eq!(d.accounts[0].code_at(1_257_894_000).unwrap().code, "528064");
}

#[test]
fn plus_problem_and_percent_forms_agree() {
    // scito's test_plus_problem_export.txt: raw base64 with '+' and '/' must decode as such; the
    // same data percent-encoded, or with '+' turned into ' ' by a form decoder, must too.
    let Some(items) = load("migration/expected_decoded.json") else {
        return;
    };
    let raw = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["uri"].as_str())
        .find(|u| u.contains("ClEKFAciUeGF4aS6"))
        .unwrap();
    assert!(raw.contains('+') && raw.contains('/'));
    let want = migration::decode(raw).unwrap();
    assert_eq!(want.accounts.len(), 4);
    let (prefix, data) = raw.split_once("data=").unwrap();
    let escaped = data
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    assert_eq!(
        migration::decode(&format!("{prefix}data={escaped}")).unwrap(),
        want
    );
    assert_eq!(migration::decode(&raw.replace('+', " ")).unwrap(), want);
}

#[test]
fn proton_mixed_payloads_keep_hotp() {
    // Proton skips HOTP entries; issue 3 maps type 1 to HOTP, so all 7 and all 4 records are read.
    let Some(items) = load("migration/expected_decoded.json") else {
        return;
    };
    let counts: Vec<(usize, usize)> = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| s(i, "source").starts_with("protonpass") && i.get("decoded").is_some())
        .map(|i| {
            let d = migration::decode(s(i, "uri")).unwrap();
            (
                d.accounts.len(),
                d.accounts
                    .iter()
                    .filter(|a| a.otp_type == OtpType::Hotp)
                    .count(),
            )
        })
        .collect();
    assert_eq!(counts, vec![(1, 0), (7, 2), (4, 1)]);
}

#[test]
fn md5_and_unknown_enums_are_skipped_with_reasons() {
    // Hand-built payload (protobuf per dim13's migration.proto): four entries with the same
    // 10-byte secret: MD5 (algorithm 4), digits 3, type 7, and a good one.
    fn entry(name: &str, algorithm: u8, digits: u8, otp_type: u8) -> Vec<u8> {
        let mut e = vec![0x0a, 10];
        e.extend_from_slice(b"Hello!\xde\xad\xbe\xef");
        e.extend_from_slice(&[0x12, name.len() as u8]);
        e.extend_from_slice(name.as_bytes());
        e.extend_from_slice(&[0x20, algorithm, 0x28, digits, 0x30, otp_type]);
        let mut field = vec![0x0a, e.len() as u8];
        field.extend(e);
        field
    }
    let mut payload = Vec::new();
    for e in [
        entry("Md5:a", 4, 1, 2),
        entry("b", 1, 3, 2),
        entry("c", 1, 1, 7),
        entry("Ok:d", 2, 2, 2),
    ] {
        payload.extend(e);
    }
    let d = migration::decode(&format!(
        "otpauth-migration://offline?data={}",
        base64(&payload)
    ))
    .unwrap();
    let reasons: Vec<_> = d
        .skipped
        .iter()
        .map(|k| (k.index, k.issuer.as_str(), k.name.as_str(), k.reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (0, "Md5", "a", reason::UNSUPPORTED_ALGORITHM),
            (1, "", "b", reason::UNSUPPORTED_DIGITS),
            (2, "", "c", reason::UNSUPPORTED_TYPE),
        ]
    );
    assert_eq!(d.accounts.len(), 1);
    assert_eq!(
        (d.accounts[0].issuer.as_str(), d.accounts[0].name.as_str()),
        ("Ok", "d")
    );
    assert_eq!(
        (d.accounts[0].algorithm, d.accounts[0].digits),
        (Algorithm::Sha256, 8)
    );
}

#[test]
fn encode_leaves_out_what_google_authenticator_cannot_hold() {
    let secret = || common::secret_b32("JBSWY3DPEHPK3PXP");
    let ok = Account::totp("Example", "alice", secret());
    let steam = Account::steam("gaben", secret());
    let mut period = ok.clone();
    period.period = 60;
    let mut digits = ok.clone();
    digits.digits = 7;
    let e = migration::encode(&[steam, ok.clone(), period, digits], 42);
    let left: Vec<_> = e.left_out.iter().map(|l| (l.index, l.reason)).collect();
    assert_eq!(
        left,
        vec![(0, reason::STEAM), (2, reason::PERIOD), (3, reason::DIGITS)]
    );
    assert_eq!(e.uris.len(), 1);
    let d = migration::decode(&e.uris[0]).unwrap();
    assert_eq!(d.accounts, vec![ok]);
    assert_eq!(
        (d.version, d.batch_size, d.batch_index, d.batch_id),
        (1, 1, 0, 42)
    );
}

#[test]
fn encode_batches_within_the_qr_limit() {
    let accounts: Vec<Account> = (0..25)
        .map(|i| {
            let secret = tessera_core::Secret::from_bytes(vec![i as u8; 10]).unwrap();
            Account::totp(&format!("I{i}"), &format!("u{i}"), secret)
        })
        .collect();
    let e = migration::encode(&accounts, -7);
    assert!(e.left_out.is_empty());
    assert_eq!(
        e.uris.len(),
        3,
        "10 accounts per code, as Google Authenticator exports"
    );
    let mut back = Vec::new();
    for (index, u) in e.uris.iter().enumerate() {
        let d = migration::decode(u).unwrap();
        assert_eq!(
            (d.batch_size, d.batch_index, d.batch_id),
            (3, index as i32, -7)
        );
        back.extend(d.accounts);
    }
    assert_eq!(back, accounts);
    // Long names: the payload limit, not the count, splits them.
    let long: Vec<Account> = (0..6)
        .map(|i| {
            Account::totp(
                &"I".repeat(100),
                &format!("{i}{}", "n".repeat(100)),
                common::secret_b32("JBSWY3DPEHPK3PXP"),
            )
        })
        .collect();
    let e = migration::encode(&long, 1);
    assert!(e.uris.len() >= 2);
    for u in &e.uris {
        let data = u.split_once("data=").unwrap().1;
        let payload_len = data
            .replace("%2B", "+")
            .replace("%2F", "/")
            .replace("%3D", "=")
            .trim_end_matches('=')
            .len()
            * 3
            / 4;
        assert!(payload_len <= migration::MAX_PAYLOAD_BYTES, "{payload_len}");
    }
    assert!(migration::encode(&[], 1).uris.is_empty());
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}
