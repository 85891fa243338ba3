//! Google Authenticator "Transfer accounts" (`otpauth-migration://offline?data=…`).
