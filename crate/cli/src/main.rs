//! `tessera`: one-time codes, otpauth URIs and Google Authenticator migration from the shell.
//!
//! A thin shell over `tessera-core`: it reads arguments and standard input, supplies the clock
//! (the only place that reads it), and prints. Arguments are parsed by hand to keep start-up fast.
//! On bad input it prints one line naming the problem on standard error (never the secret),
//! nothing on standard output, and exits with status 2.

use std::ffi::OsString;
use std::io::Read;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use account_json::AccountJson;
use serde::Serialize;
use serde_json::{Map, Value};
use tessera_core::{migration, otp, uri, Account, Algorithm, OtpType, Secret};

mod account_json;
mod dev_cmd;
mod export_cmd;
mod import_cmd;
mod qr_cmd;
mod vault_cmd;

const HELP: &str = "\
tessera: one-time codes, otpauth URIs and Google Authenticator migration

USAGE:
    tessera code <URI-or-base32-secret> [--time <unix-seconds>] [--counter <n>] [--json]
    tessera parse <URI>
    tessera migration decode <otpauth-migration-URI>
    tessera migration encode [--batch-id <n>]     < accounts.json
    tessera uri                                   < account.json
    tessera code --watch <URI-or-base32-secret>
    tessera new --issuer <name> --account <name> [--type totp|hotp|steam] [--algorithm <name>]
                [--digits <n>] [--period <s>] [--counter <n>] [--bytes <n>] [--qr <file.png|file.svg|->]
    tessera verify <URI-or-secret> <code> [--window <n>] [--time <unix-seconds>]
    tessera vault create|inspect|open|passwd ...  (tessera vault help)
    tessera qr <image>... [--json]
    tessera import <file> [--password-file <f>] [--format <name>]
    tessera export <vault> --format uris|aegis|migration [--password-file <f> | --password-stdin]
                   [--qr-dir <dir>] [--batch-id <n>]
    tessera --help | --version

