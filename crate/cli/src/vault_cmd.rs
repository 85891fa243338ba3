//! `tessera vault …`: create, inspect, open and re-password vault files (format in
//! docs/vault-format.md).
//!
//! ```text
//! tessera vault create  FILE (--password-file F | --password-stdin | --no-password)
//!                       [--import-uris F] [--iterations N]
//! tessera vault inspect FILE
//! tessera vault open    FILE [--password-file F | --password-stdin]
//! tessera vault passwd  FILE [--password-file OLD] (--new-password-file NEW | --remove-password)
//!                       [--iterations N]
//! ```
//!
//! Passwords come from a file or standard input, never from the command line (argv is visible to
//! other users in the process list). One trailing line break is removed; a password must be
//! non-empty UTF-8, as the browser derives from the UTF-8 of what is typed. Files are replaced
//! crash-safely: written to a temporary file beside the target, flushed, then renamed over it.
//! `--iterations` (default 600,000, range 10,000..=10,000,000) exists for tests and slow machines.
//!
//! [`run`] returns what to print on standard output (JSON), or an error whose `Display` is one line
//! without any secret and whose [`VaultCmdError::code`] is stable; `tessera vault help` prints
//! [`USAGE`].

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tessera_core::vault::{
    self, derive_password_key, header_info, DeviceId, KdfParams, Protection, SlotInfo, Stamp,
    Vault, VaultError, MAX_VAULT_BYTES, PBKDF2_ITERATIONS,
};
use tessera_core::{uri, Account, OtpType};
use zeroize::Zeroizing;

/// Longest password file or standard input read, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 4096;
/// Largest URI list accepted by `--import-uris`, in bytes.
pub const MAX_URI_LIST_BYTES: usize = 4 * 1024 * 1024;

/// Usage text of `tessera vault`.
pub const USAGE: &str = "usage:
  tessera vault create  FILE (--password-file F | --password-stdin | --no-password) [--import-uris F] [--iterations N]
  tessera vault inspect FILE
  tessera vault open    FILE [--password-file F | --password-stdin]
  tessera vault passwd  FILE [--password-file OLD] (--new-password-file NEW | --remove-password) [--iterations N]";

/// Why a `tessera vault` command failed. Messages never contain a password, key or secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum VaultCmdError {
    /// Wrong arguments; the message says which.
    Usage(String),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        message: String,
    },
    /// A password file or standard input is empty, too long or not UTF-8.
    Password(&'static str),
    /// A line of `--import-uris` is not a valid otpauth URI.
    Uri {
        /// One-based line number.
        line: usize,
        /// The URI error's code.
        code: &'static str,
        /// The URI error's message (never the URI itself).
        message: String,
    },
    /// `create` would replace an existing file.
    Exists(PathBuf),
    /// The operating system's random number generator failed.
    Random,
    /// The vault refused.
    Vault(VaultError),
}

impl VaultCmdError {
    /// Stable code: `vault_cmd_…`, or the code of the vault or URI error underneath.
    pub fn code(&self) -> &'static str {
        match self {
            VaultCmdError::Usage(_) => "vault_cmd_usage",
            VaultCmdError::Io { .. } => "vault_cmd_io",
            VaultCmdError::Password(_) => "vault_cmd_password",
            VaultCmdError::Uri { code, .. } => code,
            VaultCmdError::Exists(_) => "vault_cmd_exists",
            VaultCmdError::Random => "vault_cmd_random",
            VaultCmdError::Vault(e) => e.code(),
        }
    }
}

