//! Receipt codes that prove something: a permutation keyed by HMAC under this deployment's
//! secret, so nobody without the database can compute a user's code, and a code cannot be
//! turned back into a Telegram id.

use sha2::{Digest, Sha256};

/// Letters that survive being read aloud or copied by hand: no 0/O or 1/I/L.
const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const LETTERS: usize = 8;

/// The deployment's receipt secret. Its `Debug` prints nothing, so it cannot reach a log
/// by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ReceiptKey([u8; 32]);

impl std::fmt::Debug for ReceiptKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReceiptKey(..)")
    }
}

impl ReceiptKey {
    pub const LEN: usize = 32;

    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Result<ReceiptKey, getrandom::Error> {
        let mut key = [0u8; Self::LEN];
        getrandom::getrandom(&mut key)?;
        Ok(ReceiptKey(key))
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<ReceiptKey> {
        bytes.try_into().ok().map(ReceiptKey)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The fields of one confirmation (what the ledger chains; the code uses the first two,
/// because a person pledges once per election).
#[derive(Debug, Clone, Copy)]
pub struct ReceiptInput<'a> {
    pub user_id: i64,
    pub election: &'a str,
    pub text_hash: &'a str,
    pub confirmed_at: &'a str,
}

/// Eight letters cover every Telegram user id issued so far (ids stay below 2^40).
const SHORT_SPACE: u64 = 31u64.pow(LETTERS as u32);
const ROUNDS: u8 = 4;

/// The code of `user_id`'s pledge in `election`, e.g. `IKR-7QX2-MB9D`.
///
/// A pseudorandom permutation of the user id: a four-round Feistel network (Luby–Rackoff)
/// whose round function is SHA-256 under a key that is HMAC-SHA256(secret, election). So
/// codes are unique within an election by construction (no index, no collision check on
/// the insert path), unpredictable and irreversible without the secret, and another
/// deployment gives the same user another code.
pub fn code(key: &ReceiptKey, user_id: i64, election: &str) -> String {
    let mut message = Vec::with_capacity(election.len() + 32);
    for field in [b"netralitas-receipt-v2".as_slice(), election.as_bytes()] {
        message.extend_from_slice(&(field.len() as u32).to_be_bytes());
        message.extend_from_slice(field);
    }
    let round_key = hmac_sha256(key.as_bytes(), &message);
    let id = user_id as u64; // two's complement: a bijection from i64
    let (value, len) = if id < SHORT_SPACE {
        // Cycle-walking keeps the permutation inside the eight-letter space.
        let mut c = feistel(id, 40, &round_key);
        while c >= SHORT_SPACE {
            c = feistel(c, 40, &round_key);
        }
        (c, LETTERS)
    } else {
        // 31^13 > 2^64: larger ids get a longer code, so the two spaces never meet.
        (feistel(id, 64, &round_key), 13)
    };
    let letters = base31(value, len);
    if len == LETTERS {
        format!("IKR-{}-{}", &letters[..4], &letters[4..])
    } else {
        format!("IKR-{}-{}-{}", &letters[..4], &letters[4..8], &letters[8..])
    }
}

fn feistel(x: u64, bits: u32, round_key: &[u8; 32]) -> u64 {
    let half = bits / 2;
    let mask = (1u64 << half) - 1;
    let (mut left, mut right) = ((x >> half) & mask, x & mask);
    for round in 0..ROUNDS {
        let mut h = Sha256::new();
        h.update(round_key);
        h.update([round, bits as u8]);
        h.update(right.to_be_bytes());
        let out = h.finalize();
        let f = u64::from_be_bytes(out[..8].try_into().unwrap_or_default());
        (left, right) = (right, left ^ (f & mask));
    }
    (left << half) | right
}

/// Old codes (`pledge::receipt_code`) are spelled with the same letters.
pub(crate) fn base31(mut n: u64, len: usize) -> String {
    let mut out = vec![ALPHABET[0]; len];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    out.into_iter().map(char::from).collect()
}

/// A code as typed by a person: any case, spaces or missing dashes, with or without the
/// `IKR` prefix. `None` when it cannot be a receipt code at all, so no lookup is made.
pub fn normalize(raw: &str) -> Option<String> {
    let mut chars: Vec<char> = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.starts_with(&['I', 'K', 'R']) {
        chars.drain(..3);
    }
    if !(chars.len() == 8 || chars.len() == 13) {
        return None;
    }
    if !chars
        .iter()
        .all(|c| c.is_ascii() && ALPHABET.contains(&(*c as u8)))
    {
        return None;
    }
    let s: String = chars.into_iter().collect();
    Some(if s.len() == 8 {
        format!("IKR-{}-{}", &s[..4], &s[4..])
    } else {
        // Legacy codes of ids beyond 31^8 had thirteen letters in groups 4-4-5.
        format!("IKR-{}-{}-{}", &s[..4], &s[4..8], &s[8..])
    })
}

/// Initials of a name, e.g. "Budi Santoso" → "B. S.", for showing who a receipt belongs to
/// without showing the name.
pub fn initials(full_name: &str) -> String {
    full_name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphabetic()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// HMAC-SHA256 (RFC 2104) on top of the `sha2` crate the project already uses; the test
/// vectors of RFC 4231 below pin it.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block_key.map(|b| b ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(block_key.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Case 6: a key longer than the block is hashed first.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn codes_are_readable_stable_and_unique_within_an_election() {
        let key = ReceiptKey::from_bytes(&[7; 32]).unwrap();
        let a = code(&key, 1_234_567, "Pilkada X");
        assert_eq!(a.len(), 13);
        assert!(a.starts_with("IKR-") && a.as_bytes()[8] == b'-');
        assert!(!a[4..].replace('-', "").contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(a, code(&key, 1_234_567, "Pilkada X"));
        assert_ne!(a, code(&key, 1_234_568, "Pilkada X"));
        assert_ne!(a, code(&key, 1_234_567, "Pemilu Y"));
        assert_eq!(normalize(&a).as_deref(), Some(a.as_str()));

        let many: std::collections::HashSet<String> = (0..100_000)
            .chain((0..2_000).map(|i| 7_000_000_000 + i * 9_973))
            .map(|id| code(&key, id, "Pilkada X"))
            .collect();
        assert_eq!(many.len(), 102_000);
    }

    #[test]
    fn ids_beyond_the_short_space_get_longer_codes() {
        let key = ReceiptKey::from_bytes(&[7; 32]).unwrap();
        let edge = SHORT_SPACE as i64;
        assert_eq!(code(&key, edge - 1, "E").len(), 13);
        let long = [edge, i64::MAX, -1, i64::MIN].map(|id| code(&key, id, "E"));
        for c in &long {
            assert_eq!(c.len(), 19, "{c}");
            assert_eq!(normalize(c).as_deref(), Some(c.as_str()));
        }
        let distinct: std::collections::HashSet<_> = long.iter().collect();
        assert_eq!(distinct.len(), long.len());
    }

    #[test]
    fn two_deployments_give_the_same_user_different_codes() {
        let one = ReceiptKey::generate().unwrap();
        let two = ReceiptKey::generate().unwrap();
        assert_ne!(one, two);
        assert_ne!(code(&one, 42, "E"), code(&two, 42, "E"));
        // Nor is it the old permutation anyone could compute from the id.
        assert_ne!(
            code(&one, 42, "E"),
            crate::domain::pledge::receipt_code(42, "E")
        );
    }

    #[test]
    fn the_key_never_prints() {
        let key = ReceiptKey::from_bytes(&[0xab; 32]).unwrap();
        assert!(!format!("{key:?}").contains("ab"));
        assert!(ReceiptKey::from_bytes(&[1; 31]).is_none());
    }

    #[test]
    fn typed_codes_are_normalized() {
        assert_eq!(normalize("ikr-7qx2-mb9d").as_deref(), Some("IKR-7QX2-MB9D"));
        assert_eq!(normalize(" 7QX2 MB9D ").as_deref(), Some("IKR-7QX2-MB9D"));
        assert_eq!(
            normalize("IKR-2345-6789-ABCDE").as_deref(),
            Some("IKR-2345-6789-ABCDE")
        );
        // Letters outside the alphabet can't be part of a code.
        assert_eq!(normalize("IKR-7QX2-MBOD"), None);
        assert_eq!(normalize("hello"), None);
        assert_eq!(normalize(""), None);
        assert_eq!(normalize("IKR-7QX2-MB9"), None);
    }

    #[test]
    fn initials_hide_the_name() {
        assert_eq!(initials("Budi Santoso"), "B. S.");
        assert_eq!(initials("  siti   nurhaliza binti ahmad "), "S. N. B. A.");
        assert_eq!(initials("Dr. (H.) Ani"), "D. H. A.");
        assert_eq!(initials(""), "");
    }
}
