//! The compact encoding of the vault body: unsigned LEB128 varints (as protobuf's), length-prefixed
//! byte strings, fixed-size ids. No field names and no tags: the body version fixes the layout.
//!
//! Overlap: `crate::migration` has its own protobuf varint reader for Google's payloads. The two
//! could share one reader later; this one is stricter (minimal encodings only, see [`Reader::varint`]).

use super::error::VaultError;

/// Appends to a buffer the caller allocated (so a decrypted body is never copied by a reallocation).
pub(crate) struct Writer<'a> {
    pub(crate) out: &'a mut Vec<u8>,
}

impl Writer<'_> {
    pub(crate) fn u8(&mut self, v: u8) {
        self.out.push(v);
    }

    pub(crate) fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    pub(crate) fn fixed(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// A varint length, then the bytes.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.varint(bytes.len() as u64);
        self.out.extend_from_slice(bytes);
    }
}

/// Upper bound of the encoded length of a varint.
pub(crate) const MAX_VARINT_BYTES: usize = 10;

/// Reads from a slice; every read is bounds-checked and returns `Truncated` past the end.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data, pos: 0 }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn u8(&mut self) -> Result<u8, VaultError> {
        let b = *self.data.get(self.pos).ok_or(VaultError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn fixed(&mut self, n: usize) -> Result<&'a [u8], VaultError> {
        let end = self.pos.checked_add(n).ok_or(VaultError::Truncated)?;
        let s = self.data.get(self.pos..end).ok_or(VaultError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    pub(crate) fn array8(&mut self) -> Result<[u8; 8], VaultError> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.fixed(8)?);
        Ok(a)
    }

    /// A minimal LEB128 varint of at most 64 bits. Overlong forms (a last byte of zero after the
    /// first) and values above `u64::MAX` are malformed, so every value has exactly one encoding.
    pub(crate) fn varint(&mut self) -> Result<u64, VaultError> {
        let mut value: u64 = 0;
        for i in 0..MAX_VARINT_BYTES {
            let b = self.u8()?;
            let low = u64::from(b & 0x7f);
            if i == 9 && low > 1 {
                return Err(VaultError::Malformed {
                    reason: "varint above 64 bits",
                });
            }
            value |= low << (7 * i);
            if b & 0x80 == 0 {
                if i > 0 && b == 0 {
                    return Err(VaultError::Malformed {
                        reason: "varint not minimal",
                    });
                }
                return Ok(value);
            }
        }
        Err(VaultError::Malformed {
            reason: "varint longer than 10 bytes",
        })
    }

    /// A varint that must be at most `max`; `what` names the limit in the error.
    pub(crate) fn count(&mut self, max: usize, what: &'static str) -> Result<usize, VaultError> {
        let v = self.varint()?;
        if v > max as u64 {
            return Err(VaultError::TooLarge { what });
        }
        Ok(v as usize)
    }

    /// Length-prefixed bytes of at most `max` bytes.
    pub(crate) fn bytes(&mut self, max: usize, what: &'static str) -> Result<&'a [u8], VaultError> {
        let n = self.count(max, what)?;
        self.fixed(n)
    }

    /// Length-prefixed UTF-8 of at most `max` bytes.
    pub(crate) fn string(&mut self, max: usize, what: &'static str) -> Result<String, VaultError> {
        let b = self.bytes(max, what)?;
        core::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| VaultError::Malformed {
                reason: "string is not UTF-8",
            })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may unwrap.
mod tests {
    use super::*;

    fn enc(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        Writer { out: &mut out }.varint(v);
        out
    }

    #[test]
    fn varints_match_protobuf_encoding() {
        // Examples from the protobuf encoding guide ("Base 128 Varints"): 1 -> 01, 150 -> 96 01.
        let table: &[(u64, &[u8])] = &[
            (0, &[0x00]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (150, &[0x96, 0x01]),
            (16_384, &[0x80, 0x80, 0x01]),
            (
                u64::MAX,
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            ),
        ];
        for (value, bytes) in table {
            assert_eq!(enc(*value), *bytes, "{value}");
            let mut r = Reader::new(bytes);
            assert_eq!(r.varint().unwrap(), *value);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn bad_varints_are_rejected() {
        let cases: &[(&[u8], &str)] = &[
            (&[0x80, 0x00], "vault_malformed"),
            (
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
                "vault_malformed",
            ),
            (&[0x80; 11], "vault_malformed"),
            (&[0x80], "vault_truncated"),
            (&[], "vault_truncated"),
        ];
        for (bytes, code) in cases {
            assert_eq!(
                Reader::new(bytes).varint().unwrap_err().code(),
                *code,
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn lengths_are_capped_before_reading() {
        let mut data = Vec::new();
        Writer { out: &mut data }.bytes(b"abcdef");
        assert_eq!(Reader::new(&data).bytes(6, "x").unwrap(), b"abcdef");
        assert_eq!(
            Reader::new(&data).bytes(5, "x").unwrap_err(),
            VaultError::TooLarge { what: "x" }
        );
        assert_eq!(
            Reader::new(&data[..4]).bytes(6, "x").unwrap_err(),
            VaultError::Truncated
        );
    }
}
