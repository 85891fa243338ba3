//! `tessera import FILE [--password-file F] [--format NAME]`: reads another authenticator's export
//! with `tessera_core::import` and prints its accounts as a JSON array in the `tessera parse` shape.
//!
//! The format is detected from the content unless `--format` names one (see [`FORMATS`]). The
//! password of an encrypted export comes from a file, never the command line (argv is visible to
//! other users in the process list); one trailing line break is removed. Entries that could not be
//! imported are returned as notes, one line each with position, labels and the stable reason code,
//! for standard error. A wrong password, a damaged file or one that cannot be read is an error
//! (exit status 2): nothing is printed on standard output.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::account_json::AccountJson;
use tessera_core::import::{self, Format, ImportError, Skipped, MAX_IMPORT_BYTES};
use zeroize::Zeroizing;

/// Longest password file read, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 4096;

/// The `--format` names, in detection order.
pub const FORMATS: &str = "otpauth, authenticator, aegis, 2fas, bitwarden-json, bitwarden-csv, \
                           andotp, andotp-encrypted, freeotp-plus, ente-encrypted";

/// Usage text of `tessera import`.
pub const USAGE: &str = "usage: tessera import FILE [--password-file F] [--format NAME]
  Prints the accounts of another authenticator's export as a JSON array (the `tessera parse`
  shape); skipped entries and their reasons go to standard error. The format is detected unless
  --format names one of: otpauth, authenticator, aegis, 2fas, bitwarden-json, bitwarden-csv,
  andotp, andotp-encrypted, freeotp-plus, ente-encrypted.";

/// Why `tessera import` failed. Messages never contain a password or a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportCmdError {
    /// Wrong arguments; the message says which.
    Usage(String),
    /// The export or the password file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        message: String,
    },
    /// The password file is empty or too long.
    Password(&'static str),
    /// The export could not be imported (wrong password, damaged, unknown format, …).
    Import(ImportError),
}

impl ImportCmdError {
    /// Stable code: `import_cmd_…`, or the core's `import_…` code.
    pub fn code(&self) -> &'static str {
        match self {
            ImportCmdError::Usage(_) => "import_cmd_usage",
            ImportCmdError::Io { .. } => "import_cmd_io",
            ImportCmdError::Password(_) => "import_cmd_password",
            ImportCmdError::Import(e) => e.code(),
        }
    }
}

impl core::fmt::Display for ImportCmdError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ImportCmdError::Usage(m) => write!(
                f,
                "{m} (usage: tessera import FILE [--password-file F] [--format NAME])"
            ),
            ImportCmdError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            ImportCmdError::Password(m) => write!(f, "password file: {m}"),
            ImportCmdError::Import(ImportError::PasswordRequired) => {
                write!(f, "{} (--password-file)", ImportError::PasswordRequired)
            }
            ImportCmdError::Import(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ImportCmdError {}

impl From<ImportError> for ImportCmdError {
    fn from(e: ImportError) -> Self {
        ImportCmdError::Import(e)
    }
}

/// Runs `tessera import` with the arguments after `import`. Returns what to print on standard
/// output (the JSON array and a line break) and the notes for standard error (one per skipped
/// entry). `help` alone prints [`USAGE`].
pub fn run(args: &[String]) -> Result<(String, Vec<String>), ImportCmdError> {
    if let [only] = args {
        if matches!(only.as_str(), "help" | "--help" | "-h") {
            return Ok((format!("{USAGE}\n"), Vec::new()));
        }
    }
    let (mut file, mut password_file, mut format) = (None, None, None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--password-file" if password_file.is_none() => {
                password_file = Some(value(rest.next(), "--password-file")?)
            }
            "--format" if format.is_none() => {
                let name = value(rest.next(), "--format")?;
                format = Some(Format::from_name(name).ok_or_else(|| {
                    ImportCmdError::Usage(format!("--format must be one of: {FORMATS}"))
                })?);
            }
            "--password-file" | "--format" => {
                return Err(ImportCmdError::Usage(format!("{arg} given twice")))
            }
            a if a.starts_with("--") => {
                return Err(ImportCmdError::Usage(format!("unknown option {a}")))
            }
            a if file.is_none() => file = Some(a),
            _ => return Err(ImportCmdError::Usage("one FILE only".into())),
        }
    }
    let file = file.ok_or_else(|| ImportCmdError::Usage("missing FILE".into()))?;
    let bytes = read_capped(Path::new(file), MAX_IMPORT_BYTES)
        .map_err(|e| e.too_large_as(ImportError::TooLarge))?;
    let password = match password_file {
        Some(path) => Some(read_password(Path::new(path))?),
        None => None,
    };
    let imported = import::import(&bytes, format, password.as_ref().map(|p| p.as_slice()))?;
    let list: Vec<AccountJson<'_>> = imported.accounts.iter().map(AccountJson::of).collect();
    let stdout = serde_json::to_string(&list)
        .map(|json| format!("{json}\n"))
        .map_err(|e| ImportCmdError::Usage(e.to_string()))?;
    let notes = imported.skipped.iter().map(describe).collect();
    Ok((stdout, notes))
}

