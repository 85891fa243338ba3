//! `tessera export VAULT --format uris|aegis|migration [--password-file F | --password-stdin]
//! [--qr-dir DIR] [--batch-id N]`: writes the accounts of a Tessera vault file for another app
//! (`tessera_core::export`).
//!
//! - `uris`: one `otpauth://` URI per line on standard output.
//! - `aegis`: an Aegis plain vault (JSON) on standard output.
//! - `migration`: Google Authenticator transfer URIs, one per line, one QR code each; with
//!   `--qr-dir` also one PNG per code (`migration-1-of-3.png`, …, error-correction level M, 8 pixels a
//!   module, 4-module quiet zone). Accounts Google Authenticator cannot hold are named on standard
//!   error with the reason, and so are those that older versions of it compute wrongly.
//!
//! Every format is unencrypted: [`run`] returns a warning saying so, which the CLI prints on
//! standard error before anything else. The vault password comes from a file or standard input,
//! never from the command line (as for `tessera vault open`); one trailing line break is removed.

use std::io::Read;
use std::path::{Path, PathBuf};

use qrcode::{Color, EcLevel, QrCode};
use tessera_core::export::{self, ExportError, Format};
use tessera_core::migration::Skipped;
use tessera_core::vault::{self, derive_password_key, header_info, VaultError, MAX_VAULT_BYTES};
use tessera_core::Account;
use zeroize::Zeroizing;

/// Longest password file or standard input read, in bytes (as `tessera vault`).
pub const MAX_PASSWORD_BYTES: usize = 4096;

/// Pixels per QR module in the `--qr-dir` PNGs.
pub const QR_SCALE: u32 = 8;
/// Quiet zone around each code, in modules (ISO/IEC 18004 asks for 4).
pub const QR_QUIET_ZONE: u32 = 4;

/// The warning printed on standard error before every export.
pub const WARNING: &str = "warning: this export is NOT encrypted: anyone who reads it (or sees its QR codes) can \
     compute your codes. Keep it off shared and synced folders and delete it once imported; to move \
     accounts between Tessera installs use the encrypted vault file instead.";

/// Usage text of `tessera export`.
pub const USAGE: &str = "usage: tessera export VAULT --format uris|aegis|migration [--password-file F | --password-stdin] [--qr-dir DIR] [--batch-id N]";

/// Why `tessera export` failed. Messages never contain a password or a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum ExportCmdError {
    /// Wrong arguments; the message says which.
    Usage(String),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        message: String,
    },
    /// The password is empty, too long or not UTF-8, or the vault needs one and none was given.
    Password(&'static str),
    /// The vault could not be opened (wrong password, damaged, not a vault).
    Vault(VaultError),
    /// The accounts could not be exported.
    Export(ExportError),
    /// The operating system's random number generator failed (Aegis entry UUIDs).
    Random,
    /// A QR code could not be made (a URI too long for one code; cannot happen with the core's
    /// batch limit).
    Qr,
}

impl ExportCmdError {
    /// Stable code: `export_cmd_…`, or the core's `vault_…`/`export_…` code.
    pub fn code(&self) -> &'static str {
        match self {
            ExportCmdError::Usage(_) => "export_cmd_usage",
            ExportCmdError::Io { .. } => "export_cmd_io",
            ExportCmdError::Password(_) => "export_cmd_password",
            ExportCmdError::Vault(e) => e.code(),
            ExportCmdError::Export(e) => e.code(),
            ExportCmdError::Random => "export_cmd_random",
            ExportCmdError::Qr => "export_cmd_qr",
        }
    }
}

impl core::fmt::Display for ExportCmdError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ExportCmdError::Usage(m) => write!(f, "{m} ({USAGE})"),
            ExportCmdError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            ExportCmdError::Password(m) => write!(f, "password: {m}"),
            ExportCmdError::Vault(e) => e.fmt(f),
            ExportCmdError::Export(e) => e.fmt(f),
            ExportCmdError::Random => f.write_str("the system random number generator failed"),
            ExportCmdError::Qr => f.write_str("a transfer URI does not fit one QR code"),
        }
    }
}

impl std::error::Error for ExportCmdError {}

fn usage(m: impl Into<String>) -> ExportCmdError {
    ExportCmdError::Usage(m.into())
}

