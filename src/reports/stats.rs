//! The /stats report: totals, a per-unit table sorted by completion, and pledges per day.
//! Rendered as monospace text no wider than a phone screen ([`WIDTH`] columns).

use chrono::NaiveDate;
use chrono_tz::Tz;
use rusqlite::Connection;
use teloxide::utils::html::escape;

use super::percent;
use crate::args;
use crate::domain::Units;
use crate::i18n::Lang;
use crate::store::{self, pledges, reports};

/// Columns of monospace text a phone shows without wrapping in Telegram.
pub const WIDTH: usize = 32;
/// Days shown in the "pledges per day" section.
pub const DAYS: u32 = 14;

const CODE_W: usize = 10;
const COUNT_W: usize = 5;
const PCT_W: usize = 4;
const BAR_W: usize = WIDTH - 5 - 1 - COUNT_W - 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    /// `None` for registrants whose unit is missing (e.g. a unit removed from the list).
    pub code: Option<String>,
    pub name: String,
    pub registered: i64,
    pub pledged: i64,
    /// The unit's whole workforce from `UNITS_FILE`, when HR gave it.
    pub headcount: Option<u32>,
}

impl UnitRow {
    /// Pledged as a share of those who registered.
    pub fn share(&self) -> i64 {
        percent(self.pledged, self.registered)
    }

    /// Pledged as a share of the unit's whole workforce, when known.
    pub fn workforce_share(&self) -> Option<i64> {
        self.headcount.map(|h| percent(self.pledged, i64::from(h)))
    }

    /// What the chart measures: completion against the whole workforce when known,
    /// otherwise against those who registered.
    pub fn completion_base(&self) -> i64 {
        self.headcount
            .map(i64::from)
            .filter(|h| *h > 0)
            .unwrap_or(self.registered)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsReport {
    pub election: String,
    pub registered: i64,
    pub pledged: i64,
    /// Every unit of the list (also those nobody registered from), most complete first.
    pub units: Vec<UnitRow>,
    /// Pledges per local day, oldest first, ending today.
    pub daily: Vec<(NaiveDate, i64)>,
}

/// Reads the counts and joins them with the unit list.
pub fn build(
    conn: &Connection,
    units: &Units,
    election: &str,
    tz: Tz,
    today: NaiveDate,
) -> store::Result<StatsReport> {
    let totals = pledges::totals(conn, election)?;
    let daily = reports::pledges_per_day(conn, election, tz, today, DAYS)?;
    Ok(assemble(election, units, &totals, daily))
}

/// The pure half of [`build`], kept apart so the table logic is tested without a database.
pub fn assemble(
    election: &str,
    units: &Units,
    totals: &pledges::Totals,
    daily: Vec<(NaiveDate, i64)>,
) -> StatsReport {
    let mut rows: Vec<UnitRow> = units
        .all()
        .iter()
        .map(|u| {
            let counted = totals
                .per_unit
                .iter()
                .find(|c| c.unit_code.as_deref() == Some(u.code.as_str()));
            UnitRow {
                code: Some(u.code.as_str().to_owned()),
                name: u.name.clone(),
                registered: counted.map_or(0, |c| c.registered),
                pledged: counted.map_or(0, |c| c.pledged),
                headcount: u.headcount,
            }
        })
        .collect();
    // Registrants of units no longer in the list still count and still show.
    for c in &totals.per_unit {
        let listed = c
            .unit_code
            .as_deref()
            .is_some_and(|code| units.find(code).is_some());
        if !listed {
            rows.push(UnitRow {
                code: c.unit_code.clone(),
                name: c.unit_code.clone().unwrap_or_default(),
                registered: c.registered,
                pledged: c.pledged,
                headcount: None,
            });
        }
    }
    rows.sort_by(|a, b| {
        b.share()
            .cmp(&a.share())
            .then(b.workforce_share().cmp(&a.workforce_share()))
            .then(b.registered.cmp(&a.registered))
            .then(a.code.cmp(&b.code))
    });
    StatsReport {
        election: election.to_owned(),
        registered: totals.registered,
        pledged: totals.pledged,
        units: rows,
        daily,
    }
}

/// The report as text blocks; the caller decides how to style them (HTML or plain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub title: String,
    pub totals: String,
    /// Monospace: the per-unit table and its legend.
    pub table: String,
    pub daily_title: String,
    /// Monospace: one line per day with a bar.
    pub daily: String,
}

impl StatsReport {
    fn has_headcount(&self) -> bool {
        self.units.iter().any(|u| u.headcount.is_some())
    }

