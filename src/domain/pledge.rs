//! The neutrality pledge (ikrar netralitas): its text, the hash of what was confirmed,
//! and the receipt code an ASN can show HR.

use std::path::Path;

use rand::Rng;
use sha2::{Digest, Sha256};

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

/// A short code for the receipt, easy to read aloud: no 0/O or 1/I/L.
pub fn new_receipt_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let mut part = || -> String {
        (0..4)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    };
    format!("IKR-{}-{}", part(), part())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_codes_are_readable_and_distinct() {
        let a = new_receipt_code();
        assert_eq!(a.len(), 13);
        assert!(a.starts_with("IKR-"));
        let random = a.trim_start_matches("IKR-");
        assert!(!random.contains(['0', 'O', '1', 'I', 'L']));
        assert_ne!(a, new_receipt_code());
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