fn value<'a>(arg: Option<&'a String>, option: &str) -> Result<&'a str, ImportCmdError> {
    arg.map(String::as_str)
        .ok_or_else(|| ImportCmdError::Usage(format!("{option} needs a value")))
}

/// A file read failed, or it was longer than the cap.
enum ReadError {
    Io(ImportCmdError),
    TooLarge,
}

impl ReadError {
    fn too_large_as(self, e: ImportError) -> ImportCmdError {
        match self {
            ReadError::Io(e) => e,
            ReadError::TooLarge => ImportCmdError::Import(e),
        }
    }
}

/// Reads at most `max` bytes of `path` into a zeroizing buffer; a longer file is an error.
fn read_capped(path: &Path, max: usize) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let io = |e: std::io::Error| {
        ReadError::Io(ImportCmdError::Io {
            path: path.to_owned(),
            message: e.to_string(),
        })
    };
    let file = File::open(path).map_err(io)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > max {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// The password in a file, less one trailing line break.
fn read_password(path: &Path) -> Result<Zeroizing<Vec<u8>>, ImportCmdError> {
    let mut bytes = read_capped(path, MAX_PASSWORD_BYTES).map_err(|e| match e {
        ReadError::Io(e) => e,
        ReadError::TooLarge => ImportCmdError::Password("longer than 4096 bytes"),
    })?;
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(ImportCmdError::Password("empty"));
    }
    Ok(bytes)
}