COMMANDS:
    code       Prints the current code: TOTP and Steam at --time (default: now), HOTP at
               --counter (default: the URI's counter; --time does not apply). A bare base32
               secret is a TOTP account with SHA1, 6 digits and 30 s. With --json prints
               {\"code\":\"...\",\"valid_for\":<seconds left>} (valid_for is null for HOTP).
    parse      Prints the account of an otpauth:// or steam:// URI as JSON:
               {\"type\",\"issuer\",\"account\",\"secret\",\"algorithm\",\"digits\",\"period\"}
               (\"counter\" instead of \"period\" for HOTP).
    migration decode
               Prints the accounts of an otpauth-migration:// URI as a JSON array of such
               objects. Entries that cannot be imported are named on standard error.
    migration encode
               Reads a JSON array of such objects and prints otpauth-migration:// URIs, one per
               line (one QR code each). Accounts Google Authenticator cannot hold are named on
               standard error. --batch-id defaults to a value taken from the clock.
    uri        Reads one such object and prints its canonical otpauth:// URI.
    code --watch
               Prints the current code and the seconds left once a second, until interrupted.
    new        Makes a test account with a random secret (20 bytes unless --bytes) and prints its
               URI; --qr writes its QR code as PNG or SVG, or draws it on the terminal (-).
    verify     Checks a code at --time (default: now) within --window steps either side (default
               1; HOTP looks ahead from the counter). Prints the matching step offset (0, -1, 1, ...)
               and exits 0, or exits 1 when the code does not match.
    vault      Creates, inspects, opens and re-keys Tessera vault files; passwords come from a
               file or standard input, never the command line. `tessera vault help` for details.
    import     Reads another authenticator's export (Authenticator extension, Aegis, 2FAS, andOTP,
               Bitwarden, Ente Auth, FreeOTP+, Google Authenticator migration URIs, otpauth://
               lists; encrypted ones with --password-file) and prints its accounts as a JSON array
               of such objects; skipped entries go to standard error.
    export     Writes the accounts of a vault file for another app: otpauth:// URIs (uris), an
               Aegis plain vault (aegis), or Google Authenticator transfer URIs (migration; with
               --qr-dir also one PNG QR code each, migration-1-of-N.png). The output is NOT
               encrypted (a warning says so on standard error); accounts Google Authenticator
               cannot hold are named on standard error with the reason.
    qr         Decodes the QR codes in PNG, JPEG, GIF, BMP or WebP images and prints each text
               on its own line; --json prints [{\"file\":...,\"texts\":[...]}].

    In input objects only \"secret\" is required; \"type\" defaults to totp, \"issuer\" and
    \"account\" to \"\", \"algorithm\" to SHA1, \"digits\" to 6 (5 for steam), \"period\" to 30,
    \"counter\" to 0.

    Any <URI> argument may be `-` to read it from standard input instead, which keeps secrets
    out of the process list and the shell history.

EXIT STATUS:
    0 success, 1 `verify` found no match, 2 bad input or usage (one line on standard error, nothing on standard output).
";

/// A problem to report: one line on standard error, exit status 2.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure(message.into()))
}

/// What a successful run prints.
#[derive(Default)]
struct Output {
    stdout: String,
    notes: Vec<String>,
    /// Exit status on success: 0, or 1 for `verify` with a code that does not match.
    status: u8,
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match run(&args) {
        Ok(output) => {
            for note in &output.notes {
                eprintln!("tessera: {note}");
            }
            print!("{}", output.stdout);
            ExitCode::from(output.status)
        }
        Err(Failure(message)) => {
            eprintln!("tessera: {}", message.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

fn run(raw_args: &[OsString]) -> Result<Output, Failure> {
    let mut args = Vec::with_capacity(raw_args.len());
    for arg in raw_args {
        match arg.to_str() {
            Some(a) => args.push(a),
            None => return fail("arguments must be valid UTF-8"),
        }
    }
    let mut output = Output::default();
    match args.as_slice() {
        [] => return fail("missing command; see tessera --help"),
        ["--help" | "-h" | "help", ..] => output.stdout = HELP.to_owned(),
        ["--version" | "-V"] => output.stdout = format!("tessera {}\n", env!("CARGO_PKG_VERSION")),
        ["code", "--watch", input] | ["code", input, "--watch"] => {
            dev_cmd::watch(&Account::from_uri_or_secret(&argument(input)?)?)
                .map_err(|e| Failure(e.0))?
        }
        ["code", rest @ ..] => output.stdout = code(rest)?,
        ["new", rest @ ..] => output.stdout = dev_cmd::new(rest).map_err(|e| Failure(e.0))?,
        ["verify", rest @ ..] => {
            match dev_cmd::verify(rest, |a| {
                argument(a).map_err(|Failure(m)| dev_cmd::DevError(m))
            }) {
                Ok(Some(offset)) => output.stdout = format!("{offset}\n"),
                Ok(None) => {
                    output.notes.push("the code does not match".into());
                    output.status = 1;
                }
                Err(e) => return Err(Failure(e.0)),
            }
        }
        ["parse", input] => {
            let account = uri::parse(&argument(input)?)?;
            output.stdout = format!("{}\n", serde_json::to_string(&AccountJson::of(&account))?);
        }
        ["parse", ..] => return fail("usage: tessera parse <URI>"),
        ["migration", "decode", input] => {
            let decoded = migration::decode(&argument(input)?)?;
            let list: Vec<_> = decoded.accounts.iter().map(AccountJson::of).collect();
            output.stdout = format!("{}\n", serde_json::to_string(&list)?);
            output.notes = decoded
                .skipped
                .iter()
                .map(|s| describe("skipped", s))
                .collect();
        }
        ["migration", "decode", ..] => return fail("usage: tessera migration decode <URI>"),
        ["migration", "encode", rest @ ..] => {
            let batch_id = match rest {
                [] => clock_batch_id()?,
                ["--batch-id", n] => match n.parse::<i32>() {
                    Ok(n) => n,
                    Err(_) => return fail("--batch-id must be a whole number that fits 32 bits"),
                },
                _ => {
                    return fail("usage: tessera migration encode [--batch-id <n>] < accounts.json")
                }
            };
            let accounts = match read_json_stdin()? {
                Value::Array(items) => {
                    let mut accounts = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        let account = account_from_json(item)
                            .map_err(|Failure(m)| Failure(format!("account {}: {m}", i + 1)))?;
                        accounts.push(account);
                    }
                    accounts
                }
                _ => return fail("standard input must be a JSON array of accounts"),
            };
            let encoded = migration::encode(&accounts, batch_id);
            output.stdout = encoded.uris.iter().map(|u| format!("{u}\n")).collect();
            output.notes = encoded
                .left_out
                .iter()
                .map(|s| describe("left out", s))
                .collect();
        }
        ["migration", ..] => {
            return fail("usage: tessera migration decode <URI> | tessera migration encode")
        }
        ["uri"] => {
            let account = account_from_json(&read_json_stdin()?)?;
            let written = uri::write(&account);
            // The written URI must read back: this catches names too long for a URI.
            uri::parse(&written)?;
            output.stdout = format!("{written}\n");
        }
        ["uri", ..] => return fail("usage: tessera uri < account.json"),
        ["vault", rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|a| a.to_string()).collect();
            output.stdout = vault_cmd::run(&rest, &mut std::io::stdin().lock())
                .map_err(|e| Failure(format!("vault: {e} [{}]", e.code())))?;
        }
        ["import", rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|a| a.to_string()).collect();
            let (stdout, notes) = import_cmd::run(&rest)
                .map_err(|e| Failure(format!("import: {e} [{}]", e.code())))?;
            output.stdout = stdout;
            output.notes = notes;
        }
        ["export", rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|a| a.to_string()).collect();
            let exported = export_cmd::run(&rest, &mut std::io::stdin().lock())
                .map_err(|e| Failure(format!("export: {e} [{}]", e.code())))?;
            output.stdout = exported.stdout.to_string();
            output.notes = exported.notes;
        }
        ["qr", rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|a| a.to_string()).collect();
            output.stdout =
                qr_cmd::run(&rest).map_err(|e| Failure(format!("qr: {e} [{}]", e.code())))?;
        }
        [other, ..] if other.starts_with('-') => return fail("unknown option; see tessera --help"),
        _ => return fail("unknown command; see tessera --help"),
    }
    Ok(output)
}

/// `tessera code <input> [--time N] [--counter N] [--json]`.
fn code(args: &[&str]) -> Result<String, Failure> {
    let (mut input, mut time, mut counter, mut json) = (None, None, None, false);
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "--json" if !json => json = true,
            "--time" | "--counter" => {
                let Some(value) = args.get(i + 1) else {
                    return fail(format!("{} needs a value", args[i]));
                };
                let Some(n) = parse_u64(value) else {
                    return fail(format!("{} must be a whole number from 0 to {}", args[i], u64::MAX));
                };
                let slot = if args[i] == "--time" { &mut time } else { &mut counter };
                if slot.replace(n).is_some() {
                    return fail(format!("{} given twice", args[i]));
                }
                i += 1;
            }
            "--json" => return fail("--json given twice"),
            a if a.starts_with("--") => return fail("unknown option; see tessera --help"),
            a if input.is_none() => input = Some(a),
            _ => return fail("usage: tessera code <URI-or-base32-secret> [--time <unix-seconds>] [--counter <n>] [--json]"),
        }
        i += 1;
    }
    let Some(input) = input else {
        return fail("usage: tessera code <URI-or-base32-secret> [--time <unix-seconds>] [--counter <n>] [--json]");
    };
    let input = argument(input)?;
    let mut account = Account::from_uri_or_secret(&input)?;
    let now = match time {
        Some(t) => t,
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Failure("the system clock is before 1970".into()))?
            .as_secs(),
    };
    if let Some(c) = counter {
        if account.otp_type != OtpType::Hotp {
            return fail("--counter applies to HOTP accounts only");
        }
        account.counter = c;
    }
    let code = account.code_at(now)?;
    if !json {
        return Ok(format!("{}\n", code.code));
    }
    let valid_for = match account.otp_type {
        OtpType::Hotp => None,
        _ => Some(otp::seconds_left(now, account.period)?),
    };
    #[derive(Serialize)]
    struct CodeJson<'a> {
        code: &'a str,
        valid_for: Option<u64>,
    }
    Ok(format!(
        "{}\n",
        serde_json::to_string(&CodeJson {
            code: &code.code,
            valid_for
        })?
    ))
}

