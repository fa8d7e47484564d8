//! The /export spreadsheet: registrations and pledges as CSV, UTF-8 with a byte-order mark
//! so Excel and LibreOffice pick the right encoding for names like "Ni Luh Putu Ayu".

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use chrono_tz::Tz;
use rusqlite::Connection;

use crate::args;
use crate::domain::{Employment, UnitCode, Units};
use crate::i18n::Lang;
use crate::store::{self, reports};

pub const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Progress is reported every this many rows.
pub const PROGRESS_EVERY: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("writing the CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing the CSV: {0}")]
    Io(#[from] std::io::Error),
}

/// What to export and how to word it.
#[derive(Debug, Clone, Copy)]
pub struct ExportSpec<'a> {
    pub election: &'a str,
    /// One unit, or all when `None`.
    pub unit: Option<&'a UnitCode>,
    pub units: &'a Units,
    pub tz: Tz,
    pub lang: Lang,
}

/// `ikrar-pilkada-serentak-2020-2020-11-23.csv`, or with the unit code before the date.
pub fn file_name(election: &str, unit: Option<&UnitCode>, today: NaiveDate) -> String {
    let unit = unit.map(|u| format!("-{}", super::slug(u.as_str())));
    format!(
        "ikrar-{}{}-{}.csv",
        super::slug(election),
        unit.unwrap_or_default(),
        today.format("%Y-%m-%d")
    )
}

/// The header row in the reader's language.
pub fn header(lang: Lang, tz: Tz) -> Vec<String> {
    let mut cols: Vec<String> = [
        "csv-name",
        "csv-employment",
        "csv-nip",
        "csv-unit-code",
        "csv-unit-name",
        "csv-pledged",
    ]
    .iter()
    .map(|k| lang.t(k))
    .collect();
    cols.push(lang.t_args("csv-time", args!["tz" => tz.name()]));
    cols.push(lang.t("csv-receipt"));
    cols
}

