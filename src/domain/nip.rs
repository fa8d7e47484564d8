//! NIP (Nomor Induk Pegawai): the 18-digit civil-servant number.
//!
//! Layout: birth date `yyyymmdd`, appointment (TMT CPNS) `yyyymm`, gender digit (1 male,
//! 2 female), a 3-digit sequence. Parsing checks the embedded parts so a typo is caught at
//! the door instead of landing in the HR export.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nip(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    #[error("a NIP has only digits")]
    NotDigits,
    #[error("a NIP has 18 digits")]
    WrongLength(usize),
    #[error("the birth date in the NIP is not a real date")]
    BirthDate,
    #[error("the appointment month in the NIP is not plausible")]
    Appointment,
    #[error("the gender digit in the NIP must be 1 or 2")]
    Gender,
}

impl NipError {
    /// The locale key that explains this problem to the user.
    pub fn message_key(self) -> &'static str {
        match self {
            NipError::NotDigits => "nip-error-digits",
            NipError::WrongLength(_) => "nip-error-length",
            NipError::BirthDate => "nip-error-birth",
            NipError::Appointment => "nip-error-appointment",
            NipError::Gender => "nip-error-gender",
        }
    }
}

impl Nip {
    /// Parses a NIP as typed: spaces and dots that people copy from ID cards are ignored.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Nip, NipError> {
        let digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
            .collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) || digits.is_empty() {
            return Err(NipError::NotDigits);
        }
        if digits.len() != 18 {
            return Err(NipError::WrongLength(digits.len()));
        }
        let num = |a: usize, b: usize| digits[a..b].parse::<u32>().unwrap_or(0);
        let birth = NaiveDate::from_ymd_opt(num(0, 4) as i32, num(4, 6), num(6, 8))
            .ok_or(NipError::BirthDate)?;
        // Nobody is appointed before 17 or born more than 80 years ago and still serving.
        let age = today.year() - birth.year();
        if !(17..=80).contains(&age) {
            return Err(NipError::BirthDate);
        }
        let (appt_year, appt_month) = (num(8, 12) as i32, num(12, 14));
        let appointed =
            NaiveDate::from_ymd_opt(appt_year, appt_month, 1).ok_or(NipError::Appointment)?;
        if appt_year < birth.year() + 17 || appointed > today {
            return Err(NipError::Appointment);
        }
        if !matches!(&digits[14..15], "1" | "2") {
            return Err(NipError::Gender);
        }
        Ok(Nip(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For screens and logs that must not show the full number.
    pub fn masked(&self) -> String {
        format!("{}••••••••••{}", &self.0[..4], &self.0[14..])
    }
}

impl fmt::Debug for Nip {
    // A NIP is personal data: debug output (and so logs) only ever see the masked form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nip({})", self.masked())
    }
}

impl TryFrom<String> for Nip {
    type Error = NipError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        // Values read back from our own store were validated when written; only the shape is rechecked.
        if s.len() == 18 && s.chars().all(|c| c.is_ascii_digit()) {
            Ok(Nip(s))
        } else {
            Err(NipError::NotDigits)
        }
    }
}

impl From<Nip> for String {
    fn from(n: Nip) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 11, 1).unwrap()
    }

    #[test]
    fn a_well_formed_nip_parses() {
        let nip = Nip::parse("198503122010011002", today()).unwrap();
        assert_eq!(nip.as_str(), "198503122010011002");
        assert_eq!(Nip::parse("19850312 201001 1 002", today()).unwrap(), nip);
    }

    #[test]
    fn bad_nips_say_what_is_wrong() {
        let t = today();
        assert_eq!(
            Nip::parse("19850312201001100a", t),
            Err(NipError::NotDigits)
        );
        assert_eq!(Nip::parse("", t), Err(NipError::NotDigits));
        assert_eq!(
            Nip::parse("19850312201001100", t),
            Err(NipError::WrongLength(17))
        );
        assert_eq!(
            Nip::parse("1985031220100110021", t),
            Err(NipError::WrongLength(19))
        );
        assert_eq!(
            Nip::parse("198502302010011002", t),
            Err(NipError::BirthDate)
        );
        assert_eq!(
            Nip::parse("185003122010011002", t),
            Err(NipError::BirthDate)
        );
        assert_eq!(
            Nip::parse("198503122010131002", t),
            Err(NipError::Appointment)
        );
        assert_eq!(
            Nip::parse("198503121990011002", t),
            Err(NipError::Appointment)
        );
        assert_eq!(
            Nip::parse("198503122030011002", t),
            Err(NipError::Appointment)
        );
        assert_eq!(Nip::parse("198503122010013002", t), Err(NipError::Gender));
        assert_eq!(
            Nip::parse("١٩٨٥٠٣١٢٢٠١٠٠١١٠٠٢", t),
            Err(NipError::NotDigits)
        );
    }

    #[test]
    fn debug_output_masks_the_number() {
        let nip = Nip::parse("198503122010011002", today()).unwrap();
        let shown = format!("{nip:?}");
        assert!(!shown.contains("198503122010011002"));
        assert!(shown.contains("1985"));
    }
}
