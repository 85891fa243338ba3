//! Commands for web developers testing sign-in flows (issue 12): `tessera new`, `tessera verify`
//! and `tessera code --watch`.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use tessera_core::qr_encode::{self, QrMatrix, QUIET_ZONE as QUIET};
use tessera_core::{otp, uri, Account, Algorithm, OtpType, Secret};

/// Why a developer command failed: one line on standard error, exit status 2.
#[derive(Debug)]
pub struct DevError(pub String);

impl<E: std::fmt::Display> From<E> for DevError {
    fn from(e: E) -> Self {
        DevError(e.to_string())
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, DevError> {
    Err(DevError(message.into()))
}

/// Seconds since 1970 from the system clock (the core never reads a clock).
pub fn now() -> Result<u64, DevError> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| DevError("the system clock is before 1970".into()))
}

/// `--name value` pairs, in command-line order.
type Opts<'a> = Vec<(&'a str, &'a str)>;

/// Splits `--name value` options from positional arguments. Every option takes a value.
fn options<'a>(args: &[&'a str], allowed: &[&str]) -> Result<(Vec<&'a str>, Opts<'a>), DevError> {
    let (mut positional, mut opts) = (Vec::new(), Opts::new());
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a.starts_with("--") {
            if !allowed.contains(&a) {
                return fail(format!("unknown option {a}; see tessera --help"));
            }
            let Some(value) = args.get(i + 1) else {
                return fail(format!("{a} needs a value"));
            };
            if opts.iter().any(|(n, _)| *n == a) {
                return fail(format!("{a} given twice"));
            }
            opts.push((a, value));
            i += 2;
        } else {
            positional.push(a);
            i += 1;
        }
    }
    Ok((positional, opts))
}

fn opt<'a>(opts: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    opts.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

fn number<T: std::str::FromStr>(opts: &[(&str, &str)], name: &str) -> Result<Option<T>, DevError> {
    match opt(opts, name) {
        None => Ok(None),
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => match v.parse() {
            Ok(n) => Ok(Some(n)),
            Err(_) => fail(format!("{name} is too large")),
        },
        Some(_) => fail(format!("{name} must be a whole number")),
    }
}

/// `tessera new …`: a new account with a random secret; prints its URI (and writes its QR code).
pub fn new(args: &[&str]) -> Result<String, DevError> {
    const ALLOWED: [&str; 9] = [
        "--issuer",
        "--account",
        "--type",
        "--algorithm",
        "--digits",
        "--period",
        "--counter",
        "--bytes",
        "--qr",
    ];
    let (positional, opts) = options(args, &ALLOWED)?;
    if !positional.is_empty() {
        return fail(
            "usage: tessera new --issuer <name> --account <name> [options]; see tessera --help",
        );
    }
    let (Some(issuer), Some(name)) = (opt(&opts, "--issuer"), opt(&opts, "--account")) else {
        return fail("tessera new needs --issuer and --account");
    };
    let otp_type = match opt(&opts, "--type") {
        None => OtpType::Totp,
        Some(t) => OtpType::from_name(t)
            .ok_or_else(|| DevError("--type must be totp, hotp or steam".into()))?,
    };
    let bytes =
        number::<usize>(&opts, "--bytes")?.unwrap_or(tessera_core::secret::DEFAULT_GENERATED_BYTES);
    let mut rng_failed = false;
    let secret = Secret::generate(bytes, &mut |buf: &mut [u8]| {
        rng_failed |= getrandom::getrandom(buf).is_err()
    })?;
    if rng_failed {
        return fail("the system's random number generator is unavailable");
    }
    let mut account = Account::with_type(otp_type, issuer, name, secret);
    if let Some(a) = opt(&opts, "--algorithm") {
        account.algorithm = Algorithm::from_name(a)
            .ok_or_else(|| DevError("--algorithm must be SHA1, SHA256 or SHA512".into()))?;
    }
    if let Some(d) = number(&opts, "--digits")? {
        account.digits = d;
    }
    if let Some(p) = number(&opts, "--period")? {
        account.period = p;
    }
    if let Some(c) = number(&opts, "--counter")? {
        account.counter = c;
    }
    account.validate()?;
    let uri = uri::write(&account);
    let mut out = format!("{uri}\n");
    if let Some(target) = opt(&opts, "--qr") {
        let code = qr_encode::encode(uri.as_bytes())?;
        match target {
            "-" => out.push_str(&terminal(&code)),
            file if file.to_ascii_lowercase().ends_with(".svg") => {
                std::fs::write(file, svg(&code))?
            }
            file if file.to_ascii_lowercase().ends_with(".png") => png(&code).save(file)?,
            _ => return fail("--qr must name a .png or .svg file, or - for the terminal"),
        }
    }
    Ok(out)
}