fn io_error(path: &Path, e: std::io::Error) -> ExportCmdError {
    ExportCmdError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// What a successful export prints: standard output, and notes for standard error (the first is
/// always [`WARNING`]).
pub struct Exported {
    /// Standard output (holds secrets: zeroized when dropped).
    pub stdout: Zeroizing<String>,
    /// Lines for standard error.
    pub notes: Vec<String>,
}

#[derive(Default)]
struct Options {
    vault: Option<PathBuf>,
    format: Option<Format>,
    password_file: Option<PathBuf>,
    password_stdin: bool,
    qr_dir: Option<PathBuf>,
    batch_id: Option<i32>,
}

fn parse(args: &[String]) -> Result<Options, ExportCmdError> {
    let mut o = Options::default();
    let mut seen: Vec<&str> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| usage(format!("{a} needs a value")))
        };
        match a.as_str() {
            "--format" => {
                let v = value()?;
                o.format = Some(Format::from_name(&v).ok_or_else(|| {
                    usage(format!("unknown format {v:?}; use uris, aegis or migration"))
                })?);
            }
            "--password-file" => o.password_file = Some(value()?.into()),
            "--password-stdin" => o.password_stdin = true,
            "--qr-dir" => o.qr_dir = Some(value()?.into()),
            "--batch-id" => {
                let v = value()?;
                o.batch_id = Some(
                    v.parse()
                        .map_err(|_| usage("--batch-id must be a whole number that fits 32 bits"))?,
                );
            }
            "--password" => {
                return Err(usage("--password is not accepted: passwords on the command line are visible to other users; use --password-file or --password-stdin"))
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(usage(format!("unknown option {s}")))
            }
            _ => {
                if o.vault.replace(PathBuf::from(a)).is_some() {
                    return Err(usage(format!("unexpected argument {a:?}")));
                }
                continue;
            }
        }
        if seen.contains(&a.as_str()) {
            return Err(usage(format!("{a} given twice")));
        }
        seen.push(a);
    }
    if o.vault.is_none() {
        return Err(usage("missing VAULT"));
    }
    if o.format.is_none() {
        return Err(usage("missing --format"));
    }
    if o.password_file.is_some() && o.password_stdin {
        return Err(usage("give --password-file or --password-stdin, not both"));
    }
    if o.format != Some(Format::Migration) && (o.qr_dir.is_some() || o.batch_id.is_some()) {
        return Err(usage(
            "--qr-dir and --batch-id apply to --format migration only",
        ));
    }
    Ok(o)
}

/// Reads at most `max` bytes; more is an error.
fn read_capped(
    reader: impl Read,
    path: &Path,
    max: usize,
) -> Result<Zeroizing<Vec<u8>>, ExportCmdError> {
    let mut buf = Zeroizing::new(Vec::new());
    reader
        .take(max as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| io_error(path, e))?;
    if buf.len() > max {
        return Err(ExportCmdError::Io {
            path: path.to_owned(),
            message: format!("larger than {max} bytes"),
        });
    }
    Ok(buf)
}

/// A password: one trailing line break removed, non-empty, UTF-8 (the rules of `tessera vault`).
fn password_from(mut bytes: Zeroizing<Vec<u8>>) -> Result<Zeroizing<Vec<u8>>, ExportCmdError> {
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    if bytes.len() > MAX_PASSWORD_BYTES {
        return Err(ExportCmdError::Password("longer than 4096 bytes"));
    }
    if bytes.is_empty() {
        return Err(ExportCmdError::Password("empty"));
    }
    if std::str::from_utf8(&bytes).is_err() {
        return Err(ExportCmdError::Password("not UTF-8"));
    }
    Ok(bytes)
}

/// The vault's live accounts, opened with the password when the vault has one.
fn open_accounts(o: &Options, stdin: &mut dyn Read) -> Result<Vec<Account>, ExportCmdError> {
    let path = o.vault.as_deref().unwrap_or(Path::new(""));
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let sealed = read_capped(file, path, MAX_VAULT_BYTES)?;
    let info = header_info(&sealed).map_err(ExportCmdError::Vault)?;
    let password = match (&o.password_file, o.password_stdin) {
        (Some(f), _) => {
            let file = std::fs::File::open(f).map_err(|e| io_error(f, e))?;
            Some(password_from(read_capped(
                file,
                f,
                MAX_PASSWORD_BYTES + 2,
            )?)?)
        }
        (None, true) => Some(password_from(read_capped(
            stdin,
            Path::new("<stdin>"),
            MAX_PASSWORD_BYTES + 2,
        )?)?),
        (None, false) => None,
    };
    let (contents, _) = match (info.password(), password) {
        (Some(kdf), Some(pw)) => {
            let key = derive_password_key(&pw, kdf.salt(), kdf.iterations())
                .map_err(ExportCmdError::Vault)?;
            vault::open_with_key(&sealed, &key).map_err(ExportCmdError::Vault)?
        }
        (Some(_), None) => {
            return Err(ExportCmdError::Password(
                "the vault has a password: give --password-file or --password-stdin",
            ))
        }
        (None, _) => vault::open_unprotected(&sealed).map_err(ExportCmdError::Vault)?,
    };
    Ok(contents.accounts().map(|(_, a, _)| a.clone()).collect())
}

