//! Import bindings: other authenticators' export files into account objects, for the service
//! worker only.
//!
//! The worker calls `readImport` and adds the accounts to the vault itself (`VaultHandle.add`,
//! which refuses an account the vault already holds). The account objects carry secrets: they
//! stay in the worker; pages get labels, counts and reason codes only (extension/worker/import.js).

use tessera_core::import::{self, ImportError, Imported};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::{js_error, to_js, AccountJs, Coded, SkippedJs};

impl Coded for ImportError {
    fn code(&self) -> &'static str {
        ImportError::code(self)
    }
}

/// What `readImport` returns.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportedJs {
    /// The format read (`Format::name`: `aegis`, `2fas`, `otpauth`, …).
    pub format: &'static str,
    /// The accounts, in the file's order. They hold secrets: never hand them to a page.
    pub accounts: Vec<AccountJs>,
    /// Entries that could not be imported, with reason codes.
    pub skipped: Vec<SkippedJs>,
}

impl From<&Imported> for ImportedJs {
    fn from(i: &Imported) -> ImportedJs {
        ImportedJs {
            format: i.format.name(),
            accounts: i.accounts.iter().map(AccountJs::from_account).collect(),
            skipped: i.skipped.iter().map(SkippedJs::from).collect(),
        }
    }
}

/// The format of an export file, from its content (`aegis`, `2fas`, `otpauth`, …), or `null`.
#[wasm_bindgen(js_name = detectImport)]
pub fn detect_import(bytes: &[u8]) -> Option<String> {
    import::detect(bytes).map(|f| f.name().to_owned())
}

/// Reads an export file whose format is detected from its content: `{format, accounts, skipped}`.
/// `password` is needed for encrypted files (`import_password_required` without it) and ignored
/// for plain ones; a wrong password is `import_decrypt` and nothing is read.
#[wasm_bindgen(js_name = readImport)]
pub fn read_import(bytes: &[u8], password: Option<String>) -> Result<JsValue, JsValue> {
    let password = password.map(Zeroizing::new);
    let imported = import::import(bytes, None, password.as_ref().map(|p| p.as_bytes()))
        .map_err(|e| js_error(&e))?;
    to_js(&ImportedJs::from(&imported))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_skipped_entries_keep_the_core_order_and_reasons() {
        let text = b"otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n\
                     otpauth://motp/Other:bob?secret=JBSWY3DPEHPK3PXP\n";
        let imported = import::import(text, None, None).expect("readable");
        let js = ImportedJs::from(&imported);
        assert_eq!(js.format, "otpauth");
        assert_eq!(js.accounts.len(), 1);
        assert_eq!(
            (
                js.accounts[0].issuer.as_str(),
                js.accounts[0].account.as_str()
            ),
            ("Example", "alice")
        );
        assert_eq!(js.skipped.len(), 1);
        assert_eq!(js.skipped[0].index, 1);
        assert!(
            js.skipped[0].reason.starts_with("import_") || js.skipped[0].reason.starts_with("uri_")
        );
    }

    #[test]
    fn detection_names_the_format() {
        assert_eq!(
            detect_import(b"otpauth://totp/A?secret=JBSWY3DPEHPK3PXP").as_deref(),
            Some("otpauth")
        );
        assert_eq!(detect_import(b"hello"), None);
    }
}
