//! The exports as JavaScript sees them, under node (`wasm-bindgen-test-runner`).
//!
//! Expected codes are the RFCs' own tables, not outputs of our code.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use tessera_wasm::{
    code_at, code_at_offset, decode_migration, normalize_secret, parse_uri, write_uri,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// RFC 6238 Appendix A reference seeds: 20, 32 and 64 ASCII bytes for SHA1, SHA256, SHA512.
const SEED_SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SEED_SHA256: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
const SEED_SHA512: &str =
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";

/// RFC 6238 Appendix B: (time, SHA1, SHA256, SHA512), 8 digits, 30 s steps.
const RFC6238_APPENDIX_B: [(u64, &str, &str, &str); 6] = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
];

/// RFC 4226 Appendix D: HOTP of "12345678901234567890" for counters 0..9, 6 digits.
const RFC4226_APPENDIX_D: [&str; 10] = [
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
    "520489",
];

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).expect("property read")
}

fn account(otp_type: &str, secret: &str, algorithm: &str, digits: u32, counter: f64) -> JsValue {
    let obj = Object::new();
    let fields: [(&str, JsValue); 8] = [
        ("type", otp_type.into()),
        ("issuer", "Example".into()),
        ("account", "alice@example.com".into()),
        ("secret", secret.into()),
        ("algorithm", algorithm.into()),
        ("digits", digits.into()),
        ("period", 30.into()),
        ("counter", counter.into()),
    ];
    for (k, v) in fields {
        Reflect::set(&obj, &k.into(), &v).expect("property write");
    }
    obj.into()
}

fn set(obj: &JsValue, key: &str, value: JsValue) {
    Reflect::set(obj, &key.into(), &value).expect("property write");
}

/// The error is a real `Error` named "TesseraError" with the given code, and its message does not
/// contain the secret.
fn assert_tessera_error(err: JsValue, code: &str, secret: &str) {
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "not an Error: {err:?}"
    );
    let err: js_sys::Error = err.unchecked_into();
    assert_eq!(err.name(), "TesseraError");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some(code));
    let message: String = err.message().into();
    assert!(!message.is_empty());
    assert!(
        !message.contains(secret),
        "message leaks the secret: {message}"
    );
}

#[wasm_bindgen_test]
fn rfc6238_appendix_b() {
    for (time, sha1, sha256, sha512) in RFC6238_APPENDIX_B {
        for (algorithm, seed, want) in [
            ("SHA1", SEED_SHA1, sha1),
            ("SHA256", SEED_SHA256, sha256),
            ("SHA512", SEED_SHA512, sha512),
        ] {
            let code = code_at(
                account("totp", seed, algorithm, 8, 0.0),
                time as f64 * 1000.0,
            )
            .expect("code");
            assert_eq!(
                get(&code, "code").as_string().as_deref(),
                Some(want),
                "{algorithm} at {time}"
            );
            let step = time / 30;
            assert_eq!(get(&code, "counter").as_f64(), Some(step as f64));
            assert_eq!(
                get(&code, "validFrom").as_f64(),
                Some((step * 30_000) as f64)
            );
            assert_eq!(
                get(&code, "validUntil").as_f64(),
                Some(((step + 1) * 30_000) as f64)
            );
        }
    }
}

#[wasm_bindgen_test]
fn milliseconds_are_converted_to_seconds() {
    // 59,999 ms is still second 59 (step 1); 60,000 ms is step 2.
    let a = || account("totp", SEED_SHA1, "sha1", 8, 0.0);
    assert_eq!(
        get(&code_at(a(), 59_999.0).expect("code"), "code")
            .as_string()
            .as_deref(),
        Some("94287082")
    );
    assert_eq!(
        get(&code_at(a(), 60_000.0).expect("code"), "counter").as_f64(),
        Some(2.0)
    );
    // The previous step of 60 s is the RFC's row at 59 s.
    let previous = code_at_offset(a(), 60_000.0, -1).expect("code");
    assert_eq!(
        get(&previous, "code").as_string().as_deref(),
        Some("94287082")
    );
    assert_tessera_error(
        code_at(a(), -1.0).expect_err("negative time"),
        "time_invalid",
        SEED_SHA1,
    );
}

#[wasm_bindgen_test]
fn rfc4226_appendix_d() {
    for (counter, want) in RFC4226_APPENDIX_D.iter().enumerate() {
        let code =
            code_at(account("hotp", SEED_SHA1, "SHA1", 6, counter as f64), 0.0).expect("code");
        assert_eq!(
            get(&code, "code").as_string().as_deref(),
            Some(*want),
            "counter {counter}"
        );
        assert!(
            get(&code, "validUntil").is_null(),
            "HOTP codes have no expiry"
        );
    }
    // Offsets move the HOTP counter.
    let next = code_at_offset(account("hotp", SEED_SHA1, "SHA1", 6, 3.0), 0.0, 1).expect("code");
    assert_eq!(
        get(&next, "code").as_string().as_deref(),
        Some(RFC4226_APPENDIX_D[4])
    );
}