/// Writes the whole CSV to `out` and returns the number of data rows. `progress` hears the
/// running row count every [`PROGRESS_EVERY`] rows (it runs on the database thread: keep it
/// cheap, e.g. store into an atomic).
pub fn write_csv<W: Write>(
    conn: &Connection,
    spec: ExportSpec<'_>,
    mut out: W,
    progress: &mut dyn FnMut(usize),
) -> Result<usize, ExportError> {
    out.write_all(BOM)?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header(spec.lang, spec.tz))?;

    let unit_names: HashMap<&str, &str> = spec
        .units
        .all()
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    let label = |e: Employment| spec.lang.t(e.label_key());
    let employment: HashMap<&str, String> = Employment::ALL
        .iter()
        .map(|e| (e.code(), label(*e)))
        .collect();
    let (yes, no) = (spec.lang.t("csv-yes"), spec.lang.t("csv-no"));

    let mut rows = 0usize;
    let mut csv_error = None;
    reports::for_each_export_row(conn, spec.election, spec.unit.map(UnitCode::as_str), |r| {
        let unit_code = r.unit_code.as_deref().unwrap_or("");
        let time = r
            .pledged_at
            .map(|t| {
                t.with_timezone(&spec.tz)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default();
        let name = spreadsheet_safe(&r.full_name);
        let record = [
            name.as_ref(),
            r.employment
                .and_then(|e| employment.get(e.code()))
                .map_or("", String::as_str),
            r.nip.as_deref().unwrap_or(""),
            unit_code,
            unit_names.get(unit_code).copied().unwrap_or(""),
            if r.pledged_at.is_some() { &yes } else { &no },
            &time,
            r.receipt_code.as_deref().unwrap_or(""),
        ];
        if let Err(e) = w.write_record(record) {
            // The row callback can only fail with a store error; keep the CSV error
            // and stop at the next row instead.
            csv_error = Some(e);
            return Err(store::StoreError::Malformed("CSV write failed".into()));
        }
        rows += 1;
        if rows.is_multiple_of(PROGRESS_EVERY) {
            progress(rows);
        }
        Ok(())
    })
    .map_err(|e| match csv_error.take() {
        Some(c) => ExportError::Csv(c),
        None => ExportError::Store(e),
    })?;
    w.flush()?;
    Ok(rows)
}

/// A cell a spreadsheet would run as a formula (a name typed as `=HYPERLINK(…)`) gets a
/// leading apostrophe, which Excel and LibreOffice show as text and do not print.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The whole export in memory, as it is sent to Telegram.
pub fn to_bytes(
    conn: &Connection,
    spec: ExportSpec<'_>,
    progress: &mut dyn FnMut(usize),
) -> Result<(Vec<u8>, usize), ExportError> {
    let mut buf = Vec::new();
    let rows = write_csv(conn, spec, &mut buf, progress)?;
    Ok((buf, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FullName, Nip};
    use crate::store::{Store, pledges, users};

    fn units() -> Units {
        Units::parse_csv("code,name\ndinkes,Dinas Kesehatan\ndisdik,Dinas Pendidikan\n").unwrap()
    }

    fn seed(c: &Connection) -> store::Result<()> {
        let nip = Nip::parse(
            "198503122010011002",
            NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        )
        .unwrap();
        for (id, name, unit, nip) in [
            (1, "Ni Luh Putu Ayu, S.Kep.", "dinkes", Some(&nip)),
            (2, "Andi \"Ucok\" Siregar", "disdik", None),
            (3, "=HYPERLINK(\"http://x.id\",\"Klik\")", "disdik", None),
        ] {
            users::touch(c, id, "tg", None, Lang::Id, crate::store::test_now())?;
            users::register(
                c,
                id,
                if nip.is_some() {
                    Employment::Pns
                } else {
                    Employment::NonAsn
                },
                &FullName::parse(name).unwrap(),
                nip,
                &UnitCode::parse(unit).unwrap(),
                crate::store::test_now(),
            )?;
        }
        pledges::confirm(c, 1, "Pilkada Serentak 2020", "h", crate::store::test_now())?;
        crate::store::ledger::allow_pledge_edits(c)?;
        c.execute(
            "UPDATE pledges SET confirmed_at = '2020-11-22T18:30:00.000Z' WHERE user_id = 1",
            [],
        )?;
        Ok(())
    }

    fn read(bytes: &[u8]) -> Vec<Vec<String>> {
        let body = bytes.strip_prefix(BOM).expect("starts with a BOM");
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body);
        r.records()
            .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn the_csv_round_trips_through_a_reader() {
        let store = Store::open_in_memory().unwrap();
        store.with(|c| seed(c)).unwrap();
        let units = units();
        let spec = ExportSpec {
            election: "Pilkada Serentak 2020",
            unit: None,
            units: &units,
            tz: chrono_tz::Asia::Jakarta,
            lang: Lang::Id,
        };
        let (bytes, rows) = store
            .with(|c| {
                to_bytes(c, spec, &mut |_| {})
                    .map_err(|e| store::StoreError::Malformed(e.to_string()))
            })
            .unwrap();
        assert_eq!(rows, 3);
        let table = read(&bytes);
        assert_eq!(table[0], header(Lang::Id, chrono_tz::Asia::Jakarta));
        assert!(table[0][6].contains("Asia/Jakarta"));
        let first = &table[1];
        assert_eq!(first[0], "Ni Luh Putu Ayu, S.Kep.");
        assert_eq!(first[1], "PNS");
        assert_eq!(first[2], "198503122010011002");
        assert_eq!(first[3..6], ["dinkes", "Dinas Kesehatan", "Ya"]);
        // 18:30 UTC is 01:30 the next day in Jakarta.
        assert_eq!(first[6], "2020-11-23 01:30:00");
        assert!(first[7].starts_with("IKR-"), "{}", first[7]);
        let andi = table
            .iter()
            .find(|row| row[0] == "Andi \"Ucok\" Siregar")
            .expect("quotes survive");
        assert_eq!(
            andi[2..],
            ["", "disdik", "Dinas Pendidikan", "Belum", "", ""]
        );
        // A name typed as a formula stays text in a spreadsheet.
        assert!(
            table
                .iter()
                .any(|row| row[0] == "'=HYPERLINK(\"http://x.id\",\"Klik\")"),
            "{table:?}"
        );
    }

    #[test]
    fn an_empty_export_is_a_valid_csv_with_its_header() {
        let store = Store::open_in_memory().unwrap();
        store.with(|c| seed(c)).unwrap();
        let units = Units::parse_csv("code,name\nkosong,Unit Kosong\n").unwrap();
        let code = UnitCode::parse("kosong").unwrap();
        let spec = ExportSpec {
            election: "E",
            unit: Some(&code),
            units: &units,
            tz: chrono_tz::Asia::Makassar,
            lang: Lang::En,
        };
        let mut ticks = 0;
        let (bytes, rows) = store
            .with(|c| {
                to_bytes(c, spec, &mut |_| ticks += 1)
                    .map_err(|e| store::StoreError::Malformed(e.to_string()))
            })
            .unwrap();
        assert_eq!((rows, ticks), (0, 0));
        assert_eq!(
            read(&bytes),
            vec![header(Lang::En, chrono_tz::Asia::Makassar)]
        );
    }

    #[test]
    fn file_names_carry_election_unit_and_date() {
        let day = NaiveDate::from_ymd_opt(2020, 11, 23).unwrap();
        assert_eq!(
            file_name("Pilkada Serentak 2020", None, day),
            "ikrar-pilkada-serentak-2020-2020-11-23.csv"
        );
        let unit = UnitCode::parse("dinkes").unwrap();
        assert_eq!(
            file_name("Pilkada Serentak 2020", Some(&unit), day),
            "ikrar-pilkada-serentak-2020-dinkes-2020-11-23.csv"
        );
    }
}
