//! Key derivation with ceilings, and the ciphers of the encrypted formats.
//!
//! Every ceiling is checked before any work is done. Under `cfg(fuzzing)` the ceilings are far
//! lower, so that a fuzzer spends its time in the parsers rather than in key derivation.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, KeyIvInit};
use md5::{Digest, Md5};
use zeroize::Zeroizing;

use super::ImportError;

/// Highest scrypt cost exponent (N = 2^log_n) accepted. Aegis writes N = 2^15; 2^20 leaves room
/// for apps that raise it, the memory and cost ceilings below still apply.
pub const MAX_SCRYPT_LOG_N: u8 = 20;

/// Most memory scrypt may use, in bytes (128 · N · r, plus 128 · r · p). Aegis's parameters
/// (N = 2^15, r = 8, p = 1) take 32 MiB; 256 MiB is what a browser tab can spare.
pub const MAX_SCRYPT_MEMORY_BYTES: u64 = 256 * 1024 * 1024;

/// Highest scrypt work N · r · p accepted (time grows with it). Aegis's 2^18 is well below; 2^22
/// (16 times that, about two seconds natively) bounds what a hostile file can ask for.
pub const MAX_SCRYPT_COST: u64 = 1 << 22;

/// Most Argon2 memory accepted, in KiB: 256 MiB. The Authenticator extension uses 19,456 KiB
/// (OWASP's recommendation); libsodium's "moderate" limit is 256 MiB. Ente Auth exports made with
/// libsodium's "sensitive" 1 GiB (or its 512 MiB fallback) are refused: a browser tab cannot count
/// on that much. Ente's 256 MiB × 16 passes fallback, which phones use, is read.
pub const MAX_ARGON2_MEMORY_KIB: u32 = 256 * 1024;

/// Most Argon2 passes accepted (the Authenticator extension uses 2; libsodium's "sensitive" 4;
/// Ente Auth's 256 MiB fallback 16).
pub const MAX_ARGON2_ITERATIONS: u32 = 16;

/// Most Argon2 work accepted, memory (KiB) × passes: 4 GiB·pass, the work of libsodium's
/// "sensitive" cost and of each of Ente Auth's fallbacks (256 MiB × 16). It bounds the time a
/// hostile file can take: Proton's 256 MiB × 16 Ente export took 32.6 s in wasm under node on the
/// 2-core development machine under heavy load, 10 times as long as Aegis's scrypt unlock in the
/// same run (3.3 s); an import is a one-time wait, and the options page says it is working.
pub const MAX_ARGON2_WORK_KIB: u64 = 4 * 1024 * 1024;

/// Most Argon2 lanes accepted (the Authenticator extension and libsodium use 1).
pub const MAX_ARGON2_LANES: u32 = 16;

/// Most PBKDF2 iterations accepted. OWASP's 2023 recommendations are 600,000 for HMAC-SHA256 and
/// 1,300,000 for HMAC-SHA1; andOTP writes 140,000–160,000 and 2FAS 10,000.
pub const MAX_PBKDF2_ITERATIONS: u32 = 2_000_000;

/// Lower ceilings while fuzzing: (scrypt N·r·p, Argon2 KiB·passes, PBKDF2 iterations).
#[cfg(fuzzing)]
const FUZZ_CEILINGS: (u64, u64, u32) = (1 << 10, 64, 1_000);

/// Checks scrypt parameters (N = `n`) against the ceilings, without doing any work. Returns
/// (log2 N, r, p).
pub(super) fn check_scrypt(n: u64, r: u64, p: u64) -> Result<(u8, u32, u32), ImportError> {
    if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 {
        return Err(ImportError::Malformed);
    }
    let log_n = n.trailing_zeros();
    let memory = 128u64
        .checked_mul(n)
        .and_then(|m| m.checked_mul(r))
        .and_then(|m| m.checked_add(128u64.checked_mul(r)?.checked_mul(p)?));
    let cost = n.checked_mul(r).and_then(|c| c.checked_mul(p));
    let too_high = log_n > u32::from(MAX_SCRYPT_LOG_N)
        || memory.is_none_or(|m| m > MAX_SCRYPT_MEMORY_BYTES)
        || cost.is_none_or(|c| c > MAX_SCRYPT_COST);
    if too_high {
        return Err(ImportError::WorkFactorTooHigh);
    }
    #[cfg(fuzzing)]
    if cost.is_none_or(|c| c > FUZZ_CEILINGS.0) {
        return Err(ImportError::WorkFactorTooHigh);
    }
    match (u8::try_from(log_n), u32::try_from(r), u32::try_from(p)) {
        (Ok(log_n), Ok(r), Ok(p)) => Ok((log_n, r, p)),
        _ => Err(ImportError::WorkFactorTooHigh),
    }
}

