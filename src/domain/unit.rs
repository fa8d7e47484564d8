//! Work units (OPD): the list HR ships in `UNITS_FILE`, each with a short code.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// A unit code as used in deep links (`/start unit_<code>`) and callback data:
/// short, lowercase ASCII, so it fits Telegram's 64-byte limits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(raw: &str) -> Option<UnitCode> {
        let code = raw.trim().to_ascii_lowercase();
        let ok = !code.is_empty()
            && code.len() <= 24
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        ok.then_some(UnitCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub code: UnitCode,
    pub name: String,
    /// The unit's whole workforce, when HR knows it, so completion can be shown against it.
    pub headcount: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub struct Units(Vec<Unit>);

#[derive(Debug, thiserror::Error)]
pub enum UnitsError {
    #[error("cannot read {0}: {1}")]
    Io(String, std::io::Error),
    #[error("line {line}: {problem}")]
    Line { line: usize, problem: String },
    #[error("the list has no units")]
    Empty,
}

/// The sample list that ships with the bot; a deployment points `UNITS_FILE` at its own.
const SAMPLE: &str = include_str!("../../locales/units.csv");

impl Units {
    pub fn sample() -> Units {
        Units::parse_csv(SAMPLE).expect("the shipped sample unit list is valid")
    }

    pub fn load(path: Option<&Path>) -> Result<Units, UnitsError> {
        match path {
            None => Ok(Units::sample()),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| UnitsError::Io(p.display().to_string(), e))?;
                Units::parse_csv(&text)
            }
        }
    }

    /// `code,name[,headcount]` with a header row; `#` lines are comments.
    pub fn parse_csv(text: &str) -> Result<Units, UnitsError> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut units: Vec<Unit> = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| UnitsError::Line {
                line,
                problem: e.to_string(),
            })?;
            let code = record
                .get(0)
                .and_then(UnitCode::parse)
                .ok_or_else(|| UnitsError::Line {
                    line,
                    problem: "code must be 1-24 letters, digits, '_' or '-'".into(),
                })?;
            let name = record.get(1).unwrap_or("").to_owned();
            if name.is_empty() {
                return Err(UnitsError::Line {
                    line,
                    problem: "name is empty".into(),
                });
            }
            let headcount = match record.get(2).filter(|h| !h.is_empty()) {
                None => None,
                Some(h) => Some(h.parse::<u32>().map_err(|_| UnitsError::Line {
                    line,
                    problem: format!("headcount '{h}' is not a number"),
                })?),
            };
            if units.iter().any(|u| u.code == code) {
                return Err(UnitsError::Line {
                    line,
                    problem: format!("code '{}' appears twice", code.as_str()),
                });
            }
            units.push(Unit {
                code,
                name,
                headcount,
            });
        }
        if units.is_empty() {
            return Err(UnitsError::Empty);
        }
        Ok(Units(units))
    }

    pub fn get(&self, code: &UnitCode) -> Option<&Unit> {
        self.0.iter().find(|u| &u.code == code)
    }

    /// Looks a code up from untrusted text (deep links, callback data).
    pub fn find(&self, raw: &str) -> Option<&Unit> {
        UnitCode::parse(raw).and_then(|c| self.get(&c))
    }

    /// The unit's name for a stored code; the code itself when the list no longer has it
    /// (a unit removed from `UNITS_FILE` after people registered in it).
    pub fn name_or_code(&self, code: &str) -> String {
        self.find(code)
            .map_or_else(|| code.to_owned(), |u| u.name.clone())
    }

    pub fn all(&self) -> &[Unit] {
        &self.0
    }

    pub fn page(&self, page: usize, per_page: usize) -> (&[Unit], usize) {
        let pages = self.0.len().div_ceil(per_page).max(1);
        let page = page.min(pages - 1);
        let start = page * per_page;
        let end = (start + per_page).min(self.0.len());
        (&self.0[start..end], pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_list_loads() {
        let units = Units::sample();
        assert!(units.all().len() >= 10);
        assert!(units.find("DINKES").is_some());
    }

    #[test]
    fn malformed_lists_name_the_line() {
        let err = Units::parse_csv("code,name\nok,Fine\nbad code!,Oops\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        assert!(Units::parse_csv("code,name\na,A\na,B\n").is_err());
        assert!(Units::parse_csv("code,name,headcount\na,A,many\n").is_err());
        assert!(matches!(
            Units::parse_csv("code,name\n"),
            Err(UnitsError::Empty)
        ));
    }

    #[test]
    fn pages_cover_every_unit_once() {
        let units = Units::sample();
        let (_, pages) = units.page(0, 8);
        let seen: usize = (0..pages).map(|p| units.page(p, 8).0.len()).sum();
        assert_eq!(seen, units.all().len());
        assert_eq!(units.page(99, 8).0, units.page(pages - 1, 8).0);
    }
}
