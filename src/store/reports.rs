//! Read-only queries behind /stats, /chart, /export and /roles.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, Row, params};

use super::Result;
use crate::domain::Employment;

/// Indexes the reports lean on. The per-unit count (`pledges::totals`) walks registered
/// users grouped by unit; without this partial index SQLite walks `users_unit` and reads
/// every table row to test `registered_at`, which doubles /stats time at 100,000 users.
pub const SCHEMA: &str = r#"
    CREATE INDEX users_registered_unit ON users(unit_code) WHERE registered_at IS NOT NULL;
"#;

/// Pledges confirmed on each local day, oldest first, `days` days ending with `today`.
/// Day boundaries are computed in `tz` and compared as UTC text, the way timestamps are
/// stored. One pass over the election's pledges: an index on the time would cost every
/// confirmation an extra page write, and a scan of 100,000 rows stays well inside the
/// /stats budget.
pub fn pledges_per_day(
    conn: &Connection,
    election: &str,
    tz: Tz,
    today: NaiveDate,
    days: u32,
) -> Result<Vec<(NaiveDate, i64)>> {
    let dates: Vec<NaiveDate> = (0..days)
        .rev()
        .filter_map(|back| today.checked_sub_days(chrono::Days::new(u64::from(back))))
        .collect();
    let Some(next) = dates.last().and_then(|d| d.succ_opt()) else {
        return Ok(Vec::new());
    };
    // bounds[i] is where day i starts; the last bound is where the window ends.
    let bounds: Vec<String> = dates
        .iter()
        .chain(std::iter::once(&next))
        .map(|&d| local_midnight_utc(tz, d))
        .collect();
    let mut counts = vec![0i64; dates.len()];
    let mut stmt = conn.prepare_cached(
        "SELECT confirmed_at FROM pledges
         WHERE election = ?1 AND confirmed_at >= ?2 AND confirmed_at < ?3",
    )?;
    let (start, end) = (&bounds[0], &bounds[dates.len()]);
    let mut rows = stmt.query(params![election, start, end])?;
    while let Some(row) = rows.next()? {
        let at: String = row.get(0)?;
        let day = bounds.partition_point(|b| *b <= at).saturating_sub(1);
        if let Some(n) = counts.get_mut(day) {
            *n += 1;
        }
    }
    Ok(dates.into_iter().zip(counts).collect())
}

/// The UTC instant a local day starts, in the stored text format. A midnight skipped by a
/// DST change starts at the first local time that exists.
fn local_midnight_utc(tz: Tz, day: NaiveDate) -> String {
    let start = (0..24)
        .filter_map(|h| day.and_hms_opt(h, 0, 0))
        .find_map(|t| tz.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    start.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One registered person in the export, with their pledge for the election if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub full_name: String,
    pub employment: Option<Employment>,
    pub nip: Option<String>,
    pub unit_code: Option<String>,
    pub pledged_at: Option<DateTime<Utc>>,
    pub receipt_code: Option<String>,
}

fn export_row(r: &Row<'_>) -> rusqlite::Result<ExportRow> {
    let employment: Option<String> = r.get(1)?;
    let at: Option<String> = r.get(4)?;
    Ok(ExportRow {
        full_name: r.get(0)?,
        employment: employment.as_deref().and_then(Employment::parse),
        nip: r.get(2)?,
        unit_code: r.get(3)?,
        pledged_at: at
            .as_deref()
            .and_then(|a| DateTime::parse_from_rfc3339(a).ok())
            .map(|t| t.with_timezone(&Utc)),
        receipt_code: r.get(5)?,
    })
}

/// How many rows [`for_each_export_row`] will produce, to decide whether to show progress.
pub fn count_export_rows(conn: &Connection, unit: Option<&str>) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM users
             WHERE registered_at IS NOT NULL AND (?1 IS NULL OR unit_code = ?1)",
        )?
        .query_row([unit], |r| r.get(0))?)
}