impl core::fmt::Display for VaultCmdError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            VaultCmdError::Usage(m) => write!(f, "{m} (see `tessera vault help`)"),
            VaultCmdError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            VaultCmdError::Password(m) => write!(f, "password: {m}"),
            VaultCmdError::Uri { line, message, .. } => write!(f, "line {line}: {message}"),
            VaultCmdError::Exists(p) => write!(
                f,
                "{} exists; use `tessera vault passwd` to change it",
                p.display()
            ),
            VaultCmdError::Random => f.write_str("the system random number generator failed"),
            VaultCmdError::Vault(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for VaultCmdError {}

impl From<VaultError> for VaultCmdError {
    fn from(e: VaultError) -> Self {
        VaultCmdError::Vault(e)
    }
}

fn usage(m: impl Into<String>) -> VaultCmdError {
    VaultCmdError::Usage(m.into())
}

/// Runs `tessera vault ARGS…` (`args` without the leading `vault`). Returns what to print on
/// standard output.
pub fn run(args: &[String], stdin: &mut dyn Read) -> Result<String, VaultCmdError> {
    let (command, rest) = args.split_first().ok_or_else(|| usage("missing command"))?;
    if matches!(command.as_str(), "help" | "--help" | "-h") {
        return Ok(format!("{USAGE}\n"));
    }
    let opts = Options::parse(rest)?;
    let out = match command.as_str() {
        "create" => create(&opts, stdin)?,
        "inspect" => {
            opts.only(&[])?;
            inspect(&read_vault(&opts.file)?)?
        }
        "open" => open(&opts, stdin)?,
        "passwd" => passwd(&opts, stdin)?,
        other => return Err(usage(format!("unknown command {other:?}"))),
    };
    Ok(format!(
        "{}\n",
        serde_json::to_string_pretty(&out).unwrap_or_default()
    ))
}

/// Parsed options. Every option takes at most one value and may appear once.
#[derive(Default)]
struct Options {
    file: PathBuf,
    password_file: Option<PathBuf>,
    password_stdin: bool,
    no_password: bool,
    new_password_file: Option<PathBuf>,
    remove_password: bool,
    import_uris: Option<PathBuf>,
    iterations: Option<u32>,
    given: Vec<&'static str>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, VaultCmdError> {
        let mut o = Options::default();
        let mut file = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| usage(format!("{name} needs a value")))
            };
            let name: &'static str = match a.as_str() {
                "--password-file" => {
                    o.password_file = Some(value(a)?.into());
                    "--password-file"
                }
                "--password-stdin" => {
                    o.password_stdin = true;
                    "--password-stdin"
                }
                "--no-password" => {
                    o.no_password = true;
                    "--no-password"
                }
                "--new-password-file" => {
                    o.new_password_file = Some(value(a)?.into());
                    "--new-password-file"
                }
                "--remove-password" => {
                    o.remove_password = true;
                    "--remove-password"
                }
                "--import-uris" => {
                    o.import_uris = Some(value(a)?.into());
                    "--import-uris"
                }
                "--iterations" => {
                    let v = value(a)?;
                    o.iterations = Some(v.parse().map_err(|_| usage("--iterations needs a number"))?);
                    "--iterations"
                }
                "--password" | "--new-password" => {
                    return Err(usage(format!("{a} is not accepted: passwords on the command line are visible to other users; use a file or --password-stdin")))
                }
                s if s.starts_with('-') && s.len() > 1 => return Err(usage(format!("unknown option {s}"))),
                _ => {
                    if file.is_some() {
                        return Err(usage(format!("unexpected argument {a:?}")));
                    }
                    file = Some(PathBuf::from(a));
                    continue;
                }
            };
            if o.given.contains(&name) {
                return Err(usage(format!("{name} given twice")));
            }
            o.given.push(name);
        }
        o.file = file.ok_or_else(|| usage("missing FILE"))?;
        Ok(o)
    }

    /// Fails if an option outside `allowed` was given.
    fn only(&self, allowed: &[&str]) -> Result<(), VaultCmdError> {
        match self.given.iter().find(|g| !allowed.contains(g)) {
            Some(g) => Err(usage(format!("{g} does not apply to this command"))),
            None => Ok(()),
        }
    }

    fn kdf(&self, rng: &mut SysRng) -> Result<KdfParams, VaultCmdError> {
        let iterations = self.iterations.unwrap_or(PBKDF2_ITERATIONS);
        rng.run(|r| KdfParams::generate_with_iterations(r, iterations))?
            .map_err(Into::into)
    }
}

/// `getrandom` as the core's RNG closure. The closure cannot fail, so a failure is remembered and
/// everything produced with it is discarded by [`SysRng::run`].
struct SysRng {
    failed: bool,
}