/// One line about an account left out or flagged: position, labels and the stable reason code.
fn describe(what: &str, s: &Skipped) -> String {
    let names = match (s.issuer.is_empty(), s.name.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!(" ({})", s.issuer),
        (true, false) => format!(" ({})", s.name),
        (false, false) => format!(" ({}: {})", s.issuer, s.name),
    };
    let why = match s.reason {
        tessera_core::migration::reason::STEAM => "Google Authenticator has no Steam Guard",
        tessera_core::migration::reason::PERIOD => {
            "Google Authenticator only has 30-second codes"
        }
        tessera_core::migration::reason::DIGITS => "Google Authenticator only has 6 or 8 digits",
        export::reason::GA_ALGORITHM => {
            "SHA-256/SHA-512: older Google Authenticator versions compute wrong codes; compare one code before deleting it here"
        }
        _ => "",
    };
    let why = if why.is_empty() {
        String::new()
    } else {
        format!(" ({why})")
    };
    format!("{what} account {}{names}: {}{why}", s.index + 1, s.reason).replace('\n', " ")
}

/// The QR code of `text` as a grayscale PNG image.
fn qr_png(text: &str) -> Result<image::GrayImage, ExportCmdError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| ExportCmdError::Qr)?;
    let width = code.width() as u32;
    let colors = code.to_colors();
    let side = (width + 2 * QR_QUIET_ZONE) * QR_SCALE;
    Ok(image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / QR_SCALE, y / QR_SCALE);
        let dark = mx >= QR_QUIET_ZONE
            && my >= QR_QUIET_ZONE
            && mx < width + QR_QUIET_ZONE
            && my < width + QR_QUIET_ZONE
            && colors[((my - QR_QUIET_ZONE) * width + (mx - QR_QUIET_ZONE)) as usize]
                == Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    }))
}

/// A batch id from the clock (the core takes it as an argument; any value works).
fn clock_batch_id() -> i32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (now.as_secs() as i32) ^ (now.subsec_nanos() as i32)
}

/// Runs `tessera export ARGS…` (without the leading `export`).
pub fn run(args: &[String], stdin: &mut dyn Read) -> Result<Exported, ExportCmdError> {
    if matches!(
        args.first().map(String::as_str),
        Some("help" | "--help" | "-h")
    ) {
        return Ok(Exported {
            stdout: Zeroizing::new(format!("{USAGE}\n")),
            notes: Vec::new(),
        });
    }
    let o = parse(args)?;
    let accounts = open_accounts(&o, stdin)?;
    let mut notes = vec![WARNING.to_owned()];
    let stdout = match o.format {
        Some(Format::Uris) => export::uri_list(&accounts).map_err(ExportCmdError::Export)?,
        Some(Format::Aegis) => {
            let mut failed = false;
            let json = export::aegis_json(&accounts, &mut |buf: &mut [u8]| {
                failed |= getrandom::getrandom(buf).is_err();
            })
            .map_err(ExportCmdError::Export)?;
            if failed {
                return Err(ExportCmdError::Random);
            }
            json
        }
        _ => {
            let batch_id = o.batch_id.unwrap_or_else(clock_batch_id);
            let out = export::migration(&accounts, batch_id).map_err(ExportCmdError::Export)?;
            notes.extend(out.left_out.iter().map(|s| describe("left out", s)));
            notes.extend(out.caution.iter().map(|s| describe("check", s)));
            if let Some(dir) = &o.qr_dir {
                std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
                let total = out.uris.len();
                for (i, uri) in out.uris.iter().enumerate() {
                    let path = dir.join(format!("migration-{}-of-{total}.png", i + 1));
                    qr_png(uri)?.save(&path).map_err(|e| ExportCmdError::Io {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                    notes.push(format!("wrote {} ({} of {total})", path.display(), i + 1));
                }
            }
            if out.uris.is_empty() {
                notes.push("Google Authenticator can hold none of these accounts".to_owned());
            }
            // Sized up front so that no reallocation leaves a copy of a secret behind.
            let size = out.uris.iter().map(|u| u.len() + 1).sum();
            let mut text = Zeroizing::new(String::with_capacity(size));
            for uri in &out.uris {
                text.push_str(uri);
                text.push('\n');
            }
            text
        }
    };
    Ok(Exported { stdout, notes })
}
