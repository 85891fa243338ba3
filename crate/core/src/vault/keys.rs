//! Keys and key derivation: the vault's data key, the password-derived key, PBKDF2 parameters, and
//! the AES-256-GCM calls that use them.

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use zeroize::Zeroizing;

use super::error::VaultError;
use super::{
    MAX_PBKDF2_ITERATIONS, MAX_SALT_BYTES, MIN_PBKDF2_ITERATIONS, MIN_SALT_BYTES,
    PBKDF2_ITERATIONS, SALT_BYTES,
};

/// Length of every key (AES-256).
pub const KEY_BYTES: usize = 32;
/// Length of an AES-GCM nonce (96 bits, the size GCM is specified for).
pub const NONCE_BYTES: usize = 12;
/// Length of an AES-GCM authentication tag.
pub const TAG_BYTES: usize = 16;

/// The randomness source every sealing function takes: fills the slice with random bytes. The CLI
/// and wasm layers pass `getrandom`; tests pass a deterministic closure to pin salts and nonces.
pub type Rng<'a> = &'a mut dyn FnMut(&mut [u8]);

/// The key derived from a password with PBKDF2-HMAC-SHA256 (by [`derive_password_key`] natively, by
/// WebCrypto `deriveBits` in the browser). It unwraps the data key of a password slot. Zeroized on
/// drop; its `Debug` shows no bytes.
#[derive(Clone)]
pub struct DerivedKey(Zeroizing<[u8; KEY_BYTES]>);

impl DerivedKey {
    /// Takes the 32 derived bytes (WebCrypto's `deriveBits(…, 256)` output). The caller wipes its
    /// own copy.
    pub fn from_slice(bytes: &[u8]) -> Result<DerivedKey, VaultError> {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        if bytes.len() != KEY_BYTES {
            return Err(VaultError::InvalidKeyLength);
        }
        key.copy_from_slice(bytes);
        Ok(DerivedKey(key))
    }

    /// The key bytes, for comparing with WebCrypto in tests and for nothing else.
    pub fn expose(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }
}

impl core::fmt::Debug for DerivedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DerivedKey(<redacted>)")
    }
}

/// The random 256-bit key that seals a vault's body. A new one is drawn whenever the protection
/// changes (password set, changed or removed). Zeroized on drop; its `Debug` shows no bytes.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; KEY_BYTES]>);

impl DataKey {
    pub(crate) fn generate(rng: Rng<'_>) -> DataKey {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        rng(&mut key[..]);
        DataKey(key)
    }

    pub(crate) fn from_array_ref(bytes: &[u8]) -> Result<DataKey, VaultError> {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        if bytes.len() != KEY_BYTES {
            return Err(VaultError::InvalidKeyLength);
        }
        key.copy_from_slice(bytes);
        Ok(DataKey(key))
    }

    pub(crate) fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }

    /// The key bytes, for exactly one purpose: the service worker's `chrome.storage.session` cache,
    /// which keeps an unlocked vault unlocked across worker restarts (DEVELOPERS.md, issue 4). The
    /// bytes must go nowhere else: not to `storage.local`, not to a log, not to a page. Read back
    /// with [`DataKey::from_session_bytes`].
    pub fn to_session_bytes(&self) -> Zeroizing<[u8; KEY_BYTES]> {
        self.0.clone()
    }

    /// Imports bytes written by [`DataKey::to_session_bytes`]. Whether they are the right key shows
    /// only when opening ([`crate::vault::open_with_data_key`]).
    pub fn from_session_bytes(bytes: &[u8]) -> Result<DataKey, VaultError> {
        DataKey::from_array_ref(bytes)
    }
}

impl core::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// PBKDF2-HMAC-SHA256 parameters of a password slot. Always within the read limits: the
/// constructors check them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KdfParams {
    salt: Vec<u8>,
    iterations: u32,
}

impl KdfParams {
    /// Checks a salt and an iteration count against [`MIN_SALT_BYTES`]..=[`MAX_SALT_BYTES`] and
    /// [`MIN_PBKDF2_ITERATIONS`]..=[`MAX_PBKDF2_ITERATIONS`].
    pub fn new(salt: Vec<u8>, iterations: u32) -> Result<KdfParams, VaultError> {
        check_iterations(iterations)?;
        if !(MIN_SALT_BYTES..=MAX_SALT_BYTES).contains(&salt.len()) {
            return Err(VaultError::SaltLength { len: salt.len() });
        }
        Ok(KdfParams { salt, iterations })
    }

    /// Fresh parameters for a new password: a random [`SALT_BYTES`]-byte salt and
    /// [`PBKDF2_ITERATIONS`].
    pub fn generate(rng: Rng<'_>) -> KdfParams {
        let mut salt = vec![0u8; SALT_BYTES];
        rng(&mut salt);
        KdfParams {
            salt,
            iterations: PBKDF2_ITERATIONS,
        }
    }

    /// Fresh parameters with another iteration count (tests use the 10,000 floor).
    pub fn generate_with_iterations(
        rng: Rng<'_>,
        iterations: u32,
    ) -> Result<KdfParams, VaultError> {
        check_iterations(iterations)?;
        let mut p = KdfParams::generate(rng);
        p.iterations = iterations;
        Ok(p)
    }

    /// The salt.
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The PBKDF2 iteration count.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }
}

pub(crate) fn check_iterations(iterations: u32) -> Result<(), VaultError> {
    if (MIN_PBKDF2_ITERATIONS..=MAX_PBKDF2_ITERATIONS).contains(&iterations) {
        Ok(())
    } else {
        Err(VaultError::IterationsOutOfRange { iterations })
    }
}