impl SysRng {
    fn run<T>(
        &mut self,
        f: impl FnOnce(&mut dyn FnMut(&mut [u8])) -> T,
    ) -> Result<T, VaultCmdError> {
        let failed = &mut self.failed;
        let mut fill = |buf: &mut [u8]| {
            if getrandom::getrandom(buf).is_err() {
                *failed = true;
            }
        };
        let out = f(&mut fill);
        if self.failed {
            return Err(VaultCmdError::Random);
        }
        Ok(out)
    }
}

fn io_error(path: &Path, e: std::io::Error) -> VaultCmdError {
    VaultCmdError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// Reads at most `max` bytes of a file; more is an error.
fn read_capped(path: &Path, max: usize) -> Result<Zeroizing<Vec<u8>>, VaultCmdError> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut buf = Zeroizing::new(Vec::new());
    file.take(max as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| io_error(path, e))?;
    if buf.len() > max {
        return Err(VaultCmdError::Io {
            path: path.to_owned(),
            message: format!("larger than {max} bytes"),
        });
    }
    Ok(buf)
}

fn read_vault(path: &Path) -> Result<Vec<u8>, VaultCmdError> {
    Ok(read_capped(path, MAX_VAULT_BYTES)?.to_vec())
}

/// A password from bytes: one trailing line break removed, non-empty, UTF-8.
fn password_from(mut bytes: Zeroizing<Vec<u8>>) -> Result<Zeroizing<Vec<u8>>, VaultCmdError> {
    if bytes.len() > MAX_PASSWORD_BYTES {
        return Err(VaultCmdError::Password("longer than 4096 bytes"));
    }
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(VaultCmdError::Password("empty"));
    }
    if std::str::from_utf8(&bytes).is_err() {
        return Err(VaultCmdError::Password("not UTF-8"));
    }
    Ok(bytes)
}

fn password_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, VaultCmdError> {
    password_from(read_capped(path, MAX_PASSWORD_BYTES + 2)?)
}

fn password_stdin(stdin: &mut dyn Read) -> Result<Zeroizing<Vec<u8>>, VaultCmdError> {
    let mut buf = Zeroizing::new(Vec::new());
    stdin
        .take(MAX_PASSWORD_BYTES as u64 + 3)
        .read_to_end(&mut buf)
        .map_err(|e| io_error(Path::new("<stdin>"), e))?;
    password_from(buf)
}

/// The password given by `--password-file` or `--password-stdin`, if any.
fn given_password(
    opts: &Options,
    stdin: &mut dyn Read,
) -> Result<Option<Zeroizing<Vec<u8>>>, VaultCmdError> {
    match (&opts.password_file, opts.password_stdin) {
        (Some(_), true) => Err(usage("give --password-file or --password-stdin, not both")),
        (Some(f), false) => Ok(Some(password_file(f)?)),
        (None, true) => Ok(Some(password_stdin(stdin)?)),
        (None, false) => Ok(None),
    }
}

/// Writes `bytes` to `path` crash-safely: a temporary file in the same directory, flushed to disk,
/// renamed over `path` (atomic on POSIX and on NTFS), then the directory flushed where possible.
fn write_atomically(path: &Path, bytes: &[u8], rng: &mut SysRng) -> Result<(), VaultCmdError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| usage("FILE must name a file"))?;
    let tag = rng.run(|r| DeviceId::random(r))?.to_hex();
    let tmp = dir.join(format!(".{}.{tag}.tmp", name.to_string_lossy()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error(path, e));
    }
    if let Ok(d) = std::fs::File::open(&dir) {
        // Persists the rename on Unix; unsupported elsewhere, where rename is durable enough.
        let _ = d.sync_all();
    }
    Ok(())
}

fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn import_uris(path: &Path, vault: &mut Vault, rng: &mut SysRng) -> Result<(), VaultCmdError> {
    let text = read_capped(path, MAX_URI_LIST_BYTES)?;
    let text = std::str::from_utf8(&text).map_err(|_| VaultCmdError::Io {
        path: path.to_owned(),
        message: "not UTF-8".into(),
    })?;
    let device = rng.run(|r| DeviceId::random(r))?;
    let now = now_millis();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let account = uri::parse(line).map_err(|e| VaultCmdError::Uri {
            line: i + 1,
            code: e.code(),
            message: e.to_string(),
        })?;
        let stamp = Stamp::next(vault.latest_stamp().as_ref(), now, device);
        rng.run(|r| vault.add_account(account, Vec::new(), stamp, r))?;
    }
    Ok(())
}

