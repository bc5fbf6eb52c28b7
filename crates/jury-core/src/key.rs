//! Ballot keys: 125 random bits written as 25 Crockford base-32 characters in groups of five,
//! so a judge can type one from a printed card without confusing 0/O or 1/I/L.

use rand::Rng;
use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const KEY_CHARS: usize = 25;

/// A key in its canonical form (what SQLCipher is given). `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct BallotKey(String);

impl fmt::Debug for BallotKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BallotKey(…)")
    }
}

impl BallotKey {
    /// A fresh key from the operating system's CSPRNG (125 bits).
    pub fn generate() -> BallotKey {
        let mut rng = rand::rng();
        let key = (0..KEY_CHARS)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        BallotKey(key)
    }

    /// Accepts a key as typed or read from a file: case, spaces and dashes don't matter and
    /// O/I/L read as 0/1/1. Anything else is kept as a passphrase (organizer keys).
    pub fn parse(input: &str) -> Option<BallotKey> {
        // Windows Notepad starts a saved key file with a byte-order mark.
        let input = input.trim_start_matches('\u{feff}');
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.is_empty() {
            return None;
        }
        let canonical: String = compact
            .chars()
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        if canonical.len() == KEY_CHARS && canonical.bytes().all(|b| ALPHABET.contains(&b)) {
            Some(BallotKey(canonical))
        } else {
            Some(BallotKey(input.trim().to_string()))
        }
    }

    pub fn secret(&self) -> &str {
        &self.0
    }

    /// What SQLCipher is keyed with. A card key already carries 125 random bits, so key
    /// stretching would only cost time (≈0.2 s per open, 20 s to merge 100 ballots): it is
    /// hashed into a raw 256-bit key (`x'…'`, which SQLCipher uses without PBKDF2). Anything
    /// else is a typed passphrase (the organizer's) and keeps SQLCipher's PBKDF2.
    pub fn sqlcipher_key(&self) -> String {
        if self.is_card_key() {
            use sha2::{Digest, Sha256};
            let digest = Sha256::digest(format!("jury ballot key v1:{}", self.0).as_bytes());
            format!("x'{}'", hex::encode_upper(digest))
        } else {
            self.0.clone()
        }
    }

    /// A generated key (25 Crockford base-32 characters), not a typed passphrase.
    pub fn is_card_key(&self) -> bool {
        self.0.len() == KEY_CHARS && self.0.bytes().all(|b| ALPHABET.contains(&b))
    }

    /// "ABCDE-FGHJK-…" for the key card.
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(5)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Bits of entropy if this is a generated card key.
    pub const CARD_BITS: u32 = (KEY_CHARS as u32) * 5;
}

/// Crockford base-32 of the first bytes of a digest, for short human codes (receipts).
pub fn base32_code(bytes: &[u8], chars: usize) -> String {
    let mut out = String::with_capacity(chars);
    let mut buffer: u64 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u64::from(b);
        bits += 8;
        while bits >= 5 && out.len() < chars {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
        if out.len() == chars {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn card_keys_key_sqlcipher_raw_and_passphrases_go_through_its_kdf() {
        let card = BallotKey::generate();
        let raw = card.sqlcipher_key();
        assert!(raw.starts_with("x'") && raw.ends_with('\''), "{raw}");
        assert_eq!(raw.len(), 2 + 64 + 1, "a 256-bit raw key");
        assert_eq!(
            raw,
            BallotKey::parse(&card.grouped()).unwrap().sqlcipher_key()
        );
        assert_ne!(raw, BallotKey::generate().sqlcipher_key());
        let pass = BallotKey::parse("organizer passphrase").unwrap();
        assert!(!pass.is_card_key());
        assert_eq!(pass.sqlcipher_key(), "organizer passphrase");
    }

    use super::*;

    #[test]
    fn generated_keys_are_long_and_distinct() {
        let a = BallotKey::generate();
        let b = BallotKey::generate();
        assert_ne!(a, b);
        assert_eq!(a.secret().len(), 25);
        const { assert!(BallotKey::CARD_BITS >= 100) };
        assert_eq!(a.grouped().len(), 29);
    }

    #[test]
    fn typed_keys_normalise() {
        let k = BallotKey::generate();
        let typed = k.grouped().to_lowercase().replace('-', " ");
        assert_eq!(BallotKey::parse(&typed), Some(k.clone()));
        assert_eq!(
            BallotKey::parse("ol234-56789-abcde-fghjk-mnpqr")
                .unwrap()
                .secret(),
            "0123456789ABCDEFGHJKMNPQR"
        );
        assert_eq!(BallotKey::parse("  "), None);
        assert_eq!(
            BallotKey::parse("my organizer pass").unwrap().secret(),
            "my organizer pass"
        );
        // A key file saved with a byte-order mark reads the same.
        let bom = format!("\u{feff}{}\r\n", k.grouped());
        assert_eq!(BallotKey::parse(&bom), Some(k));
        assert_eq!(
            BallotKey::parse("\u{feff}my organizer pass\n")
                .unwrap()
                .secret(),
            "my organizer pass"
        );
    }

    #[test]
    fn debug_does_not_leak_the_key() {
        let k = BallotKey::generate();
        assert!(!format!("{k:?}").contains(k.secret()));
    }

    #[test]
    fn base32_codes_use_the_alphabet() {
        assert_eq!(base32_code(&[0, 0, 0, 0, 0], 8), "00000000");
        assert_eq!(base32_code(&[0xff; 5], 8), "ZZZZZZZZ");
    }
}
