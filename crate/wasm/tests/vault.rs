//! The vault bindings as the service worker uses them, under node (`wasm-bindgen-test-runner`).
//!
//! Expected codes are RFC 6238 Appendix B; password keys come from the core's native
//! `derive_password_key` (the pbkdf2 crate), the same bits WebCrypto gives the worker
//! (tests/e2e/vault-kdf.test.mjs checks that against OpenSSL and RFC 7914).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect, Uint8Array};
use tessera_core::vault::derive_password_key;
use tessera_wasm::vault::{plan_save, select_current, vault_header, VaultHandle};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// RFC 6238 Appendix A seed for SHA1 (ASCII "12345678901234567890"), base32.
const SEED_SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// RFC 6238 Appendix B: SHA1, 8 digits, at T = 59 s and 1111111109 s.
const RFC6238_SHA1: [(f64, &str); 2] = [(59_000.0, "94287082"), (1_111_111_109_000.0, "07081804")];
const DEVICE: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];
const SALT: [u8; 16] = [7; 16];

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).expect("property read")
}

fn account(issuer: &str, secret: &str) -> JsValue {
    let obj = Object::new();
    let fields: [(&str, JsValue); 8] = [
        ("type", "totp".into()),
        ("issuer", issuer.into()),
        ("account", "alice".into()),
        ("secret", secret.into()),
        ("algorithm", "SHA1".into()),
        ("digits", 8.into()),
        ("period", 30.into()),
        ("counter", 0.into()),
    ];
    for (k, v) in fields {
        Reflect::set(&obj, &k.into(), &v).expect("property write");
    }
    obj.into()
}

fn code_of(err: JsValue) -> String {
    get(&err, "code").as_string().expect("a coded error")
}

/// (issuer, code) of every listed account at `ms`.
fn listed(h: &VaultHandle, ms: f64) -> Vec<(String, String)> {
    Array::from(&h.list(ms, None).expect("list"))
        .iter()
        .map(|a| {
            (
                get(&a, "issuer").as_string().unwrap_or_default(),
                get(&a, "code").as_string().unwrap_or_default(),
            )
        })
        .collect()
}

fn derived(password: &str, iterations: u32) -> Vec<u8> {
    derive_password_key(password.as_bytes(), &SALT, iterations)
        .expect("derive")
        .expose()
        .to_vec()
}

