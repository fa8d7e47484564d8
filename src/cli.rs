//! Command line: run the bot, or use its knowledge and reports without Telegram.

use clap::{Parser, Subcommand};

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
    /// Run the bot with long polling (the default when no subcommand is given).
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
}

#[derive(Debug, Subcommand)]
pub enum KbAction {
    /// Validate the knowledge base in every language; exits 1 on any problem.
    Check,
}
