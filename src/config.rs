//! Configuration: read once from the environment (and `.env`) into one typed value.

use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::i18n::Lang;

/// The bot token. Never printed: `Debug` shows a placeholder so a config dump can't leak it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub token: Option<Secret>,
    pub api_url: Option<String>,
    pub database_path: PathBuf,
    pub admin_ids: HashSet<i64>,
    pub hr_ids: HashSet<i64>,
    pub election_name: String,
    pub election_date: NaiveDate,
    pub timezone: Tz,
    pub default_locale: Lang,
    pub units_file: Option<PathBuf>,
    pub pledge_file: Option<PathBuf>,
    pub helpdesk_contact: String,
    pub reminder_days: Vec<u32>,
    pub reminder_time: chrono::NaiveTime,
    pub quiet_days: u32,
    pub broadcast_rate: u32,
}

/// A configuration problem, worded for the operator: which variable, what was expected.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

fn err(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

impl Config {
    /// Loads `.env` (if present) and then reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal in production; a malformed one is the operator's to fix.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(err(".env", format!("cannot be read: {e}"))),
        }
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Parses from any key lookup, so tests don't touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let token = get("TELOXIDE_TOKEN").map(Secret);
        let api_url = match get("TELOXIDE_API_URL") {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => Some(u),
            Some(_) => {
                return Err(err(
                    "TELOXIDE_API_URL",
                    "expected an http:// or https:// URL of a Bot API server",
                ));
            }
            None => None,
        };
        let election_date = match get("ELECTION_DATE") {
            Some(d) => NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
                err(
                    "ELECTION_DATE",
                    format!("expected a date YYYY-MM-DD, got '{d}'"),
                )
            })?,
            None => NaiveDate::from_ymd_opt(2020, 12, 9).expect("valid default date"),
        };
        let timezone = match get("TIMEZONE") {
            Some(t) => t.parse::<Tz>().map_err(|_| {
                err(
                    "TIMEZONE",
                    format!("expected an IANA time zone such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura, got '{t}'"),
                )
            })?,
            None => chrono_tz::Asia::Jakarta,
        };
        let default_locale = match get("DEFAULT_LOCALE") {
            Some(l) => l.parse::<Lang>().map_err(|_| {
                err(
                    "DEFAULT_LOCALE",
                    format!("expected 'id' or 'en', got '{l}'"),
                )
            })?,
            None => Lang::Id,
        };
        let reminder_days = match get("REMINDER_DAYS") {
            Some(s) => parse_list::<u32>(&s).map_err(|v| {
                err(
                    "REMINDER_DAYS",
                    format!("expected whole days like 30,14,7,3,1, got '{v}'"),
                )
            })?,
            None => vec![30, 14, 7, 3, 1],
        };
        let reminder_time = match get("REMINDER_TIME") {
            Some(t) => chrono::NaiveTime::parse_from_str(&t, "%H:%M")
                .map_err(|_| err("REMINDER_TIME", format!("expected a time HH:MM, got '{t}'")))?,
            None => chrono::NaiveTime::from_hms_opt(8, 0, 0).expect("valid default time"),
        };
        let quiet_days = match get("QUIET_DAYS") {
            Some(q) => q.parse::<u32>().ok().filter(|q| *q <= 30).ok_or_else(|| {
                err(
                    "QUIET_DAYS",
                    format!("expected a number of days 0-30, got '{q}'"),
                )
            })?,
            None => 3,
        };
        let broadcast_rate = match get("BROADCAST_RATE") {
            Some(r) => r
                .parse::<u32>()
                .ok()
                .filter(|r| (1..=30).contains(r))
                .ok_or_else(|| {
                    err(
                        "BROADCAST_RATE",
                        format!(
                            "expected messages per second 1-30 (Telegram's limit is 30), got '{r}'"
                        ),
                    )
                })?,
            None => 25,
        };

        Ok(Config {
            token,
            api_url,
            database_path: get("DATABASE_PATH")
                .unwrap_or_else(|| "netralitas.db".into())
                .into(),
            admin_ids: parse_ids("ADMIN_IDS", get("ADMIN_IDS"))?,
            hr_ids: parse_ids("HR_IDS", get("HR_IDS"))?,
            election_name: get("ELECTION_NAME").unwrap_or_else(|| "Pilkada Serentak 2020".into()),
            election_date,
            timezone,
            default_locale,
            units_file: get("UNITS_FILE").map(PathBuf::from),
            pledge_file: get("PLEDGE_FILE").map(PathBuf::from),
            helpdesk_contact: get("HELPDESK_CONTACT").unwrap_or_else(|| "BKPSDM".into()),
            reminder_days,
            reminder_time,
            quiet_days,
            broadcast_rate,
        })
    }

    /// The token, required only by the commands that talk to Telegram.
    pub fn require_token(&self) -> Result<&Secret, ConfigError> {
        self.token.as_ref().ok_or_else(|| {
            err(
                "TELOXIDE_TOKEN",
                "is required to run the bot: ask @BotFather for a token and put it in .env",
            )
        })
    }
}

