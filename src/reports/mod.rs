//! Reports for admins, HR and the server operator: the /stats table, the /chart PNG and the
//! /export CSV. No Telegram here: the chat handlers and the CLI both call into this module.

pub mod chart;
pub mod export;
pub mod stats;

pub use stats::{StatsReport, UnitRow};

/// Whole percent, rounded down so 99.6 % never shows as a finished 100 %.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part.max(0) * 100 / whole).min(100)
    }
}

/// `Pilkada Serentak 2020` → `pilkada-serentak-2020`: safe in a file name on any system.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "pemilihan".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_never_rounds_up_to_done() {
        assert_eq!(percent(199, 200), 99);
        assert_eq!(percent(5, 0), 0);
        assert_eq!(percent(3, 3), 100);
        assert_eq!(percent(7, 5), 100);
    }

    #[test]
    fn slugs_are_file_name_safe() {
        assert_eq!(slug("Pilkada Serentak 2020"), "pilkada-serentak-2020");
        assert_eq!(slug("  Pemilu/2024: Putaran II "), "pemilu-2024-putaran-ii");
        assert_eq!(slug("../.."), "pemilihan");
        assert_eq!(slug("Pémilu"), "p-milu");
    }
}
