//! RFC 4648 base32: lenient decoding of what people and apps type, canonical encoding.

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Why a base32 string could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base32Error {
    /// A character outside the base32 alphabet (after spaces, hyphens and padding were removed).
    /// The character itself is not reported: it is part of a secret.
    InvalidCharacter {
        /// Zero-based position of the character in the input.
        position: usize,
    },
    /// The number of base32 characters cannot encode whole bytes (1, 3 or 6 characters left over).
    InvalidLength,
}

/// Decodes base32 leniently: any case, spaces, tabs, hyphens and `=` padding are ignored.
/// Bits left over after the last whole byte are dropped, as every authenticator does.
pub fn decode(input: &str) -> Result<Vec<u8>, Base32Error> {
    let mut out = Vec::with_capacity(input.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    let mut chars = 0usize;
    for (position, c) in input.char_indices() {
        let value = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32,
            '2'..='7' => c as u32 - '2' as u32 + 26,
            ' ' | '\t' | '\n' | '\r' | '-' | '=' => continue,
            _ => return Err(Base32Error::InvalidCharacter { position }),
        };
        chars += 1;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    if matches!(chars % 8, 1 | 3 | 6) {
        zeroize::Zeroize::zeroize(&mut out);
        return Err(Base32Error::InvalidLength);
    }
    Ok(out)
}

/// Encodes canonically: upper case, no padding.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &byte in data {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648 section 10 test vectors.
    const RFC4648: &[(&str, &str)] = &[
        ("", ""),
        ("f", "MY======"),
        ("fo", "MZXQ===="),
        ("foo", "MZXW6==="),
        ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI======"),
    ];

    #[test]
    fn rfc4648_vectors() {
        for (plain, encoded) in RFC4648 {
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
            assert_eq!(encode(plain.as_bytes()), encoded.trim_end_matches('='));
        }
    }

    #[test]
    fn lenient_input() {
        let want = decode("JBSWY3DPEHPK3PXP").unwrap();
        for variant in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            "JBSWY3DPEHPK3PXP====",
        ] {
            assert_eq!(decode(variant).unwrap(), want, "{variant}");
        }
    }

    #[test]
    fn bad_input() {
        assert_eq!(
            decode("JBSW1"),
            Err(Base32Error::InvalidCharacter { position: 4 })
        );
        assert_eq!(decode("A"), Err(Base32Error::InvalidLength));
        assert_eq!(decode("ABC"), Err(Base32Error::InvalidLength));
    }
}
