//! The operator's side: `netralitas-bot stats` and `netralitas-bot export`, run on the server
//! against the same database, without a Telegram token. Operator actions are audited with
//! actor 0.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use chrono::Utc;

use super::export::{self, ExportSpec};
use super::stats;
use crate::config::Config;
use crate::domain::Units;
use crate::store::{Store, StoreError, audit};

/// The /stats table as plain text, in the deployment's default language.
pub fn stats(config: &Config, store: &Store, units: &Units) -> anyhow::Result<String> {
    let today = Utc::now().with_timezone(&config.timezone).date_naive();
    let report =
        store.with(|c| stats::build(c, units, &config.election_name, config.timezone, today))?;
    Ok(report.render(config.default_locale, usize::MAX).plain())
}

/// Writes the export to `out` and returns the number of data rows.
pub fn export(
    config: &Config,
    store: &Store,
    units: &Units,
    out: &Path,
    unit: Option<&str>,
) -> anyhow::Result<usize> {
    let unit = match unit {
        None => None,
        Some(raw) => Some(units.find(raw).map(|u| u.code.clone()).with_context(|| {
            let known: Vec<&str> = units.all().iter().map(|u| u.code.as_str()).collect();
            format!(
                "unknown unit code '{raw}'; known codes: {}",
                known.join(", ")
            )
        })?),
    };
    let file = crate::store::private_file::create(out)
        .with_context(|| format!("cannot create {}", out.display()))?;
    let mut writer = BufWriter::new(file);
    let spec = ExportSpec {
        election: &config.election_name,
        unit: unit.as_ref(),
        units,
        tz: config.timezone,
        lang: config.default_locale,
    };
    let rows = store.with(|c| {
        let rows = export::write_csv(c, spec, &mut writer, &mut |_| {})
            .map_err(|e| StoreError::Malformed(e.to_string()))?;
        let scope = unit.as_ref().map_or("all", |u| u.as_str());
        audit::record(c, 0, "export", &format!("cli unit={scope} rows={rows}"))?;
        Ok(rows)
    })?;
    writer
        .flush()
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_export_writes_a_file_and_is_audited() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_lookup(|_| None).unwrap();
        let store = Store::open_in_memory().unwrap();
        let units = Units::sample();
        let out = dir.path().join("pledges.csv");
        assert_eq!(
            export(&config, &store, &units, &out, Some("DINKES")).unwrap(),
            0
        );
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(export::BOM));
        let entries = store.with(|c| audit::latest(c, 5)).unwrap();
        assert_eq!(
            (entries[0].actor_id, entries[0].action.as_str()),
            (0, "export")
        );
        assert!(export(&config, &store, &units, &out, Some("nope")).is_err());
        assert!(
            stats(&config, &store, &units)
                .unwrap()
                .contains("Pilkada Serentak 2020")
        );
    }
}
