//! Receipt codes that prove something: an HMAC of the pledge under this deployment's
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

/// What a receipt code is computed over: enough to tie it to one confirmation.
#[derive(Debug, Clone, Copy)]
pub struct ReceiptInput<'a> {
    pub user_id: i64,
    pub election: &'a str,
    pub text_hash: &'a str,
    pub confirmed_at: &'a str,
}

/// The code for a pledge, e.g. `IKR-7QX2-MB9D`. `attempt` is 0 unless an earlier attempt
/// collided with an existing code (about one in 10^12 per pair), which keeps codes unique
/// without making them longer.
pub fn code(key: &ReceiptKey, input: ReceiptInput<'_>, attempt: u32) -> String {
    let mut message = Vec::with_capacity(96);
    for field in [
        b"netralitas-receipt-v1".as_slice(),
        &input.user_id.to_be_bytes(),
        input.election.as_bytes(),
        input.text_hash.as_bytes(),
        input.confirmed_at.as_bytes(),
        &attempt.to_be_bytes(),
    ] {
        // Length prefixes: ("ab","c") and ("a","bc") must not share a code.
        message.extend_from_slice(&(field.len() as u32).to_be_bytes());
        message.extend_from_slice(field);
    }
    let mac = hmac_sha256(key.as_bytes(), &message);
    let mut n = u64::from_be_bytes(mac[..8].try_into().unwrap_or_default());
    // 2^64 is about 2·10^7 times 31^8, so the modulo bias is below one part in ten million.
    let mut letters = [ALPHABET[0]; LETTERS];
    for slot in letters.iter_mut().rev() {
        *slot = ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    let letters: String = letters.into_iter().map(char::from).collect();
    format!("IKR-{}-{}", &letters[..4], &letters[4..])
}

/// How many attempts a confirmation may need; `check` tries the same number.
pub const MAX_ATTEMPTS: u32 = 8;

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

    fn input(user_id: i64) -> ReceiptInput<'static> {
        ReceiptInput {
            user_id,
            election: "Pilkada X",
            text_hash: "abc",
            confirmed_at: "2020-11-02T00:00:00.000Z",
        }
    }

    #[test]
    fn codes_are_readable_and_depend_on_every_input() {
        let key = ReceiptKey::from_bytes(&[7; 32]).unwrap();
        let a = code(&key, input(1_234_567), 0);
        assert_eq!(a.len(), 13);
        assert!(a.starts_with("IKR-") && a.as_bytes()[8] == b'-');
        assert!(!a[4..].replace('-', "").contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(a, code(&key, input(1_234_567), 0));
        assert_ne!(a, code(&key, input(1_234_568), 0));
        assert_ne!(a, code(&key, input(1_234_567), 1));
        let later = ReceiptInput {
            confirmed_at: "2020-11-02T00:00:00.001Z",
            ..input(1_234_567)
        };
        assert_ne!(a, code(&key, later, 0));
    }

    #[test]
    fn two_deployments_give_the_same_user_different_codes() {
        let one = ReceiptKey::generate().unwrap();
        let two = ReceiptKey::generate().unwrap();
        assert_ne!(one, two);
        assert_ne!(code(&one, input(42), 0), code(&two, input(42), 0));
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