/// A decimal `u64` of ASCII digits only.
fn parse_u64(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The argument itself, or standard input (trimmed) for `-`.
fn argument(arg: &str) -> Result<String, Failure> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    let mut text = String::new();
    std::io::stdin()
        .take(1 << 20)
        .read_to_string(&mut text)
        .map_err(|_| Failure("standard input is not readable UTF-8 text".into()))?;
    Ok(text.trim().to_owned())
}

fn read_json_stdin() -> Result<Value, Failure> {
    let text = argument("-")?;
    // serde_json's own messages can quote the input; report only where the problem is.
    serde_json::from_str(&text).map_err(|e| {
        Failure(format!(
            "standard input is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

/// Reads an account object (the shape `parse` prints). Messages name fields, never values.
fn account_from_json(value: &Value) -> Result<Account, Failure> {
    const FIELDS: [&str; 8] = [
        "type",
        "issuer",
        "account",
        "secret",
        "algorithm",
        "digits",
        "period",
        "counter",
    ];
    let Value::Object(map) = value else {
        return fail("an account must be a JSON object");
    };
    if map.keys().any(|k| !FIELDS.contains(&k.as_str())) {
        return fail(format!(
            "unknown field; the fields are {}",
            FIELDS.join(", ")
        ));
    }
    let otp_type = match text_field(map, "type")? {
        None => OtpType::Totp,
        Some(name) => match OtpType::from_name(name) {
            Some(t) => t,
            None => return fail("\"type\" must be totp, hotp or steam"),
        },
    };
    let Some(secret) = text_field(map, "secret")? else {
        return fail("the account has no \"secret\"");
    };
    let secret = Secret::from_base32(secret)?;
    let issuer = text_field(map, "issuer")?.unwrap_or("");
    let name = text_field(map, "account")?.unwrap_or("");
    let mut account = match otp_type {
        OtpType::Steam => {
            let mut a = Account::steam(name, secret);
            if !issuer.is_empty() {
                a.issuer = issuer.to_owned();
            }
            a
        }
        _ => Account::totp(issuer, name, secret),
    };
    account.otp_type = otp_type;
    if let Some(name) = text_field(map, "algorithm")? {
        account.algorithm = match Algorithm::from_name(name) {
            Some(a) => a,
            None => return fail("\"algorithm\" must be SHA1, SHA256 or SHA512"),
        };
    }
    if let Some(n) = number_field(map, "digits")? {
        account.digits =
            u8::try_from(n).map_err(|_| Failure(otp::OtpError::InvalidDigits.to_string()))?;
    }
    if let Some(n) = number_field(map, "period")? {
        account.period =
            u32::try_from(n).map_err(|_| Failure(otp::OtpError::InvalidPeriod.to_string()))?;
    }
    if let Some(n) = number_field(map, "counter")? {
        account.counter = n;
    }
    if otp_type == OtpType::Steam && account.algorithm != Algorithm::Sha1 {
        return fail("Steam accounts use SHA1");
    }
    account.validate()?;
    Ok(account)
}

fn text_field<'a>(map: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, Failure> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => fail(format!("\"{key}\" must be a string")),
    }
}

fn number_field(map: &Map<String, Value>, key: &str) -> Result<Option<u64>, Failure> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) => Ok(Some(n)),
            None => fail(format!("\"{key}\" must be a whole number")),
        },
    }
}

/// One line about a skipped or left-out entry: position, names and the stable reason code.
fn describe(what: &str, s: &migration::Skipped) -> String {
    let names = match (s.issuer.is_empty(), s.name.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!(" ({})", s.issuer),
        (true, false) => format!(" ({})", s.name),
        (false, false) => format!(" ({}: {})", s.issuer, s.name),
    };
    format!("{what} account {}{names}: {}", s.index + 1, s.reason).replace('\n', " ")
}

/// A batch id from the clock (the core takes it as an argument; any value works).
fn clock_batch_id() -> Result<i32, Failure> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Failure("the system clock is before 1970".into()))?;
    Ok((now.as_secs() as i32) ^ (now.subsec_nanos() as i32))
}
