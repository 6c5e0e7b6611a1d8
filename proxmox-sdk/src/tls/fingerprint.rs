//! SHA-256 certificate fingerprints in the format PVE prints them.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// Number of bytes in a SHA-256 digest.
const LEN: usize = 32;

/// The SHA-256 digest of a certificate's DER encoding.
///
/// This is what PVE reports as a node's `ssl_fingerprint` (`GET /nodes`) and what
/// `pvenode cert info` prints. It parses from either the colon-separated form
/// (`AA:BB:…`, 32 pairs) or 64 plain hex digits, in any letter case, and always displays as
/// uppercase pairs separated by colons. Surrounding whitespace and the `SHA256 Fingerprint=`
/// prefix of `openssl x509 -noout -fingerprint -sha256` (any letter case) are accepted, so
/// a pasted line or a file's content parses as it is:
///
/// ```
/// use proxmox_sdk::tls::Fingerprint;
///
/// let pair = "AB:".repeat(31) + "AB";
/// let from_openssl: Fingerprint = format!("sha256 Fingerprint={pair}\n").parse()?;
/// assert_eq!(from_openssl, pair.parse()?);
/// # Ok::<(), proxmox_sdk::tls::FingerprintParseError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; LEN]);

impl Fingerprint {
    /// Wraps an already computed SHA-256 digest.
    pub const fn from_bytes(bytes: [u8; LEN]) -> Self {
        Self(bytes)
    }

    /// Computes the fingerprint of a DER-encoded certificate.
    pub fn from_der(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }

    /// The raw digest.
    pub const fn as_bytes(&self) -> &[u8; LEN] {
        &self.0
    }
}

impl From<[u8; LEN]> for Fingerprint {
    fn from(bytes: [u8; LEN]) -> Self {
        Self(bytes)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// What the parser wanted where it found something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedChar {
    /// A hexadecimal digit, `0-9`, `a-f` or `A-F`.
    HexDigit,
    /// The `:` that separates byte pairs.
    Colon,
}

impl fmt::Display for ExpectedChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::HexDigit => "a hex digit",
            Self::Colon => "':'",
        })
    }
}

/// Why a string is not a [`Fingerprint`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintParseError {
    /// The input was empty.
    #[error("empty SHA-256 fingerprint")]
    Empty,
    /// A character that does not belong at this position.
    #[error(
        "invalid character {found:?} at position {position} of the SHA-256 fingerprint (expected {expected})"
    )]
    InvalidChar {
        /// Zero-based index of the offending character (counted in characters, not bytes).
        position: usize,
        /// The character found there.
        found: char,
        /// What would have been accepted there.
        expected: ExpectedChar,
    },
    /// Well-formed but not 32 bytes long.
    #[error("a SHA-256 fingerprint has 64 hex digits (32 bytes), found {digits}")]
    WrongLength {
        /// How many hex digits the input held.
        digits: usize,
    },
}

impl FromStr for Fingerprint {
    type Err = FingerprintParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let (offset, s) = strip_decoration(input);
        if s.is_empty() {
            return Err(FingerprintParseError::Empty);
        }
        parse_digits(s).map_err(|error| match error {
            FingerprintParseError::InvalidChar {
                position,
                found,
                expected,
            } => FingerprintParseError::InvalidChar {
                position: position + offset,
                found,
                expected,
            },
            other => other,
        })
    }
}

/// What `openssl x509 -fingerprint -sha256` prints before the digits (OpenSSL 1 spells it
/// `SHA256`, OpenSSL 3 `sha256`).
const OPENSSL_PREFIX: &str = "sha256 fingerprint=";

/// The digits of `input` without surrounding whitespace and the openssl prefix, and how many
/// characters came before them (so an error names the position in what the user wrote).
fn strip_decoration(input: &str) -> (usize, &str) {
    let start = input.trim_start();
    let mut offset = input.len() - start.len();
    let mut rest = start.trim_end();
    let prefixed = rest
        .get(..OPENSSL_PREFIX.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(OPENSSL_PREFIX));
    if prefixed {
        rest = &rest[OPENSSL_PREFIX.len()..];
        offset += OPENSSL_PREFIX.len();
    }
    (input[..offset].chars().count(), rest)
}