/// PBKDF2-HMAC-SHA256 of `password` with 32 bytes of output, natively (the CLI; the browser uses
/// WebCrypto, which gives the same bits). Iterations outside the read limits are refused before any
/// work, so a hostile file cannot make this hang. The salt length is not checked here (published
/// test vectors use short salts); [`KdfParams`] checks it for vaults.
pub fn derive_password_key(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Result<DerivedKey, VaultError> {
    check_iterations(iterations)?;
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    pbkdf2_sha256(password, salt, iterations, &mut key[..]);
    Ok(DerivedKey(key))
}

/// Unchecked PBKDF2-HMAC-SHA256, any output length.
pub(crate) fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, out);
}

/// AES-256-GCM encryption in place; the tag is appended.
pub(crate) fn seal_in_place(
    key: &[u8; KEY_BYTES],
    nonce: &[u8; NONCE_BYTES],
    aad: &[u8],
    buffer: &mut Vec<u8>,
) {
    let cipher = Aes256Gcm::new(key.into());
    // Encryption only fails for inputs above GCM's 64 GiB limit; our sizes are capped far below.
    if cipher
        .encrypt_in_place(Nonce::from_slice(nonce), aad, buffer)
        .is_err()
    {
        unreachable!("AES-GCM input within size limits");
    }
}

/// AES-256-GCM decryption in place; the tag is removed. Any failure is the opaque `Decrypt`.
pub(crate) fn open_in_place(
    key: &[u8; KEY_BYTES],
    nonce: &[u8],
    aad: &[u8],
    buffer: &mut Vec<u8>,
) -> Result<(), VaultError> {
    if nonce.len() != NONCE_BYTES || buffer.len() < TAG_BYTES {
        return Err(VaultError::Decrypt);
    }
    let cipher = Aes256Gcm::new(key.into());
    cipher
        .decrypt_in_place(Nonce::from_slice(nonce), aad, buffer)
        .map_err(|_| VaultError::Decrypt)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may unwrap.
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// PBKDF2-HMAC-SHA256 known answers, each row naming its source. Rows below the 10,000-iteration
    /// floor go through the unchecked function; the RFC 7914 80,000-iteration row goes through the
    /// public `derive_password_key` too.
    #[test]
    fn pbkdf2_hmac_sha256_published_vectors() {
        struct Vector {
            source: &'static str,
            password: &'static [u8],
            salt: &'static [u8],
            iterations: u32,
            expected: &'static str,
        }
        let table: &[Vector] = &[
            Vector {
                source: "RFC 7914 section 11, first PBKDF2-HMAC-SHA256 vector (dkLen 64)",
                password: b"passwd",
                salt: b"salt",
                iterations: 1,
                expected: "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
            },
            Vector {
                source: "RFC 7914 section 11, second PBKDF2-HMAC-SHA256 vector (dkLen 64)",
                password: b"Password",
                salt: b"NaCl",
                iterations: 80_000,
                expected: "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d",
            },
            Vector {
                source: "RFC 6070 inputs with HMAC-SHA256 (the widely published \"PBKDF2-HMAC-SHA2 test vectors\"; also OpenSSL via Python hashlib), c=1",
                password: b"password",
                salt: b"salt",
                iterations: 1,
                expected: "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
            },
            Vector {
                source: "same source, c=2",
                password: b"password",
                salt: b"salt",
                iterations: 2,
                expected: "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43",
            },
            Vector {
                source: "same source, c=4096",
                password: b"password",
                salt: b"salt",
                iterations: 4096,
                expected: "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a",
            },
            Vector {
                source: "same source, c=4096, long password and salt, dkLen 40",
                password: b"passwordPASSWORDpassword",
                salt: b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
                iterations: 4096,
                expected: "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9",
            },
        ];
        for Vector {
            source,
            password,
            salt,
            iterations,
            expected,
        } in table
        {
            let mut out = vec![0u8; expected.len() / 2];
            pbkdf2_sha256(password, salt, *iterations, &mut out);
            assert_eq!(hex(&out), *expected, "{source}");
            if check_iterations(*iterations).is_ok() {
                let key = derive_password_key(password, salt, *iterations).unwrap();
                assert_eq!(
                    hex(key.expose()),
                    expected[..64],
                    "{source} (public API, first 32 bytes)"
                );
            }
        }
    }

    #[test]
    fn iteration_limits_are_checked_before_work() {
        for bad in [
            0,
            1,
            MIN_PBKDF2_ITERATIONS - 1,
            MAX_PBKDF2_ITERATIONS + 1,
            u32::MAX,
        ] {
            assert_eq!(
                derive_password_key(b"pw", b"salt", bad).unwrap_err(),
                VaultError::IterationsOutOfRange { iterations: bad }
            );
        }
        assert!(KdfParams::new(vec![0; MIN_SALT_BYTES - 1], MIN_PBKDF2_ITERATIONS).is_err());
        assert!(KdfParams::new(vec![0; MAX_SALT_BYTES + 1], MIN_PBKDF2_ITERATIONS).is_err());
        assert!(KdfParams::new(vec![0; MIN_SALT_BYTES], MAX_PBKDF2_ITERATIONS).is_ok());
    }

    #[test]
    fn key_debug_shows_no_bytes() {
        let k = DerivedKey::from_slice(&[0xab; 32]).unwrap();
        let d = DataKey::from_session_bytes(&[0xcd; 32]).unwrap();
        let shown = format!("{k:?} {d:?}");
        assert!(
            !shown.contains("171") && !shown.contains("ab") && !shown.contains("205"),
            "{shown}"
        );
        assert_eq!(
            DataKey::from_session_bytes(&[0; 31]).unwrap_err(),
            VaultError::InvalidKeyLength
        );
        assert_eq!(*d.to_session_bytes(), [0xcd; 32]);
    }
}