#[wasm_bindgen_test]
fn errors_are_tessera_errors_without_the_secret() {
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1";
    assert_tessera_error(
        code_at(account("totp", secret, "SHA1", 6, 0.0), 0.0).expect_err("bad base32"),
        "secret_invalid_character",
        "GEZDGNBVGY3TQOJQ",
    );
    assert_tessera_error(
        normalize_secret(secret).expect_err("bad base32"),
        "secret_invalid_character",
        "GEZDGNBV",
    );
    assert_tessera_error(
        code_at(account("totp", SEED_SHA1, "SHA1", 11, 0.0), 0.0).expect_err("11 digits"),
        "otp_invalid_digits",
        SEED_SHA1,
    );
    let zero_period = account("totp", SEED_SHA1, "SHA1", 6, 0.0);
    set(&zero_period, "period", 0.into());
    assert_tessera_error(
        code_at(zero_period, 0.0).expect_err("period 0"),
        "otp_invalid_period",
        SEED_SHA1,
    );
    assert_tessera_error(
        code_at(account("motp", SEED_SHA1, "SHA1", 6, 0.0), 0.0).expect_err("type"),
        "account_invalid_type",
        SEED_SHA1,
    );
    assert_tessera_error(
        code_at(account("totp", SEED_SHA1, "MD5", 6, 0.0), 0.0).expect_err("algorithm"),
        "account_invalid_algorithm",
        SEED_SHA1,
    );
    assert_tessera_error(
        code_at(JsValue::from_str(SEED_SHA1), 0.0).expect_err("shape"),
        "account_invalid",
        SEED_SHA1,
    );
    assert_tessera_error(
        parse_uri("https://example.com/").expect_err("not otpauth"),
        "uri_not_otpauth",
        "example",
    );
}

#[wasm_bindgen_test]
fn secrets_are_normalized() {
    assert_eq!(
        normalize_secret("gezd gnbv-gy3t qojq gezdgnbvgy3tqojq====").expect("valid"),
        SEED_SHA1
    );
    assert_tessera_error(
        normalize_secret("   ").expect_err("empty"),
        "secret_empty",
        "x",
    );
}

#[wasm_bindgen_test]
fn uri_round_trip_keeps_the_account() {
    // Google's Key Uri Format example (github.com/google/google-authenticator/wiki/Key-Uri-Format).
    let parsed = parse_uri(
        "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
    )
    .expect("parse");
    let want = [
        ("type", "totp"),
        ("issuer", "ACME Co"),
        ("account", "john.doe@email.com"),
        ("secret", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"),
        ("algorithm", "SHA1"),
    ];
    for (key, value) in want {
        assert_eq!(
            get(&parsed, key).as_string().as_deref(),
            Some(value),
            "{key}"
        );
    }
    assert_eq!(get(&parsed, "digits").as_f64(), Some(6.0));
    assert_eq!(get(&parsed, "period").as_f64(), Some(30.0));
    let uri = write_uri(parsed.clone()).expect("write");
    let again = parse_uri(&uri).expect("parse written");
    assert_eq!(
        js_sys::JSON::stringify(&again).expect("json"),
        js_sys::JSON::stringify(&parsed).expect("json"),
        "parse(write(x)) == x"
    );
}

#[wasm_bindgen_test]
fn migration_payload_is_decoded_into_account_objects() {
    // scito/extract_otp_secrets example_export.txt (commit b83dcadc), first URI: one TOTP account.
    let uri = "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B";
    let decoded = decode_migration(uri).expect("decode");
    assert_eq!(get(&decoded, "version").as_f64(), Some(1.0));
    assert_eq!(get(&decoded, "batchSize").as_f64(), Some(1.0));
    assert_eq!(get(&decoded, "batchIndex").as_f64(), Some(0.0));
    assert_eq!(get(&decoded, "batchId").as_f64(), Some(-1320898453.0));
    let accounts: js_sys::Array = get(&decoded, "accounts").unchecked_into();
    assert_eq!(accounts.length(), 1);
    let a = accounts.get(0);
    let want = [
        ("type", "totp"),
        ("issuer", "raspberrypi"),
        ("account", "pi@raspberrypi"),
        ("secret", "7KSQL2JTUDIS5EF65KLMRQIIGY"),
        ("algorithm", "SHA1"),
    ];
    for (key, value) in want {
        assert_eq!(get(&a, key).as_string().as_deref(), Some(value), "{key}");
    }
    assert_eq!(get(&a, "digits").as_f64(), Some(6.0));
    assert_eq!(js_sys::Array::from(&get(&decoded, "skipped")).length(), 0);
    assert_tessera_error(
        decode_migration("otpauth://totp/x?secret=GEZDGNBV").expect_err("not a migration URI"),
        "migration_not_migration",
        "GEZDGNBV",
    );
}
