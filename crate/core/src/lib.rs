#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod account;
pub mod base32;
pub mod export;
pub mod import;
pub mod migration;
pub mod otp;
pub mod qr;
pub mod qr_encode;
pub mod secret;
pub mod sync;
pub mod uri;
pub mod vault;

pub use account::{Account, OtpType};
pub use otp::{Algorithm, Code, OtpError};
pub use secret::{Secret, SecretError};