fn create(opts: &Options, stdin: &mut dyn Read) -> Result<Value, VaultCmdError> {
    opts.only(&[
        "--password-file",
        "--password-stdin",
        "--no-password",
        "--import-uris",
        "--iterations",
    ])?;
    let mut rng = SysRng { failed: false };
    if opts.file.exists() {
        return Err(VaultCmdError::Exists(opts.file.clone()));
    }
    let wants_password = opts.password_file.is_some() || opts.password_stdin;
    if wants_password == opts.no_password {
        return Err(usage(
            "create needs exactly one of --password-file, --password-stdin, --no-password",
        ));
    }
    let password = given_password(opts, stdin)?;
    if opts.no_password && opts.iterations.is_some() {
        return Err(usage("--iterations needs a password"));
    }
    let mut contents = Vault::new();
    if let Some(list) = &opts.import_uris {
        import_uris(list, &mut contents, &mut rng)?;
    }
    let protection = match &password {
        Some(pw) => {
            let kdf = opts.kdf(&mut rng)?;
            let key = derive_password_key(pw, kdf.salt(), kdf.iterations())?;
            Protection::Password { key, kdf }
        }
        None => Protection::None,
    };
    let (sealed, _) = rng.run(|r| vault::seal_new(&contents, &protection, r))??;
    write_atomically(&opts.file, &sealed, &mut rng)?;
    Ok(json!({
        "file": opts.file.display().to_string(),
        "accounts": contents.accounts().count(),
        "password": password.is_some(),
    }))
}

