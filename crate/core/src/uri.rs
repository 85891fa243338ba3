//! `otpauth://` and `steam://` URIs (Google's Key Uri Format): lenient parsing, canonical writing.