    /// Renders at most `max_units` table rows (Telegram caps a message at 4096 characters);
    /// the rest is summarised in one line.
    pub fn render(&self, lang: Lang, max_units: usize) -> Rendered {
        let title = lang.t_args("stats-title", args!["election" => &self.election]);
        if self.registered == 0 {
            return Rendered {
                title,
                totals: lang.t("stats-empty"),
                table: String::new(),
                daily_title: String::new(),
                daily: String::new(),
            };
        }
        let totals = lang.t_args(
            "stats-totals",
            args![
                "registered" => self.registered,
                "pledged" => self.pledged,
                "percent" => percent(self.pledged, self.registered)
            ],
        );
        let workforce = self.has_headcount();
        let mut table = row_line(
            &lang.t("stats-col-unit"),
            &lang.t("stats-col-registered"),
            &lang.t("stats-col-pledged"),
            &lang.t("stats-col-share"),
            workforce.then(|| lang.t("stats-col-workforce")).as_deref(),
        );
        for u in self.units.iter().take(max_units) {
            let code = u.code.clone().unwrap_or_else(|| lang.t("stats-no-unit"));
            table.push_str(&row_line(
                &code,
                &u.registered.to_string(),
                &u.pledged.to_string(),
                &format!("{}%", u.share()),
                workforce
                    .then(|| {
                        u.workforce_share()
                            .map_or_else(|| "-".to_owned(), |p| format!("{p}%"))
                    })
                    .as_deref(),
            ));
        }
        let hidden = self.units.len().saturating_sub(max_units);
        if hidden > 0 {
            table.push_str(&lang.t_args("stats-more-units", args!["count" => hidden]));
            table.push('\n');
        }
        table.push('\n');
        table.push_str(&lang.t(if workforce {
            "stats-legend-workforce"
        } else {
            "stats-legend"
        }));

        let peak = self.daily.iter().map(|d| d.1).max().unwrap_or(0);
        let mut daily = String::new();
        for (day, n) in &self.daily {
            let bar = if peak == 0 {
                0
            } else {
                // Any pledge at all earns at least one block, so quiet days stay visible.
                ((n * BAR_W as i64 + peak - 1) / peak) as usize
            };
            daily.push_str(&format!(
                "{} {n:>COUNT_W$} {}\n",
                day.format("%d-%m"),
                "█".repeat(bar)
            ));
        }
        Rendered {
            title,
            totals,
            table: table.trim_end().to_owned(),
            daily_title: lang.t_args("stats-daily-title", args!["days" => DAYS as i64]),
            daily: daily.trim_end().to_owned(),
        }
    }
}

/// One table line, each cell cut to its column so the line never exceeds [`WIDTH`].
fn row_line(code: &str, reg: &str, pledged: &str, share: &str, workforce: Option<&str>) -> String {
    let cut = |s: &str, w: usize| s.chars().take(w).collect::<String>();
    let mut line = format!(
        "{:<CODE_W$} {:>COUNT_W$} {:>COUNT_W$} {:>PCT_W$}",
        cut(code, CODE_W),
        cut(reg, COUNT_W),
        cut(pledged, COUNT_W),
        cut(share, PCT_W),
    );
    if let Some(w) = workforce {
        line.push_str(&format!(" {:>PCT_W$}", cut(w, PCT_W)));
    }
    line.push('\n');
    line
}

impl Rendered {
    /// For the terminal (`netralitas-bot stats`).
    pub fn plain(&self) -> String {
        let mut out = format!("{}\n{}\n", self.title, self.totals);
        if !self.table.is_empty() {
            out.push_str(&format!(
                "\n{}\n\n{}\n{}\n",
                self.table, self.daily_title, self.daily
            ));
        }
        out
    }