fn parse_list<T: std::str::FromStr>(s: &str) -> Result<Vec<T>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<T>().map_err(|_| p.to_owned()))
        .collect()
}

fn parse_ids(var: &'static str, raw: Option<String>) -> Result<HashSet<i64>, ConfigError> {
    match raw {
        None => Ok(HashSet::new()),
        Some(s) => parse_list::<i64>(&s)
            .map(|v| v.into_iter().collect())
            .map_err(|bad| {
                err(
                    var,
                    format!("expected comma-separated numeric Telegram user ids, got '{bad}'"),
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.database_path, PathBuf::from("netralitas.db"));
        assert_eq!(c.election_name, "Pilkada Serentak 2020");
        assert_eq!(
            c.election_date,
            NaiveDate::from_ymd_opt(2020, 12, 9).unwrap()
        );
        assert_eq!(c.timezone, chrono_tz::Asia::Jakarta);
        assert_eq!(c.default_locale, Lang::Id);
        assert_eq!(c.reminder_days, vec![30, 14, 7, 3, 1]);
        assert_eq!(c.broadcast_rate, 25);
        assert!(c.token.is_none());
        assert!(c.require_token().is_err());
    }

    #[test]
    fn ids_and_values_parse() {
        let c = parse(&[
            ("ADMIN_IDS", "1, 2,3"),
            ("HR_IDS", ""),
            ("TIMEZONE", "Asia/Jayapura"),
            ("DEFAULT_LOCALE", "en"),
            ("TELOXIDE_TOKEN", "123:abc"),
        ])
        .unwrap();
        assert_eq!(c.admin_ids, HashSet::from([1, 2, 3]));
        assert!(c.hr_ids.is_empty());
        assert_eq!(c.timezone, chrono_tz::Asia::Jayapura);
        assert_eq!(c.default_locale, Lang::En);
        assert_eq!(c.require_token().unwrap().expose(), "123:abc");
    }

    #[test]
    fn malformed_values_name_the_variable() {
        for (var, val) in [
            ("ADMIN_IDS", "12,abc"),
            ("ELECTION_DATE", "9/12/2020"),
            ("TIMEZONE", "WIB"),
            ("DEFAULT_LOCALE", "fr"),
            ("BROADCAST_RATE", "100"),
            ("REMINDER_TIME", "8am"),
            ("TELOXIDE_API_URL", "localhost:8081"),
        ] {
            let e = parse(&[(var, val)]).unwrap_err();
            assert_eq!(e.var, var);
        }
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let c = parse(&[("TELOXIDE_TOKEN", "123:supersecret")]).unwrap();
        assert!(!format!("{c:?}").contains("supersecret"));
    }
}
