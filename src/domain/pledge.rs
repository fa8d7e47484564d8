//! The neutrality pledge (ikrar netralitas): its text, the hash of what was confirmed,
//! and the receipt code an ASN can show HR.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::receipt::base31;
use crate::i18n::Lang;

/// The pledge text a deployment uses: its own file, or the four points from the locales.
#[derive(Debug, Clone)]
pub struct PledgeText {
    custom: Option<String>,
}

impl PledgeText {
    pub fn load(path: Option<&Path>) -> Result<PledgeText, String> {
        let custom = match path {
            None => None,
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
                let text = text.trim().to_owned();
                if text.is_empty() {
                    return Err(format!("{} is empty", p.display()));
                }
                if text.chars().count() > 3500 {
                    return Err(format!(
                        "{} is longer than 3,500 characters and would not fit one Telegram message",
                        p.display()
                    ));
                }
                Some(text)
            }
        };
        Ok(PledgeText { custom })
    }

    /// The text shown before the "Saya berikrar" button. A custom file is used as written
    /// in every language, because HR publishes one official wording.
    pub fn render(&self, lang: Lang, election: &str) -> String {
        match &self.custom {
            Some(text) => text.clone(),
            None => lang.t_args("pledge-text", crate::args!["election" => election]),
        }
    }
}

/// Hex SHA-256 of the exact text confirmed, so an audit can tell which wording was pledged.
pub fn text_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Eight letters cover every Telegram user id issued so far (ids stay below 2^40).
const SHORT_SPACE: u64 = 31u64.pow(8);

/// The receipt code of one person's pledge in one election, e.g. `IKR-7QX2-MB9D`.
///
/// It is a permutation of the Telegram user id keyed by the election, so codes are unique
/// within an election by construction: the store keeps no index to police them and a
/// repeated confirmation reproduces the same code. Neighbouring ids get unrelated codes.
/// The code is a reference HR can look up, not a secret.
pub fn receipt_code(user_id: i64, election: &str) -> String {
    let keys = round_keys(election);
    let id = user_id as u64; // two's complement: a bijection from i64
    let letters = if id < SHORT_SPACE {
        // Cycle-walking keeps the permutation inside the eight-letter space.
        let mut code = feistel(id, 40, &keys);
        while code >= SHORT_SPACE {
            code = feistel(code, 40, &keys);
        }
        base31(code, 8)
    } else {
        // 31^13 > 2^64: ids outside the short space get a longer code, so the two code
        // spaces cannot meet.
        base31(feistel(id, 64, &keys), 13)
    };
    let (a, rest) = letters.split_at(4);
    let (b, c) = rest.split_at(4);
    if c.is_empty() {
        format!("IKR-{a}-{b}")
    } else {
        format!("IKR-{a}-{b}-{c}")
    }
}

fn round_keys(election: &str) -> [u64; 4] {
    let digest = Sha256::digest(election.as_bytes());
    let mut keys = [0u64; 4];
    for (key, chunk) in keys.iter_mut().zip(digest.chunks_exact(8)) {
        *key = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
    }
    keys
}

/// A balanced Feistel network on the low `bits` bits: a bijection whatever the round
/// function, which here is a splitmix64 finaliser.
fn feistel(x: u64, bits: u32, keys: &[u64; 4]) -> u64 {
    let half = bits / 2;
    let mask = (1u64 << half) - 1;
    let (mut left, mut right) = ((x >> half) & mask, x & mask);
    for key in keys {
        let mut z = right ^ key;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (left, right) = (right, left ^ (z & mask));
    }
    (left << half) | right
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_codes_are_readable_stable_and_unique_within_an_election() {
        let a = receipt_code(1_234_567, "Pilkada X");
        assert_eq!(a.len(), 13);
        assert!(a.starts_with("IKR-"));
        assert!(!a[4..].contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(a, receipt_code(1_234_567, "Pilkada X"));
        assert_ne!(a, receipt_code(1_234_567, "Pemilu Y"));
        assert_ne!(a, receipt_code(1_234_568, "Pilkada X"));

        let many: std::collections::HashSet<String> = (0..200_000)
            .chain((0..2_000).map(|i| 7_000_000_000 + i * 9_973))
            .map(|id| receipt_code(id, "Pilkada X"))
            .collect();
        assert_eq!(many.len(), 202_000);
    }

    #[test]
    fn ids_beyond_the_short_space_get_longer_codes_that_never_clash_with_short_ones() {
        let edge = SHORT_SPACE as i64;
        let short = receipt_code(edge - 1, "E");
        let long = [edge, i64::MAX, -1, i64::MIN].map(|id| receipt_code(id, "E"));
        assert_eq!(short.len(), 13);
        for code in &long {
            assert_eq!(code.len(), 19, "{code}");
            assert!(!code[4..].contains(['0', 'O', '1', 'I', 'L']));
        }
        let distinct: std::collections::HashSet<_> = long.iter().collect();
        assert_eq!(distinct.len(), long.len());
    }

    #[test]
    fn the_default_text_names_the_election_in_both_languages() {
        let text = PledgeText::load(None).unwrap();
        assert!(text.render(Lang::Id, "Pilkada X").contains("Pilkada X"));
        assert!(text.render(Lang::En, "Pilkada X").contains("Pilkada X"));
        assert_ne!(
            text_hash(&text.render(Lang::Id, "A")),
            text_hash(&text.render(Lang::Id, "B"))
        );
    }

    #[test]
    fn a_custom_text_replaces_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ikrar.txt");
        std::fs::write(&path, "Kami ASN Kabupaten Contoh berikrar ...\n").unwrap();
        let text = PledgeText::load(Some(&path)).unwrap();
        assert_eq!(
            text.render(Lang::En, "x"),
            "Kami ASN Kabupaten Contoh berikrar ..."
        );
        std::fs::write(&path, "  ").unwrap();
        assert!(PledgeText::load(Some(&path)).is_err());
    }
}