    /// For a Telegram message with `parse_mode = HTML`; every piece is escaped.
    pub fn html(&self) -> String {
        let mut out = format!("<b>{}</b>\n{}\n", escape(&self.title), escape(&self.totals));
        if !self.table.is_empty() {
            out.push_str(&format!(
                "<pre>{}</pre>\n<b>{}</b>\n<pre>{}</pre>",
                escape(&self.table),
                escape(&self.daily_title),
                escape(&self.daily)
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::pledges::{Totals, UnitCount};

    fn units() -> Units {
        Units::parse_csv("code,name,headcount\na,Unit A,10\nb,Unit B,\nc,Unit C <&>,4\n").unwrap()
    }

    fn totals() -> Totals {
        let per_unit = vec![
            UnitCount {
                unit_code: Some("a".into()),
                registered: 4,
                pledged: 1,
            },
            UnitCount {
                unit_code: Some("b".into()),
                registered: 2,
                pledged: 2,
            },
            UnitCount {
                unit_code: Some("gone".into()),
                registered: 3,
                pledged: 0,
            },
        ];
        Totals {
            registered: 9,
            pledged: 3,
            per_unit,
        }
    }

    fn days() -> Vec<(NaiveDate, i64)> {
        let last = NaiveDate::from_ymd_opt(2020, 11, 23).unwrap();
        (0..DAYS)
            .rev()
            .map(|b| (last - chrono::Days::new(b.into()), i64::from(b % 3) * 40))
            .collect()
    }

    #[test]
    fn units_are_sorted_by_completion_and_include_empty_and_unlisted_ones() {
        let r = assemble("E", &units(), &totals(), days());
        let codes: Vec<_> = r.units.iter().map(|u| u.code.as_deref()).collect();
        // b 100 %, a 25 %, then the two at 0 %: c has a headcount share (0 %) before "gone" (none).
        assert_eq!(codes, [Some("b"), Some("a"), Some("c"), Some("gone")]);
        assert_eq!(r.units[1].workforce_share(), Some(10));
        assert_eq!(r.units[0].workforce_share(), None);
        assert_eq!(r.units[1].completion_base(), 10);
        assert_eq!(r.units[0].completion_base(), 2);
    }

    #[test]
    fn every_line_fits_a_phone_screen() {
        let mut t = totals();
        t.per_unit[0].unit_code = Some("a".into());
        t.per_unit.push(UnitCount {
            unit_code: Some("a_very_long_unit_code_xx".into()),
            registered: 123_456,
            pledged: 99_999,
        });
        for lang in Lang::ALL {
            let r = assemble("Pilkada Serentak 2020", &units(), &t, days()).render(lang, 100);
            for line in r.table.lines().chain(r.daily.lines()) {
                assert!(line.chars().count() <= WIDTH, "too wide: {line:?}");
            }
            assert_eq!(r.daily.lines().count(), DAYS as usize);
        }
    }

    #[test]
    fn html_is_escaped_and_monospaced() {
        let r = assemble("Pilkada <2020> & co", &units(), &totals(), days());
        let html = r.render(Lang::En, 100).html();
        assert!(html.contains("&lt;2020&gt; &amp; co"));
        assert!(!html.contains("<2020>"));
        assert_eq!(html.matches("<pre>").count(), 2);
    }

    #[test]
    fn long_tables_are_cut_with_a_count_of_the_rest() {
        let r = assemble("E", &units(), &totals(), days()).render(Lang::En, 2);
        let more = Lang::En.t_args("stats-more-units", args!["count" => 2usize]);
        assert!(r.table.contains(&more), "{}", r.table);
        assert!(
            r.table.contains("\nb ") && !r.table.contains("gone"),
            "{}",
            r.table
        );
    }

    #[test]
    fn an_empty_election_says_so() {
        let r = assemble("E", &units(), &Totals::default(), days()).render(Lang::Id, 100);
        assert!(r.table.is_empty());
        assert!(r.plain().contains(&Lang::Id.t("stats-empty")));
    }

    #[test]
    fn the_busiest_day_gets_the_longest_bar() {
        let r = assemble("E", &units(), &totals(), days()).render(Lang::Id, 100);
        let widest = r.daily.lines().map(|l| l.matches('█').count()).max();
        assert_eq!(widest, Some(BAR_W));
        assert!(r.daily.lines().any(|l| l.ends_with(" 0")));
    }
}
