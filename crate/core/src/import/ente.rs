//! Ente Auth encrypted exports.
//!
//! `{"version":1,"kdfParams":{"memLimit":bytes,"opsLimit":passes,"salt":base64},
//! "encryptedData":base64,"encryptionNonce":base64}`. The key is libsodium's `crypto_pwhash`
//! (Argon2id v1.3, one lane, `memLimit / 1024` KiB, `opsLimit` passes, 16-byte salt, 32 bytes);
//! the data is one message of libsodium's `crypto_secretstream_xchacha20poly1305` whose 24-byte
//! header is `encryptionNonce`; the plaintext is Ente's plain export (otpauth lines), read by
//! [`super::text`].
//!
//! Ente derives with libsodium's "sensitive" cost (1 GiB, 4 passes) and, on devices that cannot
//! spare the memory, halves the memory and doubles the passes (512 MiB × 8, 256 MiB × 16). Files
//! above [`super::MAX_ARGON2_MEMORY_KIB`] (256 MiB) are refused with
//! [`ImportError::WorkFactorTooHigh`] before any work: a browser tab cannot count on 1 GiB.

use chacha20::cipher::consts::U10;
use chacha20::cipher::generic_array::GenericArray;
use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20::ChaCha20;
use poly1305::universal_hash::KeyInit;
use poly1305::Poly1305;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use super::json::{number_at, str_at};
use super::{base64_decode, crypto, text, Collector, ImportError};

/// libsodium's `crypto_pwhash_argon2id_SALTBYTES`.
const SALT_BYTES: usize = 16;
/// `crypto_secretstream_xchacha20poly1305_HEADERBYTES`.
const HEADER_BYTES: usize = 24;
/// `crypto_secretstream_xchacha20poly1305_ABYTES`: one tag byte and a 16-byte MAC.
const A_BYTES: usize = 17;

pub(super) fn detect(value: &Value) -> bool {
    value.get("kdfParams").is_some_and(Value::is_object)
        && value.get("encryptedData").is_some()
        && value.get("encryptionNonce").is_some()
}

pub(super) fn import(
    value: &Value,
    password: Option<&[u8]>,
    out: &mut Collector,
) -> Result<(), ImportError> {
    let kdf = value.get("kdfParams").ok_or(ImportError::Malformed)?;
    let number = |key| {
        number_at(kdf, key)
            .ok()
            .flatten()
            .ok_or(ImportError::Malformed)
    };
    let (memory_bytes, passes) = (number("memLimit")?, number("opsLimit")?);
    // Refuse a hostile cost before anything else, even before asking for the password.
    crypto::check_argon2(memory_bytes / 1024, passes, 1)?;
    let password = password.ok_or(ImportError::PasswordRequired)?;
    let field = |key| {
        str_at(value, key)
            .and_then(base64_decode)
            .ok_or(ImportError::Malformed)
    };
    let salt = str_at(kdf, "salt")
        .and_then(base64_decode)
        .ok_or(ImportError::Malformed)?;
    let (data, header) = (field("encryptedData")?, field("encryptionNonce")?);
    if salt.len() != SALT_BYTES || header.len() != HEADER_BYTES || data.len() < A_BYTES {
        return Err(ImportError::Malformed);
    }
    let memory_kib = u32::try_from(memory_bytes / 1024).map_err(|_| ImportError::Malformed)?;
    let passes = u32::try_from(passes).map_err(|_| ImportError::Malformed)?;
    let mut key = Zeroizing::new([0u8; 32]);
    crypto::argon2id(password, &salt, memory_kib, passes, 1, key.as_mut())?;
    let plaintext = secretstream_pull(&key, &header, &data)?;
    let plaintext = core::str::from_utf8(&plaintext).map_err(|_| ImportError::Decrypt)?;
    text::import(plaintext, out)
}

/// Opens the first (here: only) message of a libsodium `crypto_secretstream_xchacha20poly1305`
/// stream, without additional data: `init_pull` then `pull`, as libsodium 1.0.18+ implements them
/// (including its padding of the MAC input by `mlen mod 16` zero bytes). Any failure is
/// [`ImportError::Decrypt`].
pub(super) fn secretstream_pull(
    key: &[u8; 32],
    header: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    if header.len() != HEADER_BYTES || sealed.len() < A_BYTES {
        return Err(ImportError::Decrypt);
    }
    // init_pull: k = HChaCha20(key, header[..16]); nonce = counter 1 (LE u32) ‖ header[16..24].
    let mut subkey = Zeroizing::new([0u8; 32]);
    let mut derived = chacha20::hchacha::<U10>(
        GenericArray::from_slice(key),
        GenericArray::from_slice(&header[..16]),
    );
    subkey.copy_from_slice(&derived);
    derived.as_mut_slice().zeroize();
    let mut nonce = [0u8; 12];
    nonce[0] = 1;
    nonce[4..].copy_from_slice(&header[16..]);
    let stream = || {
        ChaCha20::new(
            GenericArray::from_slice(subkey.as_ref()),
            GenericArray::from_slice(&nonce),
        )
    };

    // Block 0 of the keystream keys Poly1305; block 1 encrypts the tag byte (in a 64-byte block).
    let mut block = Zeroizing::new([0u8; 64]);
    stream().apply_keystream(block.as_mut());
    let mac_key = poly1305::Key::clone_from_slice(&block[..32]);
    let mut tag_block = Zeroizing::new([0u8; 64]);
    tag_block[0] = sealed[0];
    let mut cipher = stream();
    cipher.seek(64u64);
    cipher.apply_keystream(tag_block.as_mut());
    tag_block[0] = sealed[0];

    let (ciphertext, mac) = sealed[1..].split_at(sealed.len() - A_BYTES);
    let mut input = Zeroizing::new(Vec::with_capacity(64 + ciphertext.len() + 32));
    input.extend_from_slice(tag_block.as_ref());
    input.extend_from_slice(ciphertext);
    let padded = input.len() + ciphertext.len() % 16;
    input.resize(padded, 0);
    input.extend_from_slice(&0u64.to_le_bytes());
    input.extend_from_slice(&(64 + ciphertext.len() as u64).to_le_bytes());
    let expected = Poly1305::new(&mac_key).compute_unpadded(&input);
    let differs = expected
        .iter()
        .zip(mac)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if differs != 0 {
        return Err(ImportError::Decrypt);
    }
    let mut plaintext = Zeroizing::new(ciphertext.to_vec());
    let mut cipher = stream();
    cipher.seek(128u64);
    cipher.apply_keystream(&mut plaintext);
    Ok(plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_tampered_streams_fail_opaquely() {
        let key = [7u8; 32];
        assert_eq!(
            secretstream_pull(&key, &[0; 23], &[0; 40]).err(),
            Some(ImportError::Decrypt)
        );
        assert_eq!(
            secretstream_pull(&key, &[0; 24], &[0; 16]).err(),
            Some(ImportError::Decrypt)
        );
        assert_eq!(
            secretstream_pull(&key, &[0; 24], &[0; 40]).err(),
            Some(ImportError::Decrypt)
        );
    }
}