/// One line about a skipped entry: position, labels and the stable reason code.
fn describe(s: &Skipped) -> String {
    let names = match (s.issuer.is_empty(), s.name.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!(" ({})", s.issuer),
        (true, false) => format!(" ({})", s.name),
        (false, false) => format!(" ({}: {})", s.issuer, s.name),
    };
    format!("skipped entry {}{names}: {}", s.index + 1, s.reason).replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Dir {
            let dir = std::env::temp_dir()
                .join(format!("tessera-import-cmd-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Dir(dir)
        }
        fn file(&self, name: &str, content: &[u8]) -> String {
            let path = self.0.join(name);
            std::fs::write(&path, content).unwrap();
            path.to_string_lossy().into_owned()
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn prints_accounts_in_the_parse_shape_and_notes_skipped_entries() {
        let dir = Dir::new("shape");
        let file = dir.file(
            "list.txt",
            b"otpauth://hotp/ACME:alice?secret=JBSWY3DPEHPK3PXP&counter=7&digits=8\n\
              otpauth://yandex/Y:y?secret=JBSWY3DPEHPK3PXP\n\
              otpauth://totp/B?secret=JBSWY3DPEHPK3PXP&period=60\n",
        );
        let (stdout, notes) = run(&args(&[&file])).unwrap();
        let json: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"type": "hotp", "issuer": "ACME", "account": "alice", "secret": "JBSWY3DPEHPK3PXP",
                 "algorithm": "SHA1", "digits": 8, "counter": 7},
                {"type": "totp", "issuer": "", "account": "B", "secret": "JBSWY3DPEHPK3PXP",
                 "algorithm": "SHA1", "digits": 6, "period": 60}
            ])
        );
        assert_eq!(notes, ["skipped entry 2: import_unsupported_type"]);
    }

    #[test]
    fn errors_have_codes_and_never_show_the_password() {
        let dir = Dir::new("errors");
        let aegis = dir.file(
            "vault.json",
            br#"{"version":1,"header":{"slots":[{"type":1,"key":"00","key_params":{"nonce":"000000000000000000000000","tag":"00000000000000000000000000000000"},"n":1024,"r":8,"p":1,"salt":"00"}],"params":{"nonce":"000000000000000000000000","tag":"00000000000000000000000000000000"}},"db":"AAAAAAAAAAAAAAAAAAAAAA=="}"#,
        );
        let password = dir.file("pw", b"hunter2-secret\n");
        let empty = dir.file("empty", b"\n");
        let missing = dir.0.join("missing").to_string_lossy().into_owned();
        for (a, code) in [
            (vec![], "import_cmd_usage"),
            (vec![aegis.as_str(), "--format", "nope"], "import_cmd_usage"),
            (vec![aegis.as_str(), "--password-file"], "import_cmd_usage"),
            (vec![aegis.as_str(), aegis.as_str()], "import_cmd_usage"),
            (vec![missing.as_str()], "import_cmd_io"),
            (vec![aegis.as_str()], "import_password_required"),
            (
                vec![aegis.as_str(), "--password-file", &empty],
                "import_cmd_password",
            ),
            (
                vec![aegis.as_str(), "--password-file", &password],
                "import_decrypt",
            ),
            (
                vec![
                    aegis.as_str(),
                    "--password-file",
                    &password,
                    "--format",
                    "2fas",
                ],
                "import_malformed",
            ),
        ] {
            let e = run(&args(&a)).unwrap_err();
            assert_eq!(e.code(), code, "{a:?}");
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
    }

    /// The Authenticator extension's password-protected backup, from the shared corpus when
    /// present: its 8 entries (expected.json), and exit-2 errors for a wrong or missing password.
    #[test]
    fn authenticator_extension_encrypted_backup() {
        let root = std::env::var_os("TESSERA_CORPORA").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora"),
            PathBuf::from,
        );
        let corpus = root.join("importers/authenticator-extension");
        if !corpus.is_dir() {
            eprintln!("skipped: no corpus at {}", corpus.display());
            return;
        }
        let expected: Value =
            serde_json::from_slice(&std::fs::read(corpus.join("expected.json")).unwrap()).unwrap();
        let backup = corpus.join("authenticator_encrypted.json");
        let backup = backup.to_str().unwrap();
        let dir = Dir::new("ae");
        let right = dir.file("right", expected["password"].as_str().unwrap().as_bytes());
        let wrong = dir.file("wrong", b"wrong password\r\n");
        let (stdout, notes) = run(&args(&[backup, "--password-file", &right])).unwrap();
        let list: Value = serde_json::from_str(&stdout).unwrap();
        let mut secrets: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["secret"].as_str().unwrap())
            .collect();
        let mut want: Vec<&str> = expected["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["secret"].as_str().unwrap())
            .collect();
        secrets.sort_unstable();
        want.sort_unstable();
        assert_eq!(secrets, want);
        assert!(notes.is_empty());
        let e = run(&args(&[backup, "--password-file", &wrong])).unwrap_err();
        assert_eq!(e.code(), "import_decrypt");
        let e = run(&args(&["--format", "authenticator", backup])).unwrap_err();
        assert_eq!(e.code(), "import_password_required");
    }
}