/// Streams registered users (of one unit, or all) with their pledge, by unit then name,
/// so 100,000 rows never sit in memory at once.
pub fn for_each_export_row(
    conn: &Connection,
    election: &str,
    unit: Option<&str>,
    mut f: impl FnMut(ExportRow) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT COALESCE(u.full_name, u.display_name), u.employment, u.nip, u.unit_code,
                p.confirmed_at, p.receipt_code
         FROM users u LEFT JOIN pledges p ON p.user_id = u.id AND p.election = ?1
         WHERE u.registered_at IS NOT NULL AND (?2 IS NULL OR u.unit_code = ?2)
         ORDER BY u.unit_code, COALESCE(u.full_name, u.display_name) COLLATE NOCASE, u.id",
    )?;
    let mut rows = stmt.query(params![election, unit])?;
    while let Some(row) = rows.next()? {
        f(export_row(row)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FullName, Nip, UnitCode};
    use crate::i18n::Lang;
    use crate::store::{Store, pledges, users};

    fn register(c: &Connection, id: i64, name: &str, unit: &str, nip: Option<&str>) -> Result<()> {
        users::touch(c, id, name, None, Lang::Id, crate::store::test_now())?;
        let nip = nip.map(|n| {
            Nip::parse(n, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()).expect("valid test NIP")
        });
        users::register(
            c,
            id,
            if nip.is_some() {
                Employment::Pns
            } else {
                Employment::Pppk
            },
            &FullName::parse(name).unwrap(),
            nip.as_ref(),
            &UnitCode::parse(unit).unwrap(),
            crate::store::test_now(),
        )
    }

    #[test]
    fn export_rows_stream_by_unit_and_name_with_pledges() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                register(c, 1, "Zainal", "dinkes", Some("198503122010011002"))?;
                register(c, 2, "adi", "dinkes", None)?;
                register(c, 3, "Budi", "disdik", None)?;
                users::touch(
                    c,
                    4,
                    "only visited",
                    None,
                    Lang::Id,
                    crate::store::test_now(),
                )?;
                pledges::confirm(c, 1, "E", "h", crate::store::test_now())?;
                pledges::confirm(c, 3, "other election", "h", crate::store::test_now())?;

                let mut all = Vec::new();
                for_each_export_row(c, "E", None, |r| {
                    all.push(r);
                    Ok(())
                })?;
                let names: Vec<_> = all.iter().map(|r| r.full_name.as_str()).collect();
                assert_eq!(names, ["adi", "Zainal", "Budi"]);
                assert!(all[1].pledged_at.is_some() && all[1].receipt_code.is_some());
                assert_eq!(all[1].nip.as_deref(), Some("198503122010011002"));
                // A pledge for another election does not count for this one.
                assert!(all[2].pledged_at.is_none());
                assert_eq!(count_export_rows(c, None)?, 3);
                assert_eq!(count_export_rows(c, Some("dinkes"))?, 2);

                let mut one_unit = 0;
                for_each_export_row(c, "E", Some("disdik"), |_| {
                    one_unit += 1;
                    Ok(())
                })?;
                assert_eq!(one_unit, 1);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn pledges_are_counted_per_local_day() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                for id in 1..=4 {
                    register(c, id, "X", "dinkes", None)?;
                    pledges::confirm(c, id, "E", "h", crate::store::test_now())?;
                }
                crate::store::ledger::allow_pledge_edits(c)?;
                // 2020-11-22 18:30 UTC is already 23 Nov 01:30 in Jakarta (UTC+7).
                let set = |id: i64, at: &str| {
                    c.execute(
                        "UPDATE pledges SET confirmed_at = ?2 WHERE user_id = ?1",
                        params![id, at],
                    )
                };
                set(1, "2020-11-22T18:30:00.000Z")?;
                set(2, "2020-11-22T16:59:59.999Z")?;
                set(3, "2020-11-01T00:00:00.000Z")?;
                set(4, "2020-11-22T17:00:00.000Z")?; // Jakarta midnight exactly
                let today = NaiveDate::from_ymd_opt(2020, 11, 23).unwrap();
                let days = pledges_per_day(c, "E", chrono_tz::Asia::Jakarta, today, 14)?;
                assert_eq!(days.len(), 14);
                assert_eq!(days[13], (today, 2));
                assert_eq!(days[12], (today.pred_opt().unwrap(), 1));
                assert_eq!(days[0].0, NaiveDate::from_ymd_opt(2020, 11, 10).unwrap());
                // The pledge three weeks ago is outside the window.
                assert_eq!(days.iter().map(|d| d.1).sum::<i64>(), 3);
                Ok(())
            })
            .unwrap();
    }
}