/// Unicode half blocks: two rows of modules per line of text, dark modules as spaces on light.
fn terminal(code: &QrMatrix) -> String {
    let size = code.size();
    let q = QUIET as isize;
    let mut out = String::new();
    let mut y = -q;
    while y < size as isize + q {
        for x in -q..size as isize + q {
            out.push(match (code.is_dark(x, y), code.is_dark(x, y + 1)) {
                (false, false) => '█',
                (true, false) => '▄',
                (false, true) => '▀',
                (true, true) => ' ',
            });
        }
        out.push('\n');
        y += 2;
    }
    out
}

fn svg(code: &QrMatrix) -> String {
    let size = code.size();
    let total = size + 2 * QUIET;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.is_dark(x as isize, y as isize) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + QUIET, y + QUIET));
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {total} {total}\" width=\"{w}\" height=\"{w}\" \
         shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>\n",
        w = total * 8
    )
}

/// Pixels per module in PNG output: comfortable for a phone camera held at a screen.
const PNG_SCALE: usize = 8;

fn png(code: &QrMatrix) -> image::GrayImage {
    let total = ((code.size() + 2 * QUIET) * PNG_SCALE) as u32;
    image::GrayImage::from_fn(total, total, |px, py| {
        let x = px as isize / PNG_SCALE as isize - QUIET as isize;
        let y = py as isize / PNG_SCALE as isize - QUIET as isize;
        image::Luma([if code.is_dark(x, y) { 0 } else { 255 }])
    })
}

/// `tessera verify <input> <code> [--window n] [--time t]`: `Ok(Some(offset))` when the code is
/// valid, `Ok(None)` when not.
pub fn verify(
    args: &[&str],
    input: impl Fn(&str) -> Result<String, DevError>,
) -> Result<Option<i64>, DevError> {
    let (positional, opts) = options(args, &["--window", "--time"])?;
    let [account, code] = positional[..] else {
        return fail(
            "usage: tessera verify <URI-or-secret> <code> [--window <n>] [--time <unix-seconds>]",
        );
    };
    let account = Account::from_uri_or_secret(&input(account)?)?;
    let window = number(&opts, "--window")?.unwrap_or(otp::DEFAULT_WINDOW);
    let time = match number(&opts, "--time")? {
        Some(t) => t,
        None => now()?,
    };
    Ok(account.verify(code, time, window)?)
}

/// `tessera code --watch <input>`: prints the code and the seconds left, once a second, until
/// interrupted. On a terminal the line is rewritten in place; otherwise one line per second.
pub fn watch(account: &Account) -> Result<(), DevError> {
    account.validate()?;
    if account.otp_type == OtpType::Hotp {
        return fail(
            "--watch applies to TOTP and Steam accounts; HOTP codes change only with the counter",
        );
    }
    let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let mut stdout = std::io::stdout();
    loop {
        let t = now()?;
        let code = account.code_at(t)?;
        let left = otp::seconds_left(t, account.period)?;
        let line = format!("{}  {left:>2} s", code.code);
        if tty {
            write!(stdout, "\r{line}")?;
        } else {
            writeln!(stdout, "{line}")?;
        }
        stdout.flush()?;
        // Sleep to the next whole second, so the countdown ticks with the clock.
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_millis())
            .unwrap_or(0);
        std::thread::sleep(std::time::Duration::from_millis(u64::from(
            1000 - millis.min(999),
        )));
    }
}