/// The 32-byte key of scrypt(password, salt, N = `n`, `r`, `p`), after [`check_scrypt`].
pub(super) fn scrypt32(
    password: &[u8],
    salt: &[u8],
    n: u64,
    r: u64,
    p: u64,
) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    let (log_n, r, p) = check_scrypt(n, r, p)?;
    let params = scrypt::Params::new(log_n, r, p, 32).map_err(|_| ImportError::Malformed)?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &params, key.as_mut()).map_err(|_| ImportError::Malformed)?;
    Ok(key)
}

/// Checks Argon2 parameters against the ceilings.
pub(super) fn check_argon2(
    memory_kib: u64,
    iterations: u64,
    lanes: u64,
) -> Result<(), ImportError> {
    if memory_kib > u64::from(MAX_ARGON2_MEMORY_KIB)
        || iterations > u64::from(MAX_ARGON2_ITERATIONS)
        || lanes > u64::from(MAX_ARGON2_LANES)
        || memory_kib.saturating_mul(iterations) > MAX_ARGON2_WORK_KIB
    {
        return Err(ImportError::WorkFactorTooHigh);
    }
    #[cfg(fuzzing)]
    if memory_kib.saturating_mul(iterations) > FUZZ_CEILINGS.1 {
        return Err(ImportError::WorkFactorTooHigh);
    }
    Ok(())
}

/// Argon2id (version 0x13) of `password` and `salt` into `out`.
pub(super) fn argon2id(
    password: &[u8],
    salt: &[u8],
    memory_kib: u32,
    iterations: u32,
    lanes: u32,
    out: &mut [u8],
) -> Result<(), ImportError> {
    check_argon2(
        u64::from(memory_kib),
        u64::from(iterations),
        u64::from(lanes),
    )?;
    let params = argon2::Params::new(memory_kib, iterations, lanes, Some(out.len()))
        .map_err(|_| ImportError::Malformed)?;
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(password, salt, out)
        .map_err(|_| ImportError::Malformed)
}

/// Checks a PBKDF2 iteration count against the ceiling.
fn check_pbkdf2(iterations: u32) -> Result<(), ImportError> {
    if iterations == 0 {
        return Err(ImportError::Malformed);
    }
    if iterations > MAX_PBKDF2_ITERATIONS {
        return Err(ImportError::WorkFactorTooHigh);
    }
    #[cfg(fuzzing)]
    if iterations > FUZZ_CEILINGS.2 {
        return Err(ImportError::WorkFactorTooHigh);
    }
    Ok(())
}

/// PBKDF2-HMAC-SHA256 into a 32-byte key.
pub(super) fn pbkdf2_sha256(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    check_pbkdf2(iterations)?;
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, key.as_mut());
    Ok(key)
}

/// PBKDF2-HMAC-SHA1 into a 32-byte key.
pub(super) fn pbkdf2_sha1(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    check_pbkdf2(iterations)?;
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, key.as_mut());
    Ok(key)
}

/// Opens AES-256-GCM `ciphertext ‖ tag` under a 32-byte key and a 12-byte nonce. Any failure,
/// including a wrong length, is [`ImportError::Decrypt`].
pub(super) fn aes_gcm_open(
    key: &[u8],
    nonce: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    if nonce.len() != 12 || sealed.len() < 16 {
        return Err(ImportError::Decrypt);
    }
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| ImportError::Decrypt)?;
    cipher
        .decrypt(Nonce::from_slice(nonce), sealed)
        .map(Zeroizing::new)
        .map_err(|_| ImportError::Decrypt)
}

/// Decrypts AES-256-CBC with PKCS#7 padding; a wrong length or padding is [`ImportError::Decrypt`].
pub(super) fn aes_cbc_open(
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let decryptor = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
        .map_err(|_| ImportError::Decrypt)?;
    decryptor
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .map(Zeroizing::new)
        .map_err(|_| ImportError::Decrypt)
}

