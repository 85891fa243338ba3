//! Bitwarden's unencrypted exports, JSON and CSV. Only login items with a `totp` field are read;
//! the field holds an `otpauth://` URI, a `steam://` URI or a bare base32 secret. When the field
//! names no issuer the item's name is used, and when it names no account the login's user name.
//! Password-protected and account-encrypted JSON exports are refused as unsupported.

use serde_json::Value;

use super::json::{str_at, text_at};
use super::{reason, Collector, ImportError, Skip};
use crate::account::Account;
use crate::uri;

/// Bitwarden's item type for logins.
const LOGIN_ITEM: u64 = 1;

pub(super) fn detect_json(value: &Value) -> bool {
    value.get("items").is_some_and(Value::is_array)
        || (value.get("encrypted").is_some_and(Value::is_boolean)
            && value.get("passwordProtected").is_some())
}

pub(super) fn detect_csv(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|header| header.split(',').any(|c| c.trim() == "login_totp"))
}

pub(super) fn import_json(value: &Value, out: &mut Collector) -> Result<(), ImportError> {
    if value.get("encrypted").and_then(Value::as_bool) == Some(true) {
        return Err(ImportError::Unsupported);
    }
    let items = value
        .get("items")
        .and_then(Value::as_array)
        .ok_or(ImportError::Malformed)?;
    for item in items {
        if item.get("type").and_then(Value::as_u64) != Some(LOGIN_ITEM) {
            continue;
        }
        let login = item.get("login").unwrap_or(&Value::Null);
        let Some(totp) = str_at(login, "totp").filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        out.push(account(
            totp,
            text_at(item, "name"),
            text_at(login, "username"),
        ));
    }
    Ok(())
}

pub(super) fn import_csv(text: &str, out: &mut Collector) -> Result<(), ImportError> {
    let mut rows = csv_rows(text);
    let header = rows.next().ok_or(ImportError::Malformed)?;
    let column = |name: &str| header.iter().position(|c| c.trim() == name);
    let totp = column("login_totp").ok_or(ImportError::Malformed)?;
    let name = column("name");
    let username = column("login_username");
    for row in rows {
        let field = |i: Option<usize>| i.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
        let value = field(Some(totp));
        if value.trim().is_empty() {
            continue;
        }
        out.push(account(value, field(name), field(username)));
    }
    Ok(())
}

/// The account of one `totp` field, labelled from the item when the field has no labels.
fn account(totp: &str, item_name: &str, username: &str) -> Result<Account, Skip> {
    let totp = totp.trim();
    let skip = |reason| Skip {
        issuer: item_name.to_owned(),
        name: username.to_owned(),
        reason,
    };
    let parsed = if totp.contains("://") {
        super::parse_uri_lenient(totp)
    } else {
        super::base32_secret(Some(totp))
            .map(|secret| Account::totp("", "", secret))
            .map_err(|_| uri::UriError::MissingSecret)
    };
    let mut account = parsed.map_err(|e| {
        skip(match e {
            uri::UriError::InvalidSecret(_) | uri::UriError::MissingSecret => {
                reason::INVALID_SECRET
            }
            uri::UriError::UnknownType => reason::UNSUPPORTED_TYPE,
            _ => reason::INVALID_URI,
        })
    })?;
    if account.issuer.is_empty() {
        account.issuer = item_name.to_owned();
    }
    if account.name.is_empty() {
        account.name = username.to_owned();
    }
    if account.issuer.len() > uri::MAX_NAME_BYTES || account.name.len() > uri::MAX_NAME_BYTES {
        return Err(skip(reason::NAME_TOO_LONG));
    }
    Ok(account)
}

/// RFC 4180 rows: comma-separated fields, `"quoted"` fields with `""` for a quote and line
/// breaks inside quotes, lines ending in LF or CRLF. Blank lines are left out.
fn csv_rows(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    let mut chars = text.chars().peekable();
    core::iter::from_fn(move || loop {
        chars.peek()?;
        let mut row = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') if field.is_empty() => quoted = true,
                (false, ',') => row.push(core::mem::take(&mut field)),
                (false, '\n') => break,
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, c) => field.push(c),
            }
        }
        row.push(field);
        if row.len() > 1 || !row[0].is_empty() {
            return Some(row);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_line_breaks() {
        let rows: Vec<_> = csv_rows("a,\"b,\"\"c\"\"\"\r\n\r\n\"x\ny\",z\n,\n").collect();
        assert_eq!(
            rows,
            vec![
                vec!["a".to_owned(), "b,\"c\"".to_owned()],
                vec!["x\ny".to_owned(), "z".to_owned()],
                vec![String::new(), String::new()],
            ]
        );
    }
}
