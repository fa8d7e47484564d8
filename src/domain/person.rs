//! Who a registrant is: employment type and the name they want on the receipt.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Employment {
    Pns,
    Pppk,
    NonAsn,
}

impl Employment {
    pub const ALL: [Employment; 3] = [Employment::Pns, Employment::Pppk, Employment::NonAsn];

    pub fn code(self) -> &'static str {
        match self {
            Employment::Pns => "pns",
            Employment::Pppk => "pppk",
            Employment::NonAsn => "nonasn",
        }
    }

    pub fn parse(code: &str) -> Option<Employment> {
        Employment::ALL.into_iter().find(|e| e.code() == code)
    }

    /// PNS are identified by NIP in every HR system; for PPPK and non-ASN staff it is optional.
    pub fn requires_nip(self) -> bool {
        matches!(self, Employment::Pns)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Employment::Pns => "employment-pns",
            Employment::Pppk => "employment-pppk",
            Employment::NonAsn => "employment-nonasn",
        }
    }
}

/// A full name as it should appear on the receipt and in the HR export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is too long")]
    TooLong,
    #[error("the name has no letters")]
    NoLetters,
}

impl NameError {
    pub fn message_key(self) -> &'static str {
        match self {
            NameError::Empty => "name-error-empty",
            NameError::TooLong => "name-error-long",
            NameError::NoLetters => "name-error-letters",
        }
    }
}

impl FullName {
    pub const MAX_CHARS: usize = 100;

    /// Collapses whitespace and drops control characters; any script is welcome
    /// (Arabic-script and Javanese names exist), but there must be at least one letter.
    pub fn parse(raw: &str) -> Result<FullName, NameError> {
        let cleaned: String = raw
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        if cleaned.is_empty() {
            return Err(NameError::Empty);
        }
        if cleaned.chars().count() > Self::MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if !cleaned.chars().any(char::is_alphabetic) {
            return Err(NameError::NoLetters);
        }
        Ok(FullName(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FullName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a caller may do. Owners (from `ADMIN_IDS`) are admins who can also grant admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Asn,
    Hr,
    Admin,
    Owner,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Asn => "asn",
            Role::Hr => "hr",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        [Role::Asn, Role::Hr, Role::Admin, Role::Owner]
            .into_iter()
            .find(|r| r.code() == code)
    }

    pub fn is_admin(self) -> bool {
        self >= Role::Admin
    }

    /// Admins can do everything HR can.
    pub fn is_hr(self) -> bool {
        self >= Role::Hr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_and_bounded() {
        assert_eq!(
            FullName::parse("  Siti   Rahma ").unwrap().as_str(),
            "Siti Rahma"
        );
        assert_eq!(FullName::parse("   "), Err(NameError::Empty));
        assert_eq!(FullName::parse(&"a".repeat(1000)), Err(NameError::TooLong));
        assert_eq!(FullName::parse("🙂🙂"), Err(NameError::NoLetters));
        assert!(FullName::parse("محمد علي 🙂").is_ok());
        assert!(FullName::parse("Dewi\u{0}\u{7}").unwrap().as_str() == "Dewi");
    }

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Owner.is_admin() && Role::Admin.is_hr());
        assert!(!Role::Hr.is_admin() && !Role::Asn.is_hr());
        assert_eq!(Role::parse("hr"), Some(Role::Hr));
    }
}
