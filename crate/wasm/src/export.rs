//! Export bindings (`tessera_core::export`), for the service worker only: the accounts of a sealed
//! vault as an otpauth URI list, an Aegis plain vault or Google Authenticator transfer URIs.
//!
//! The vault is opened here from its sealed bytes, so the secrets never pass through JavaScript
//! until the export itself: with the password's derived key for a vault with a password
//! (`exportWithKey`; opening it is also the password check, a wrong one is the opaque
//! `vault_decrypt`), or `exportUnprotected` for a vault without one. The derived key buffer is the
//! WebCrypto PBKDF2 output (KEY IN JAVASCRIPT, see extension/lib/kdf.js): it is overwritten with
//! zeros here, and wasm-bindgen copies the zeros back into the caller's `Uint8Array`.
//!
//! Both return `{format, text, uris, leftOut, caution}`: `text` is the file for `uris` and `aegis`
//! (null for `migration`); `uris` the transfer URIs in batch order (empty for the files);
//! `leftOut` and `caution` are `[{index, issuer, account, reason}]` for `migration`.

use serde::Serialize;
use tessera_core::export::{self, ExportError, Format};
use tessera_core::vault::{self, DerivedKey, Vault};
use tessera_core::Account;
use wasm_bindgen::prelude::*;

use crate::{js_error, to_js, with_rng, Coded, SkippedJs};

impl Coded for ExportError {
    fn code(&self) -> &'static str {
        ExportError::code(self)
    }
}

/// What the export functions return.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportJs {
    format: &'static str,
    text: Option<String>,
    uris: Vec<String>,
    left_out: Vec<SkippedJs>,
    caution: Vec<SkippedJs>,
}

fn export(vault: &Vault, format: &str, batch_id: i32) -> Result<JsValue, JsValue> {
    let format = Format::from_name(format).ok_or_else(|| js_error(&ExportError::UnknownFormat))?;
    let accounts: Vec<Account> = vault.accounts().map(|(_, a, _)| a.clone()).collect();
    let mut out = ExportJs {
        format: format.name(),
        text: None,
        uris: Vec::new(),
        left_out: Vec::new(),
        caution: Vec::new(),
    };
    match format {
        Format::Uris => {
            out.text = Some(
                export::uri_list(&accounts)
                    .map_err(|e| js_error(&e))?
                    .to_string(),
            );
        }
        Format::Aegis => {
            let json =
                with_rng(|rng| export::aegis_json(&accounts, rng))?.map_err(|e| js_error(&e))?;
            out.text = Some(json.to_string());
        }
        _ => {
            let m = export::migration(&accounts, batch_id).map_err(|e| js_error(&e))?;
            out.left_out = m.left_out.iter().map(SkippedJs::from).collect();
            out.caution = m.caution.iter().map(SkippedJs::from).collect();
            out.uris = m.uris;
        }
    }
    to_js(&out)
}

/// Opens a sealed vault with the password's derived key (32 bytes, wiped here) and exports its
/// accounts as `format` (`uris`, `aegis` or `migration`; `batchId` is used by `migration`).
#[wasm_bindgen(js_name = exportWithKey)]
pub fn export_with_key(
    sealed: &[u8],
    derived: &mut [u8],
    format: &str,
    batch_id: i32,
) -> Result<JsValue, JsValue> {
    let key = DerivedKey::from_slice(derived);
    derived.fill(0);
    let key = key.map_err(|e| js_error(&e))?;
    let (contents, _) = vault::open_with_key(sealed, &key).map_err(|e| js_error(&e))?;
    export(&contents, format, batch_id)
}

/// Opens a sealed vault without a password and exports its accounts (see `exportWithKey`). A vault
/// with a password is refused by the core.
#[wasm_bindgen(js_name = exportUnprotected)]
pub fn export_unprotected(sealed: &[u8], format: &str, batch_id: i32) -> Result<JsValue, JsValue> {
    let (contents, _) = vault::open_unprotected(sealed).map_err(|e| js_error(&e))?;
    export(&contents, format, batch_id)
}