/// Parses the bare digits (colon-separated pairs or 64 plain hex digits).
fn parse_digits(s: &str) -> Result<Fingerprint, FingerprintParseError> {
    let separated = s.contains(':');
    let mut digits = Vec::with_capacity(2 * LEN);
    let mut last = None;
    for (position, found) in s.chars().enumerate() {
        let expected = if separated && position % 3 == 2 {
            ExpectedChar::Colon
        } else {
            ExpectedChar::HexDigit
        };
        let ok = match expected {
            ExpectedChar::Colon => found == ':',
            ExpectedChar::HexDigit => match found.to_digit(16) {
                // `to_digit(16)` yields at most 15, which always fits a byte.
                Some(value) => {
                    digits.push(value as u8);
                    true
                }
                None => false,
            },
        };
        if !ok {
            return Err(FingerprintParseError::InvalidChar {
                position,
                found,
                expected,
            });
        }
        last = Some((position, found));
    }
    if let Some((position, ':')) = last {
        return Err(FingerprintParseError::InvalidChar {
            position,
            found: ':',
            expected: ExpectedChar::HexDigit,
        });
    }
    if digits.len() != 2 * LEN {
        return Err(FingerprintParseError::WrongLength {
            digits: digits.len(),
        });
    }
    let mut bytes = [0u8; LEN];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (pair[0] << 4) | pair[1];
    }
    Ok(Fingerprint(bytes))
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = Fingerprint;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a SHA-256 fingerprint such as \"AB:CD:…\" or 64 hex digits")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Fingerprint, E> {
                v.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "ba7c0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1dcf";

    fn colon_form(hex: &str) -> String {
        hex.as_bytes()
            .chunks(2)
            .map(|pair| String::from_utf8_lossy(pair).into_owned())
            .collect::<Vec<_>>()
            .join(":")
    }

    #[test]
    fn both_spellings_in_any_case_parse_to_the_same_value() {
        let plain: Fingerprint = HEX.parse().unwrap();
        let upper: Fingerprint = HEX.to_uppercase().parse().unwrap();
        let colons: Fingerprint = colon_form(HEX).parse().unwrap();
        let colons_upper: Fingerprint = colon_form(&HEX.to_uppercase()).parse().unwrap();
        assert_eq!(plain, upper);
        assert_eq!(plain, colons);
        assert_eq!(plain, colons_upper);
        let openssl = format!("SHA256 Fingerprint={}", colon_form(&HEX.to_uppercase()));
        assert_eq!(openssl.parse(), Ok(plain));
        assert_eq!(format!("sha256 Fingerprint={HEX}\n").parse(), Ok(plain));
        assert_eq!(format!("  {}\r\n", colon_form(HEX)).parse(), Ok(plain));
        assert_eq!(plain.as_bytes()[0], 0xba);
        assert_eq!(plain.as_bytes()[31], 0xcf);
    }

    #[test]
    fn displays_as_uppercase_pairs_and_round_trips() {
        let fp: Fingerprint = HEX.parse().unwrap();
        let shown = fp.to_string();
        assert_eq!(shown, colon_form(&HEX.to_uppercase()));
        assert!(shown.starts_with("BA:7C:01"));
        assert_eq!(shown.parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(format!("{fp:?}"), format!("Fingerprint({shown})"));
    }

    #[test]
    fn from_der_is_the_sha256_of_the_bytes() {
        // SHA-256 of the empty input, a well-known constant.
        let expected: Fingerprint =
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                .parse()
                .unwrap();
        assert_eq!(Fingerprint::from_der(b""), expected);
    }

    #[test]
    fn rejects_bad_input_with_a_typed_reason() {
        use FingerprintParseError as E;
        assert_eq!("".parse::<Fingerprint>(), Err(E::Empty));
        assert_eq!(
            "abcd".parse::<Fingerprint>(),
            Err(E::WrongLength { digits: 4 })
        );
        assert_eq!(
            format!("{HEX}00").parse::<Fingerprint>(),
            Err(E::WrongLength { digits: 66 })
        );
        assert_eq!(
            "AB:CD".parse::<Fingerprint>(),
            Err(E::WrongLength { digits: 4 })
        );
        let bad_char = HEX.replacen('0', "g", 1);
        assert_eq!(
            bad_char.parse::<Fingerprint>(),
            Err(E::InvalidChar {
                position: 4,
                found: 'g',
                expected: ExpectedChar::HexDigit
            })
        );
        assert_eq!(
            "ABC:D".parse::<Fingerprint>(),
            Err(E::InvalidChar {
                position: 2,
                found: 'C',
                expected: ExpectedChar::Colon
            })
        );
        assert_eq!(
            "AB::CD".parse::<Fingerprint>(),
            Err(E::InvalidChar {
                position: 3,
                found: ':',
                expected: ExpectedChar::HexDigit
            })
        );
        assert_eq!(
            format!("{}:", colon_form(HEX)).parse::<Fingerprint>(),
            Err(E::InvalidChar {
                position: 95,
                found: ':',
                expected: ExpectedChar::HexDigit
            })
        );
        assert_eq!(
            format!("{HEX} x").parse::<Fingerprint>(),
            Err(E::InvalidChar {
                position: 64,
                found: ' ',
                expected: ExpectedChar::HexDigit
            })
        );
        assert_eq!(" \n\t".parse::<Fingerprint>(), Err(E::Empty));
        assert_eq!(
            "  SHA256 Fingerprint=AB:CX".parse::<Fingerprint>(),
            Err(E::InvalidChar {
                position: 25,
                found: 'X',
                expected: ExpectedChar::HexDigit
            }),
            "positions count from the start of what was written"
        );
        assert_eq!(
            "SHA1 Fingerprint=AB".parse::<Fingerprint>(),
            Err(E::InvalidChar {
                position: 0,
                found: 'S',
                expected: ExpectedChar::HexDigit
            }),
            "only the SHA-256 prefix is accepted"
        );
        assert_eq!(
            "é".parse::<Fingerprint>(),
            Err(E::InvalidChar {
                position: 0,
                found: 'é',
                expected: ExpectedChar::HexDigit
            })
        );
        let message = bad_char.parse::<Fingerprint>().unwrap_err().to_string();
        assert!(message.contains("position 4"), "{message}");
    }

    #[test]
    fn serde_uses_the_display_string() {
        let fp: Fingerprint = HEX.parse().unwrap();
        let json = serde_json::to_string(&fp).unwrap();
        assert_eq!(json, format!("\"{fp}\""));
        assert_eq!(serde_json::from_str::<Fingerprint>(&json).unwrap(), fp);
        assert_eq!(
            serde_json::from_str::<Fingerprint>(&format!("\"{HEX}\"")).unwrap(),
            fp
        );
        assert!(serde_json::from_str::<Fingerprint>("\"nope\"").is_err());
        assert!(serde_json::from_str::<Fingerprint>("42").is_err());
    }
}
