//! From a token to a running bot and back down. Telegram is asked who the bot is before
//! anything is dispatched, so a wrong token is one clear line and exit code 2 (a supervisor
//! must not restart it forever), an unreachable Telegram is retried with backoff, and
//! SIGINT/SIGTERM stop the bot cleanly at any point.

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use chrono::NaiveDate;
use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

use crate::config::Config;
use crate::domain::Units;
use crate::startup;

/// The first retry comes after this; each further one waits twice as long, up to
/// [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// Long enough not to hammer Telegram during an outage, short enough that the bot is back
/// within a minute of the network.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Exit code for a configuration Telegram refuses: retrying can't fix it, and systemd's
/// `RestartPreventExitStatus=2` keeps a supervisor from trying.
pub const EXIT_CONFIG: u8 = 2;

/// How a call to Telegram during start-up ended.
enum Outcome<T> {
    Done(T),
    /// Telegram answered that the token is unknown.
    Rejected,
    /// SIGINT or SIGTERM arrived first.
    Stopped,
}

/// `netralitas-bot run`: connects, starts, and runs until a signal or a failure.
pub async fn run(config: Config) -> anyhow::Result<ExitCode> {
    let bot = match config.require_token() {
        Ok(_) => startup::bot(&config)?,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
    };
    let stop = shutdown_signal()?;
    tokio::pin!(stop);

    let me = match retry("getMe", &mut stop, || bot.get_me().send()).await {
        Outcome::Done(me) => me,
        Outcome::Rejected => {
            report_rejected_token(&config);
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
        Outcome::Stopped => return Ok(ExitCode::SUCCESS),
    };
    tracing::info!(username = %me.username(), id = %me.id, "connected to Telegram");

    if config.webhook.is_none() {
        // A webhook left by another tool or an earlier deployment makes every getUpdates
        // fail with 409; deleting it (pending updates kept) lets polling take over.
        let delete = || bot.delete_webhook().drop_pending_updates(false).send();
        match retry("deleteWebhook", &mut stop, delete).await {
            Outcome::Done(_) => {
                tracing::info!("deleted any webhook before polling (pending updates kept)");
            }
            Outcome::Rejected => {
                report_rejected_token(&config);
                return Ok(ExitCode::from(EXIT_CONFIG));
            }
            Outcome::Stopped => return Ok(ExitCode::SUCCESS),
        }
    }

    let running = startup::start(config, startup::POLL_TIMEOUT).await?;
    let today = running.app.today();
    for warning in deployment_warnings(&running.app.config, &running.app.units, today) {
        tracing::warn!("{warning}");
    }
    running.run_until(stop).await?;
    Ok(ExitCode::SUCCESS)
}

fn report_rejected_token(config: &Config) {
    // One line, the variable's name and never its value: this is what an operator sees in
    // `journalctl` or `docker logs`.
    let hint = if config.api_url.is_some() {
        " (or TELOXIDE_API_URL is not a Bot API server)"
    } else {
        ""
    };
    eprintln!(
        "configuration error: TELOXIDE_TOKEN: Telegram rejected this token{hint}; copy it again from @BotFather"
    );
}

/// Calls Telegram until it answers: a warning per failed attempt, then a wait that doubles
/// up to [`MAX_BACKOFF`] (or Telegram's own `retry_after`).
async fn retry<T, F, Fut>(
    method: &str,
    stop: &mut (impl Future<Output = ()> + Unpin),
    mut call: F,
) -> Outcome<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 0u32;
    loop {
        attempt = attempt.saturating_add(1);
        let result = tokio::select! {
            r = call() => r,
            () = &mut *stop => return Outcome::Stopped,
        };
        let error = match result {
            Ok(value) => return Outcome::Done(value),
            Err(RequestError::Api(ApiError::InvalidToken)) => return Outcome::Rejected,
            Err(e) => e,
        };
        let wait = match &error {
            RequestError::RetryAfter(s) => s.duration().min(MAX_BACKOFF),
            _ => backoff,
        };
        backoff = (backoff * 2).min(MAX_BACKOFF);
        // teloxide strips the token from the URLs inside its errors; the causes say what
        // failed (DNS, refused, TLS), which the top error alone doesn't.
        tracing::warn!(
            "cannot reach Telegram ({method}, attempt {attempt}): {}; retrying in {}s",
            with_causes(&error),
            wait.as_secs()
        );
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = &mut *stop => return Outcome::Stopped,
        }
    }
}

fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        // Some errors already print their cause; don't say it twice.
        let line = c.to_string();
        if !text.ends_with(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        cause = c.source();
    }
    text
}

/// Resolves on the first SIGINT or SIGTERM (what `docker stop` and systemd send).
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    // Registered now, not when first polled, so a signal during start-up is not lost.
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        #[cfg(unix)]
        let terminate = term.recv();
        #[cfg(not(unix))]
        let terminate = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received; stopping"),
            _ = terminate => tracing::info!("SIGTERM received; stopping"),
        }
    })
}

/// What an operator should know about this deployment's settings before users notice.
pub fn deployment_warnings(config: &Config, units: &Units, today: NaiveDate) -> Vec<String> {
    let mut warnings = Vec::new();
    if config.election_date < today {
        warnings.push(format!(
            "ELECTION_DATE {} has passed: no reminders will be sent and pledges are recorded for \"{}\"; set the next election in .env",
            config.election_date, config.election_name
        ));
    }
    if units.all().iter().all(|u| u.headcount.is_none()) {
        warnings.push(
            "UNITS_FILE has no headcounts: /stats can count pledges but not show them against each unit's workforce (add a headcount column)"
                .to_owned(),
        );
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(date: &str) -> Config {
        Config::from_lookup(|k| (k == "ELECTION_DATE").then(|| date.to_owned())).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_past_election_is_warned_about_and_a_coming_one_is_not() {
        let units = Units::parse_csv("code,name,headcount\na,A,10\n").unwrap();
        let w = deployment_warnings(&config("2020-12-09"), &units, day("2026-12-03"));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("ELECTION_DATE 2020-12-09 has passed"),
            "{w:?}"
        );
        // Voting day itself is not "passed".
        let w = deployment_warnings(&config("2026-12-03"), &units, day("2026-12-03"));
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn units_without_any_headcount_are_warned_about() {
        let bare = Units::parse_csv("code,name\na,A\nb,B\n").unwrap();
        let w = deployment_warnings(&config("2029-02-14"), &bare, day("2026-12-03"));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("UNITS_FILE has no headcounts"), "{w:?}");
        let some = Units::parse_csv("code,name,headcount\na,A,\nb,B,40\n").unwrap();
        assert!(deployment_warnings(&config("2029-02-14"), &some, day("2026-12-03")).is_empty());
    }
}