fn inspect(sealed: &[u8]) -> Result<Value, VaultCmdError> {
    let info = header_info(sealed)?;
    let slots: Vec<Value> = info
        .slots
        .iter()
        .map(|s| match s {
            // The data key of a none slot is deliberately not shown.
            SlotInfo::None => json!({"kind": "none"}),
            SlotInfo::Password(k) => json!({
                "kind": "password",
                "kdf": "PBKDF2-HMAC-SHA256",
                "iterations": k.iterations(),
                "salt": hex(k.salt()),
            }),
            _ => json!({"kind": "unknown"}),
        })
        .collect();
    Ok(json!({
        "format": "TSRVAULT",
        "format_version": info.format_version,
        "header_bytes": info.header_len,
        "body_bytes": info.body_len,
        "slots": slots,
    }))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Opens with the password if one was given, else as an unprotected vault.
fn unlock(
    sealed: &[u8],
    password: Option<&[u8]>,
) -> Result<(Vault, vault::DataKey), VaultCmdError> {
    let info = header_info(sealed)?;
    match (password, info.password()) {
        (Some(pw), Some(kdf)) => {
            let key = derive_password_key(pw, kdf.salt(), kdf.iterations())?;
            Ok(vault::open_with_key(sealed, &key)?)
        }
        _ => Ok(vault::open_unprotected(sealed)?),
    }
}

/// An account as `tessera parse` prints it, plus `id` and `sites`.
fn account_json(id: &str, a: &Account, sites: &[String]) -> Value {
    let mut o = json!({
        "id": id,
        "type": a.otp_type.name(),
        "issuer": a.issuer,
        "account": a.name,
        "secret": a.secret.to_base32(),
        "algorithm": a.algorithm.name(),
        "digits": a.digits,
        "sites": sites,
    });
    match a.otp_type {
        OtpType::Hotp => o["counter"] = json!(a.counter),
        _ => o["period"] = json!(a.period),
    }
    o
}

fn open(opts: &Options, stdin: &mut dyn Read) -> Result<Value, VaultCmdError> {
    opts.only(&["--password-file", "--password-stdin"])?;
    let sealed = read_vault(&opts.file)?;
    let password = given_password(opts, stdin)?;
    let (contents, _) = unlock(&sealed, password.as_deref().map(|p| p.as_slice()))?;
    Ok(Value::Array(
        contents
            .accounts()
            .map(|(id, a, sites)| account_json(&id.to_hex(), a, sites))
            .collect(),
    ))
}

fn passwd(opts: &Options, stdin: &mut dyn Read) -> Result<Value, VaultCmdError> {
    opts.only(&[
        "--password-file",
        "--password-stdin",
        "--new-password-file",
        "--remove-password",
        "--iterations",
    ])?;
    let mut rng = SysRng { failed: false };
    if opts.new_password_file.is_some() == opts.remove_password {
        return Err(usage(
            "passwd needs exactly one of --new-password-file, --remove-password",
        ));
    }
    let sealed = read_vault(&opts.file)?;
    let old = given_password(opts, stdin)?;
    let (contents, _) = unlock(&sealed, old.as_deref().map(|p| p.as_slice()))?;
    let (resealed, _) = match &opts.new_password_file {
        Some(f) => {
            let new = password_file(f)?;
            let kdf = opts.kdf(&mut rng)?;
            let key = derive_password_key(&new, kdf.salt(), kdf.iterations())?;
            rng.run(|r| vault::change_password(&contents, key, kdf, r))??
        }
        None => rng.run(|r| vault::remove_password(&contents, r))??,
    };
    write_atomically(&opts.file, &resealed, &mut rng)?;
    Ok(json!({
        "file": opts.file.display().to_string(),
        "accounts": contents.accounts().count(),
        "password": opts.new_password_file.is_some(),
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may unwrap.
mod tests {
    use super::*;

    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Dir {
            let mut tag = [0u8; 8];
            getrandom::getrandom(&mut tag).unwrap();
            let d = std::env::temp_dir().join(format!("tessera-vault-cmd-{name}-{}", hex(&tag)));
            std::fs::create_dir_all(&d).unwrap();
            Dir(d)
        }
        fn file(&self, name: &str, content: &str) -> String {
            let p = self.0.join(name);
            std::fs::write(&p, content).unwrap();
            p.display().to_string()
        }
        fn path(&self, name: &str) -> String {
            self.0.join(name).display().to_string()
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn cmd(args: &[&str], stdin: &str) -> Result<Value, VaultCmdError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let out = run(&args, &mut stdin.as_bytes())?;
        Ok(serde_json::from_str(&out).unwrap())
    }

    const URIS: &str = "# two accounts\n\
        otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n\
        \n\
        otpauth://hotp/bob?secret=GEZDGNBVGY3TQOJQ&counter=7&digits=8\n";

    #[test]
    fn create_open_passwd_round_trip() {
        let d = Dir::new("roundtrip");
        let vault = d.path("v.tsv");
        let uris = d.file("uris.txt", URIS);
        let pw = d.file("pw", "first password\n");
        let pw2 = d.file("pw2", "second password");
        let created = cmd(
            &[
                "create",
                &vault,
                "--password-file",
                &pw,
                "--import-uris",
                &uris,
                "--iterations",
                "10000",
            ],
            "",
        )
        .unwrap();
        assert_eq!(created["accounts"], 2);
        assert_eq!(created["password"], true);

        let info = cmd(&["inspect", &vault], "").unwrap();
        assert_eq!(info["format_version"], 1);
        assert_eq!(info["slots"][0]["kind"], "password");
        assert_eq!(info["slots"][0]["iterations"], 10_000);
        assert_eq!(info["slots"][0]["salt"].as_str().unwrap().len(), 32);

        // The file's trailing newline is not part of the password; stdin works the same way.
        let accounts = cmd(&["open", &vault, "--password-stdin"], "first password\n").unwrap();
        let a = &accounts[0];
        assert_eq!(
            (
                a["type"].as_str(),
                a["issuer"].as_str(),
                a["account"].as_str()
            ),
            (Some("totp"), Some("Example"), Some("alice@example.com"))
        );
        assert_eq!(
            (
                a["secret"].as_str(),
                a["period"].as_u64(),
                a["digits"].as_u64()
            ),
            (Some("JBSWY3DPEHPK3PXP"), Some(30), Some(6))
        );
        assert_eq!(a["id"].as_str().unwrap().len(), 16);
        assert_eq!(a["sites"], json!([]));
        let b = &accounts[1];
        assert_eq!(
            (
                b["type"].as_str(),
                b["counter"].as_u64(),
                b["digits"].as_u64(),
                b.get("period")
            ),
            (Some("hotp"), Some(7), Some(8), None)
        );
        assert_eq!(
            cmd(&["open", &vault, "--password-file", &pw], "").unwrap(),
            accounts
        );

        let wrong = cmd(&["open", &vault, "--password-stdin"], "first passwort").unwrap_err();
        assert_eq!(wrong.code(), "vault_decrypt");
        assert_eq!(
            cmd(&["open", &vault], "").unwrap_err().code(),
            "vault_password_required"
        );

        cmd(
            &[
                "passwd",
                &vault,
                "--password-file",
                &pw,
                "--new-password-file",
                &pw2,
                "--iterations",
                "10000",
            ],
            "",
        )
        .unwrap();
        assert_eq!(
            cmd(&["open", &vault, "--password-file", &pw], "")
                .unwrap_err()
                .code(),
            "vault_decrypt"
        );
        let after = cmd(&["open", &vault, "--password-file", &pw2], "").unwrap();
        assert_eq!(after, accounts, "same accounts and ids");

        cmd(
            &[
                "passwd",
                &vault,
                "--password-file",
                &pw2,
                "--remove-password",
            ],
            "",
        )
        .unwrap();
        assert_eq!(
            cmd(&["inspect", &vault], "").unwrap()["slots"],
            json!([{"kind": "none"}])
        );
        assert_eq!(cmd(&["open", &vault], "").unwrap(), accounts);
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(&d.0)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
    }

    #[test]
    fn refusals() {
        let d = Dir::new("refusals");
        let vault = d.path("v.tsv");
        let empty = d.file("empty", "\n");
        let bad_uris = d.file(
            "bad",
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\nnot a uri\n",
        );
        for (args, code) in [
            (vec!["create", &vault], "vault_cmd_usage"),
            (
                vec!["create", &vault, "--password", "hunter2"],
                "vault_cmd_usage",
            ),
            (
                vec!["create", &vault, "--no-password", "--password-file", &empty],
                "vault_cmd_usage",
            ),
            (
                vec!["create", &vault, "--password-file", &empty],
                "vault_cmd_password",
            ),
            (
                vec![
                    "create",
                    &vault,
                    "--no-password",
                    "--import-uris",
                    &bad_uris,
                ],
                "uri_not_otpauth",
            ),
            (
                vec!["create", &vault, "--password-stdin", "--iterations", "9999"],
                "vault_iterations_out_of_range",
            ),
            (
                vec!["create", &vault, "--no-password", "--no-password"],
                "vault_cmd_usage",
            ),
            (vec!["inspect", &vault, "--no-password"], "vault_cmd_usage"),
            (vec!["inspect", &vault], "vault_cmd_io"),
            (vec!["frobnicate", &vault], "vault_cmd_usage"),
            (vec![], "vault_cmd_usage"),
            (vec!["open"], "vault_cmd_usage"),
            (vec!["open", &vault, "--password-file"], "vault_cmd_usage"),
        ] {
            assert_eq!(cmd(&args, "pw").unwrap_err().code(), code, "{args:?}");
        }
        let err = cmd(
            &[
                "create",
                &vault,
                "--no-password",
                "--import-uris",
                &bad_uris,
            ],
            "",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("line 2: "), "{err}");
        let help = run(&["help".to_string()], &mut &b""[..]).unwrap();
        assert!(help.starts_with("usage:\n  tessera vault create"), "{help}");
        let usage_err = cmd(&["create", &vault], "").unwrap_err().to_string();
        assert!(!usage_err.contains('\n'), "one line: {usage_err}");
        assert!(
            !std::path::Path::new(&vault).exists(),
            "nothing written on failure"
        );
        cmd(&["create", &vault, "--no-password"], "").unwrap();
        assert_eq!(
            cmd(&["create", &vault, "--no-password"], "")
                .unwrap_err()
                .code(),
            "vault_cmd_exists"
        );
        let not_a_vault = d.file("nv", "hello");
        assert_eq!(
            cmd(&["inspect", &not_a_vault], "").unwrap_err().code(),
            "vault_not_a_vault"
        );
    }
}
