//! `tessera verify`, `tessera new` and `tessera code --watch` (issue 12), run as a user would run
//! them. Truth: RFC 6238 Appendix B / RFC 4226 Appendix D codes, our QR reader (rqrr, independent of
//! the `qrcode` encoder `new --qr` uses), and totp-rs for live codes.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

/// RFC 6238 Appendix B: SHA1 seed "12345678901234567890", 8 digits; T = 59 gives 94287082 (step 1).
const RFC6238_SHA1: &str =
    "otpauth://totp/RFC:6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8";
const RFC6238_T59: &str = "94287082";
/// RFC 4226 Appendix D: the same seed, HOTP counter 0; counter 2 gives 359152.
const RFC4226: &str = "otpauth://hotp/RFC:4226?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0";
const RFC4226_C2: &str = "359152";

fn tessera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// (exit status, stdout trimmed).
fn run(args: &[&str]) -> (i32, String) {
    let out = tessera(args);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap().trim().to_owned(),
    )
}

#[test]
fn verify_at_step_boundaries() {
    // The code of step 1 (t = 30..=59) seen from neighbouring steps.
    let cases: &[(&str, &str, (i32, &str))] = &[
        ("29", "1", (0, "1")),  // one step early: the next code
        ("30", "0", (0, "0")),  // first second of its step
        ("59", "0", (0, "0")),  // last second of its step
        ("60", "0", (1, "")),   // next step, no window
        ("60", "1", (0, "-1")), // next step, window 1
        ("89", "1", (0, "-1")),
        ("90", "1", (1, "")), // two steps late
        ("90", "2", (0, "-2")),
        ("0", "0", (1, "")),
        ("0", "1", (0, "1")),
    ];
    for (time, window, want) in cases {
        let got = run(&[
            "verify",
            RFC6238_SHA1,
            RFC6238_T59,
            "--time",
            time,
            "--window",
            window,
        ]);
        assert_eq!(got, (want.0, want.1.to_owned()), "t={time} window={window}");
    }
    // The default window is 1.
    assert_eq!(
        run(&["verify", RFC6238_SHA1, RFC6238_T59, "--time", "60"]),
        (0, "-1".to_owned())
    );
}

#[test]
fn verify_hotp_looks_ahead_only() {
    assert_eq!(
        run(&["verify", RFC4226, RFC4226_C2, "--window", "2"]),
        (0, "2".to_owned())
    );
    assert_eq!(run(&["verify", RFC4226, RFC4226_C2, "--window", "1"]).0, 1);
    let from_3 = RFC4226.replace("counter=0", "counter=3");
    assert_eq!(run(&["verify", &from_3, RFC4226_C2, "--window", "5"]).0, 1);
}

#[test]
fn verify_bad_input_is_status_2() {
    for args in [
        vec!["verify", RFC6238_SHA1],
        vec!["verify", "otpauth://totp/x?secret=1", "123456"],
        vec!["verify", RFC6238_SHA1, "1", "--window", "-1"],
        vec!["verify", RFC6238_SHA1, "1", "--frobnicate", "1"],
    ] {
        let out = tessera(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert_eq!(String::from_utf8(out.stderr).unwrap().lines().count(), 1);
    }
}

#[test]
fn new_makes_a_fresh_valid_account() {
    let (status, a) = run(&[
        "new",
        "--issuer",
        "Test Co",
        "--account",
        "bob@example.test",
    ]);
    assert_eq!(status, 0);
    let (_, b) = run(&[
        "new",
        "--issuer",
        "Test Co",
        "--account",
        "bob@example.test",
    ]);
    assert_ne!(a, b, "two new accounts share a secret");
    let (status, parsed) = run(&["parse", &a]);
    assert_eq!(status, 0);
    let parsed: serde_json::Value = serde_json::from_str(&parsed).unwrap();
    assert_eq!(parsed["issuer"], "Test Co");
    assert_eq!(parsed["account"], "bob@example.test");
    assert_eq!(
        parsed["secret"].as_str().unwrap().len(),
        32,
        "20 random bytes are 32 base32 characters"
    );

    let (_, hotp) = run(&[
        "new",
        "--issuer",
        "T",
        "--account",
        "a",
        "--type",
        "hotp",
        "--digits",
        "8",
        "--counter",
        "7",
    ]);
    let parsed: serde_json::Value = serde_json::from_str(&run(&["parse", &hotp]).1).unwrap();
    assert_eq!(
        (
            parsed["type"].as_str(),
            parsed["digits"].as_u64(),
            parsed["counter"].as_u64()
        ),
        (Some("hotp"), Some(8), Some(7))
    );

    for bad in [
        vec!["--digits", "11"],
        vec!["--period", "0"],
        vec!["--bytes", "8"],
        vec!["--type", "motp"],
    ] {
        let mut args = vec!["new", "--issuer", "T", "--account", "a"];
        args.extend(bad.iter());
        assert_eq!(tessera(&args).status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn new_qr_codes_read_back_to_the_uri() {
    let dir = std::env::temp_dir().join(format!("tessera-new-qr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("code.png");
    let (status, uri) = run(&[
        "new",
        "--issuer",
        "Example Corp",
        "--account",
        "alice",
        "--qr",
        png.to_str().unwrap(),
    ]);
    assert_eq!(status, 0);
    assert_eq!(run(&["qr", png.to_str().unwrap()]), (0, uri.clone()));

    let svg = dir.join("code.svg");
    let (_, uri_svg) = run(&[
        "new",
        "--issuer",
        "E",
        "--account",
        "a",
        "--qr",
        svg.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("<path"), "{text}");
    assert!(uri_svg.starts_with("otpauth://totp/E:a?secret="));

    let (_, terminal) = run(&["new", "--issuer", "E", "--account", "a", "--qr", "-"]);
    let mut lines = terminal.lines();
    assert!(lines.next().unwrap().starts_with("otpauth://"));
    let art: Vec<&str> = lines.collect();
    assert!(art.len() > 10 && art.iter().all(|l| l.chars().all(|c| " ▀▄█".contains(c))));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn watch_prints_live_codes() {
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let mut child = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["code", "--watch", secret])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    child.kill().unwrap();
    child.wait().unwrap();
    let mut parts = line.split_whitespace();
    let (code, left) = (
        parts.next().unwrap(),
        parts.next().unwrap().parse::<u64>().unwrap(),
    );
    assert!((1..=30).contains(&left), "{line}");
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        b"12345678901234567890".to_vec(),
    )
    .unwrap();
    // The line was printed within a second before `now`: its code is that of now's step or the one before.
    assert!(
        [totp.generate(now), totp.generate(now - 1)].contains(&code.to_owned()),
        "{line}"
    );
    assert_eq!(parts.next(), Some("s"));
}

#[test]
fn watch_refuses_hotp() {
    assert_eq!(
        tessera(&["code", "--watch", RFC4226]).status.code(),
        Some(2)
    );
}
