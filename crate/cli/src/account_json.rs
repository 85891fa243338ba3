//! The JSON shape of an account that `parse`, `migration decode` and `import` print.

use serde::Serialize;
use tessera_core::{Account, OtpType};

/// The JSON shape of an account, in the order of issue 3.
#[derive(Serialize)]
pub(crate) struct AccountJson<'a> {
    #[serde(rename = "type")]
    otp_type: &'static str,
    issuer: &'a str,
    account: &'a str,
    secret: String,
    algorithm: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

impl<'a> AccountJson<'a> {
    pub(crate) fn of(a: &'a Account) -> Self {
        let hotp = a.otp_type == OtpType::Hotp;
        AccountJson {
            otp_type: a.otp_type.name(),
            issuer: &a.issuer,
            account: &a.name,
            secret: a.secret.to_base32(),
            algorithm: a.algorithm.name(),
            digits: a.digits,
            period: (!hotp).then_some(a.period),
            counter: hotp.then_some(a.counter),
        }
    }
}
