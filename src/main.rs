use std::process::ExitCode;

use clap::Parser;
use netralitas_bot::app::Clock;
use netralitas_bot::cli::{Cli, Cmd, KbAction};
use netralitas_bot::config::Config;
use netralitas_bot::knowledge::{self, AskInput, AskSetup, ElectionFacts};
use netralitas_bot::{launch, startup};

fn main() -> ExitCode {
    // Before the logger, so RUST_LOG from .env applies; Config reads .env again harmlessly.
    let _ = dotenvy::dotenv();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,teloxide=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command.unwrap_or(Cmd::Run) {
            Cmd::Run => launch::run(config).await,
            Cmd::Ask {
                json,
                lang,
                question,
            } => {
                let facts = ElectionFacts {
                    name: config.election_name.clone(),
                    date: config.election_date,
                };
                // The deployment's taught examples, when its database exists (never created here).
                let taught = netralitas_bot::app::questions::stored_taught(&config.database_path)?;
                let setup = AskSetup {
                    facts: &facts,
                    helpdesk: &config.helpdesk_contact,
                    today: Clock::system().today(config.timezone),
                    taught,
                };
                let mut out = std::io::stdout().lock();
                knowledge::ask(AskInput::from_arg(&question), json, lang, setup, &mut out)?;
                Ok(ExitCode::SUCCESS)
            }
            Cmd::Kb {
                action: KbAction::Check,
            } => {
                let ok = knowledge::kb_check(&mut std::io::stdout().lock())?;
                Ok(if ok {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                })
            }
            Cmd::Stats => {
                let app = startup::build_app(config, Clock::system())?;
                print!("{}", netralitas_bot::cli::stats(&app)?);
                Ok(ExitCode::SUCCESS)
            }
            Cmd::Verify => {
                // Verifying must not create an empty database where none was.
                if !config.database_path.exists() {
                    anyhow::bail!("no database at {}", config.database_path.display());
                }
                let store = netralitas_bot::store::Store::open(&config.database_path)?;
                Ok(
                    match store.read_with(netralitas_bot::store::ledger::verify)? {
                        Ok(verified) => {
                            println!("{verified}");
                            ExitCode::SUCCESS
                        }
                        Err(broken) => {
                            println!("{broken}");
                            ExitCode::FAILURE
                        }
                    },
                )
            }
            Cmd::Export { out, unit } => {
                let app = startup::build_app(config, Clock::system())?;
                let rows = netralitas_bot::cli::export(&app, &out, unit.as_deref())?;
                eprintln!("{rows} rows written to {}", out.display());
                Ok(ExitCode::SUCCESS)
            }
            Cmd::Backup { out } => {
                let r = netralitas_bot::store::backup::backup(&config.database_path, &out)?;
                eprintln!(
                    "backup written to {} ({} bytes, {} pledges, integrity ok)",
                    out.display(),
                    r.bytes,
                    r.pledges
                );
                Ok(ExitCode::SUCCESS)
            }
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// glibc's malloc serialises the runtime's threads on its arena locks (a tenth of the CPU
/// per update in a profile); mimalloc keeps per-thread heaps.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