/// Opens an OpenSSL/CryptoJS passphrase message: `"Salted__" ‖ salt[8] ‖ ciphertext`, key and IV
/// from `EVP_BytesToKey(MD5, 1 round, passphrase, salt)`, AES-256-CBC with PKCS#7 padding.
pub(super) fn openssl_open(
    passphrase: &[u8],
    message: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let rest = message
        .strip_prefix(b"Salted__")
        .ok_or(ImportError::Malformed)?;
    if rest.len() < 8 + 16 || (rest.len() - 8) % 16 != 0 {
        return Err(ImportError::Malformed);
    }
    let (salt, ciphertext) = rest.split_at(8);
    // EVP_BytesToKey: D_1 = MD5(pass ‖ salt), D_i = MD5(D_{i-1} ‖ pass ‖ salt); key ‖ iv = D_1 ‖ D_2 ‖ D_3.
    let mut material = Zeroizing::new([0u8; 48]);
    let mut previous = Zeroizing::new([0u8; 16]);
    for (i, chunk) in material.chunks_exact_mut(16).enumerate() {
        let mut md5 = Md5::new();
        if i > 0 {
            md5.update(previous.as_ref());
        }
        md5.update(passphrase);
        md5.update(salt);
        previous.copy_from_slice(&md5.finalize());
        chunk.copy_from_slice(previous.as_ref());
    }
    let (key, iv) = material.split_at(32);
    aes_cbc_open(key, iv, ciphertext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_scrypt_parameters_fail_before_work() {
        for (n, r, p) in [
            (1u64 << 40, 8, 1),
            (1 << 21, 1, 1),
            (1 << 18, 16, 1),
            (1 << 15, 8, 1 << 20),
            (u64::MAX / 2 + 1, u64::MAX, u64::MAX),
        ] {
            assert_eq!(
                scrypt32(b"p", b"s", n, r, p).err(),
                Some(ImportError::WorkFactorTooHigh),
                "{n} {r} {p}"
            );
        }
        for (n, r, p) in [(0u64, 8, 1), (3, 8, 1), (1 << 10, 0, 1), (1 << 10, 8, 0)] {
            assert_eq!(
                scrypt32(b"p", b"s", n, r, p).err(),
                Some(ImportError::Malformed)
            );
        }
    }

    #[test]
    fn scrypt_rfc7914_vector() {
        // RFC 7914 section 12, second vector: P = "password", S = "NaCl", N = 1024, r = 8, p = 16.
        let key = scrypt32(b"password", b"NaCl", 1024, 8, 16).unwrap();
        assert_eq!(key[..8], [0xfd, 0xba, 0xbe, 0x1c, 0x9d, 0x34, 0x72, 0x00]);
    }

    #[test]
    fn hostile_argon2_and_pbkdf2_parameters_fail() {
        assert_eq!(
            check_argon2(4 * 1024 * 1024, 2, 1),
            Err(ImportError::WorkFactorTooHigh)
        );
        assert_eq!(
            check_argon2(19456, 1000, 1),
            Err(ImportError::WorkFactorTooHigh)
        );
        assert_eq!(
            check_argon2(19456, 2, 1 << 20),
            Err(ImportError::WorkFactorTooHigh)
        );
        // Ente Auth's costs: 1 GiB × 4 and 512 MiB × 8 refused, 256 MiB × 16 read.
        assert_eq!(
            check_argon2(1 << 20, 4, 1),
            Err(ImportError::WorkFactorTooHigh)
        );
        assert_eq!(
            check_argon2(1 << 19, 8, 1),
            Err(ImportError::WorkFactorTooHigh)
        );
        assert_eq!(
            check_argon2(256 * 1024, 17, 1),
            Err(ImportError::WorkFactorTooHigh)
        );
        #[cfg(not(fuzzing))]
        assert_eq!(check_argon2(256 * 1024, 16, 1), Ok(()));
        assert_eq!(
            pbkdf2_sha1(b"p", b"s", u32::MAX).err(),
            Some(ImportError::WorkFactorTooHigh)
        );
        assert_eq!(
            pbkdf2_sha256(b"p", b"s", 0).err(),
            Some(ImportError::Malformed)
        );
    }

    #[test]
    fn openssl_rejects_short_or_unsalted_messages() {
        assert_eq!(
            openssl_open(b"k", b"nope").err(),
            Some(ImportError::Malformed)
        );
        assert_eq!(
            openssl_open(b"k", b"Salted__12345678").err(),
            Some(ImportError::Malformed)
        );
        let mut m = b"Salted__12345678".to_vec();
        m.extend_from_slice(&[0u8; 16]);
        assert_eq!(openssl_open(b"k", &m).err(), Some(ImportError::Decrypt));
    }

    #[test]
    fn gcm_rejects_bad_lengths() {
        assert_eq!(
            aes_gcm_open(&[0; 32], &[0; 11], &[0; 32]).err(),
            Some(ImportError::Decrypt)
        );
        assert_eq!(
            aes_gcm_open(&[0; 31], &[0; 12], &[0; 32]).err(),
            Some(ImportError::Decrypt)
        );
        assert_eq!(
            aes_gcm_open(&[0; 32], &[0; 12], &[0; 15]).err(),
            Some(ImportError::Decrypt)
        );
    }
}
