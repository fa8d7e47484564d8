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
    /// Print the pledge totals per unit, as /stats shows them (no token needed).
    Stats,
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