#[wasm_bindgen_test]
fn accounts_give_rfc_codes_and_survive_sealing() {
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    assert!(!h.is_protected());
    h.add(account("RFC", SEED_SHA1), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    for (ms, code) in RFC6238_SHA1 {
        assert_eq!(listed(&h, ms), [("RFC".to_owned(), code.to_owned())]);
    }
    let listing = js_sys::JSON::stringify(&h.list(59_000.0, None).expect("list")).expect("json");
    assert!(
        !String::from(listing).contains(SEED_SHA1),
        "no secret listed"
    );

    let reopened = VaultHandle::open_unprotected(&h.sealed(), &DEVICE).expect("reopen");
    assert_eq!(listed(&reopened, 59_000.0), listed(&h, 59_000.0));
}

#[wasm_bindgen_test]
fn the_same_account_is_refused_whatever_its_label_or_spelling() {
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    h.add(account("First", SEED_SHA1), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    let before = h.sealed();
    let spaced = "gezd gnbv gy3t qojq gezd gnbv gy3t qojq";
    let err = h
        .add(account("Second", spaced), 2_000.0, JsValue::UNDEFINED)
        .expect_err("dup");
    assert_eq!(code_of(err), "account_duplicate");
    assert_eq!(h.count(), 1);
    assert_eq!(h.sealed(), before, "nothing resealed");
    let err = h
        .add_uri(
            "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            3_000.0,
        )
        .expect_err("dup uri");
    assert_eq!(code_of(err), "account_duplicate");
}

#[wasm_bindgen_test]
fn sites_are_stored_normalized_listed_and_sealed() {
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    let sites: JsValue =
        Array::of3(&" Example.COM ".into(), &"".into(), &"example.com".into()).into();
    h.add(account("RFC", SEED_SHA1), 1_000.0, sites)
        .expect("add");
    h.add(
        account("Plain", "JBSWY3DPEHPK3PXP"),
        1_000.0,
        JsValue::UNDEFINED,
    )
    .expect("add");
    let sites_of = |h: &VaultHandle| -> Vec<Vec<String>> {
        Array::from(&h.list(59_000.0, None).expect("list"))
            .iter()
            .map(|a| {
                Array::from(&get(&a, "sites"))
                    .iter()
                    .map(|s| s.as_string().expect("a string"))
                    .collect()
            })
            .collect()
    };
    assert_eq!(sites_of(&h), [vec!["example.com".to_owned()], vec![]]);
    let reopened = VaultHandle::open_unprotected(&h.sealed(), &DEVICE).expect("reopen");
    assert_eq!(
        sites_of(&reopened),
        [vec!["example.com".to_owned()], vec![]]
    );
    let too_long: JsValue = Array::of1(&"a".repeat(254).into()).into();
    let err = h
        .add(account("Long", "GEZDGNBVGY3TQOJQ"), 1_000.0, too_long)
        .expect_err("too long");
    assert_eq!(code_of(err), "details_invalid");
}

#[wasm_bindgen_test]
fn password_set_change_and_remove_rotate_the_key() {
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    h.add(account("RFC", SEED_SHA1), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    let unprotected_key = h.session_key();

    let mut bits = derived("first", 10_000);
    h.set_password(&mut bits, SALT.to_vec(), 10_000)
        .expect("set");
    assert_eq!(bits, [0; 32], "the derived bits were wiped");
    assert!(h.is_protected());
    assert_ne!(h.session_key(), unprotected_key, "a new data key");
    let sealed = h.sealed();
    let header = vault_header(&sealed).expect("header");
    assert_eq!(get(&header, "protected"), JsValue::TRUE);
    assert_eq!(get(&header, "iterations").as_f64(), Some(10_000.0));
    assert_eq!(
        Uint8Array::new(&get(&header, "salt")).to_vec(),
        SALT.to_vec()
    );
    assert_eq!(
        code_of(
            VaultHandle::open_unprotected(&sealed, &DEVICE)
                .err()
                .expect("needs password")
        ),
        "vault_password_required"
    );

    let mut good = derived("first", 10_000);
    let opened = VaultHandle::open_with_key(&sealed, &mut good, &DEVICE).expect("open");
    assert_eq!(good, [0; 32]);
    assert_eq!(listed(&opened, 59_000.0), listed(&h, 59_000.0));
    let mut wrong = derived("First", 10_000);
    let err = VaultHandle::open_with_key(&sealed, &mut wrong, &DEVICE)
        .err()
        .expect("wrong");
    assert_eq!(code_of(err), "vault_decrypt");
    assert_eq!(wrong, [0; 32], "wiped on failure too");

    // The session cache opens the same vault after a worker restart.
    let mut session = h.session_key();
    let restarted =
        VaultHandle::open_with_session_key(&sealed, &mut session, &DEVICE).expect("session");
    assert_eq!(session, [0; 32]);
    assert_eq!(restarted.count(), 1);

    // Change: the old password and the old session key open only the old copy.
    let old_session = h.session_key();
    h.check_key(&mut derived("first", 10_000))
        .expect("current ok");
    assert_eq!(
        code_of(h.check_key(&mut derived("nope", 10_000)).expect_err("bad")),
        "vault_decrypt"
    );
    h.set_password(&mut derived("second", 10_000), SALT.to_vec(), 10_000)
        .expect("change");
    let changed = h.sealed();
    let err = VaultHandle::open_with_key(&changed, &mut derived("first", 10_000), &DEVICE)
        .err()
        .expect("old password");
    assert_eq!(code_of(err), "vault_decrypt");
    let err = VaultHandle::open_with_session_key(&changed, &mut old_session.clone(), &DEVICE)
        .err()
        .expect("old key");
    assert_eq!(code_of(err), "vault_decrypt");
    VaultHandle::open_with_key(&changed, &mut derived("second", 10_000), &DEVICE)
        .expect("new password");

    // Too few iterations are refused before any work.
    let err = h
        .set_password(&mut derived("x", 10_000), SALT.to_vec(), 9_999)
        .expect_err("floor");
    assert_eq!(code_of(err), "vault_iterations_out_of_range");

    h.remove_password().expect("remove");
    assert!(!h.is_protected());
    let plain = VaultHandle::open_unprotected(&h.sealed(), &DEVICE).expect("no password");
    assert_eq!(plain.count(), 1);
}

#[wasm_bindgen_test]
fn merging_a_backup_adds_new_accounts_and_reports_conflicts() {
    let mut mine = VaultHandle::create(&DEVICE).expect("create");
    mine.add(account("Mine", SEED_SHA1), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    let mut backup = VaultHandle::create(&[9; 8]).expect("create");
    backup
        .add(account("Theirs", SEED_SHA1), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    backup
        .add(
            account("New", "JBSWY3DPEHPK3PXP"),
            1_000.0,
            JsValue::UNDEFINED,
        )
        .expect("add");

    let report = mine.merge(&backup, 5_000.0).expect("merge");
    assert_eq!(Array::from(&get(&report, "added")).length(), 1);
    assert_eq!(get(&report, "unchanged").as_f64(), Some(0.0));
    let conflicts = Array::from(&get(&report, "conflicts"));
    assert_eq!(conflicts.length(), 1);
    let c = conflicts.get(0);
    assert_eq!(
        get(&get(&c, "current"), "issuer").as_string().as_deref(),
        Some("Mine")
    );
    assert_eq!(
        get(&get(&c, "imported"), "issuer").as_string().as_deref(),
        Some("Theirs")
    );
    assert_eq!(mine.count(), 2, "no duplicate");
    let mut issuers: Vec<String> = listed(&mine, 59_000.0).into_iter().map(|x| x.0).collect();
    issuers.sort();
    assert_eq!(
        issuers,
        ["Mine", "New"],
        "the conflicting label was not overwritten"
    );

    // The user chooses the backup's details.
    let id = get(&c, "id").as_string().expect("id");
    mine.update_details(&id, get(&c, "imported"), 6_000.0)
        .expect("update");
    let mut issuers: Vec<String> = listed(&mine, 59_000.0).into_iter().map(|x| x.0).collect();
    issuers.sort();
    assert_eq!(issuers, ["New", "Theirs"]);
    // And the codes are still RFC 6238's.
    assert!(listed(&mine, 59_000.0).contains(&("Theirs".to_owned(), "94287082".to_owned())));
}

#[wasm_bindgen_test]
fn store_plans_follow_the_core() {
    let h = VaultHandle::create(&DEVICE).expect("create");
    let pointer = 3u64.to_be_bytes().to_vec();
    let plan = plan_save(
        vec!["vault.3".into(), "vault.current".into(), "device.id".into()],
        Some(pointer.clone()),
    )
    .expect("plan");
    assert_eq!(
        get(&plan, "generationKey").as_string().as_deref(),
        Some("vault.4")
    );
    assert_eq!(
        Uint8Array::new(&get(&plan, "pointerValue")).to_vec(),
        4u64.to_be_bytes().to_vec()
    );
    let remove = Array::from(&get(&plan, "removeAfter"));
    assert_eq!(remove.length(), 1);
    assert_eq!(remove.get(0).as_string().as_deref(), Some("vault.3"));

    // A torn newer generation is passed over for the pointer's complete one.
    let sealed = h.sealed();
    let values = Array::new();
    values.push(&Uint8Array::from(&sealed[..]));
    values.push(&Uint8Array::from(&sealed[..sealed.len() - 1]));
    let chosen = select_current(
        Some(pointer),
        vec!["vault.3".into(), "vault.4".into()],
        values,
    )
    .expect("select");
    assert_eq!(get(&chosen, "index").as_f64(), Some(0.0));
    assert_eq!(get(&chosen, "fromPointer"), JsValue::TRUE);
    let err = select_current(None, vec!["vault.3".into()], Array::new()).expect_err("shape");
    assert_eq!(code_of(err), "entries_invalid");
}
