//! Command line: run the bot, or use its knowledge and reports without Telegram.
//!
//! The operator's report commands (`stats`, `export`) run on the server against the same
//! database, without a Telegram token; they call the same use cases as the chat.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::App;
use crate::app::reports::{self, ExportedBy};

#[derive(Debug, Parser)]
#[command(
    name = "netralitas-bot",
    version,
    about = "Telegram bot for ASN election neutrality: pledges, Q&A, reminders"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run the bot: long polling, or webhook mode when WEBHOOK_URL is set (the default
    /// when no subcommand is given).
    Run,
    /// Answer a neutrality question as the bot would (no token, no network).
    Ask {
        /// Print one JSON line {"rule", "verdict", "score"} per question.
        #[arg(long)]
        json: bool,
        /// Answer language: id or en (default: the question's language).
        #[arg(long)]
        lang: Option<crate::i18n::Lang>,
        /// The question, or `-` to read one question per line from standard input.
        question: String,
    },
    /// Knowledge-base maintenance.
    Kb {
        #[command(subcommand)]
        action: KbAction,
    },
    /// Print the pledge totals per unit, as /stats shows them (no token needed).
    Stats,
    /// Check the hash chain of pledges and audit log; exits 1 naming the first broken record.
    Verify,
    /// Write registrations and pledges to a CSV file (no token needed; audited).
    Export {
        /// Where to write the CSV.
        #[arg(long, default_value = "pledges.csv")]
        out: std::path::PathBuf,
        /// Only this work unit (its code from UNITS_FILE).
        #[arg(long)]
        unit: Option<String>,
    },
    /// Copy the database while the bot runs (SQLite online backup; the copy is mode 0600).
    Backup {
        /// Where to write the copy (replaced if it exists).
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum KbAction {
    /// Validate the knowledge base in every language; exits 1 on any problem.
    Check,
}

/// The /stats table as plain text, in the deployment's default language.
pub fn stats(app: &App) -> anyhow::Result<String> {
    let report = app.store.read_with(|c| reports::stats(app, c))?;
    Ok(report.render(app.config.default_locale, usize::MAX).plain())
}

/// Writes the export to `out` and returns the number of data rows.
pub fn export(app: &App, out: &Path, unit: Option<&str>) -> anyhow::Result<usize> {
    let units = &app.units;
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
    let lang = app.config.default_locale;
    let rows = reports::export(
        app,
        ExportedBy::Operator,
        unit.as_ref(),
        lang,
        &mut writer,
        &mut |_| {},
    )?;
    writer
        .flush()
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Clock;
    use crate::config::Config;
    use crate::domain::{PledgeText, Units};
    use crate::reports::export::BOM;
    use crate::store::{Store, audit};

    #[test]
    fn the_operator_export_writes_a_file_and_is_audited() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_lookup(|_| None).unwrap();
        let store = Store::open_in_memory().unwrap();
        let pledge_text = PledgeText::load(None).unwrap();
        let app = App::new(config, store, Units::sample(), pledge_text, Clock::system());
        let out = dir.path().join("pledges.csv");
        assert_eq!(export(&app, &out, Some("DINKES")).unwrap(), 0);
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(BOM));
        let entries = app.store.with(|c| audit::latest(c, 5)).unwrap();
        assert_eq!(
            (entries[0].actor_id, entries[0].action.as_str()),
            (0, "export")
        );
        assert!(export(&app, &out, Some("nope")).is_err());
        assert!(
            stats(&app)
                .unwrap()
                .contains(crate::config::DEFAULT_ELECTION_NAME)
        );
    }
}
