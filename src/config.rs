//! Configuration: read once from the environment (and `.env`) into one typed value.

use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
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
    /// Every broadcast message carries `allow_paid_broadcast`: Telegram lets it through up
    /// to 1,000/s and charges Stars for what goes above the free 30/s.
    pub paid_broadcast: bool,
    /// Unanswered questions kept per user per day; the rest are not stored.
    pub unanswered_per_user_per_day: u32,
    /// Unanswered questions older than this are deleted by the periodic prune.
    pub unanswered_retention_days: u32,
    /// Per-user flood control in front of the dispatcher.
    pub flood: FloodLimits,
    /// Registration dialogues (which hold a NIP) untouched this long are deleted.
    pub dialogue_retention_days: u32,
    /// Debug builds only: a message with exactly this text makes its handler panic, so tests
    /// can prove a panic is caught per update. Read from `DEBUG_PANIC_TEXT`.
    #[cfg(debug_assertions)]
    pub debug_panic_text: Option<String>,
    /// Set: Telegram pushes updates to this bot's HTTPS listener. Unset: long polling.
    pub webhook: Option<Webhook>,
}

/// How many updates one user may send at once (`FLOOD_BURST`) and then per second
/// (`FLOOD_RATE`) before the bot drops them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloodLimits {
    pub burst: u32,
    pub per_second: f64,
}

/// Webhook mode: where Telegram sends updates and how the bot proves they came from it.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The public HTTPS URL given to Telegram; the listener serves its path.
    pub url: url::Url,
    pub listen: SocketAddr,
    /// Telegram echoes it in `X-Telegram-Bot-Api-Secret-Token`; anything else is refused.
    pub secret: Secret,
}

/// Placeholder election for a fresh install: the next general election (Pemilu) is due in
/// 2029, and KPU has not fixed its voting day yet. Operators set their own in `.env`.
pub const DEFAULT_ELECTION_NAME: &str = "Pemilu 2029";
pub const DEFAULT_ELECTION_DATE: (i32, u32, u32) = (2029, 2, 14);
/// Telegram's limit for messages to different users, free.
pub const MAX_FREE_BROADCAST_RATE: u32 = 30;
/// Telegram's ceiling for paid broadcasts (`allow_paid_broadcast`).
pub const MAX_PAID_BROADCAST_RATE: u32 = 1_000;
pub const DEFAULT_WEBHOOK_LISTEN: &str = "0.0.0.0:8443";

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
    /// Reads the process environment, falling back to `.env` (if present) for what it
    /// doesn't set, as dotenvy does.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_dotenv(dotenvy::dotenv_iter(), |k| std::env::var(k).ok())
    }

    /// As [`Config::from_env`] with the file and the environment given, so a test can read
    /// the shipped `.env.example` exactly as the binary reads `.env`.
    pub fn from_dotenv<R: std::io::Read>(
        file: dotenvy::Result<dotenvy::Iter<R>>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        // A missing .env is normal in production; a malformed one is the operator's to fix.
        let from_file: std::collections::HashMap<String, String> = match file {
            Ok(iter) => iter
                .collect::<Result<_, _>>()
                .map_err(|e| err(".env", format!("cannot be read: {e}")))?,
            Err(e) if e.not_found() => Default::default(),
            Err(e) => return Err(err(".env", format!("cannot be read: {e}"))),
        };
        Self::from_lookup(|k| env(k).or_else(|| from_file.get(k).cloned()))
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
            None => {
                let (y, m, d) = DEFAULT_ELECTION_DATE;
                NaiveDate::from_ymd_opt(y, m, d).expect("valid default date")
            }
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
        let paid_broadcast = match get("PAID_BROADCAST").as_deref().map(str::trim) {
            None | Some("") | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => {
                return Err(err(
                    "PAID_BROADCAST",
                    format!("expected true or false, got '{other}'"),
                ));
            }
        };
        let broadcast_rate = match get("BROADCAST_RATE") {
            Some(r) => {
                let max = if paid_broadcast {
                    MAX_PAID_BROADCAST_RATE
                } else {
                    MAX_FREE_BROADCAST_RATE
                };
                match r.trim().parse::<u32>() {
                    Ok(n) if (1..=max).contains(&n) => n,
                    Ok(n) if n > max && !paid_broadcast && n <= MAX_PAID_BROADCAST_RATE => {
                        return Err(err(
                            "BROADCAST_RATE",
                            format!(
                                "{n} messages per second is above Telegram's free limit of 30; \
                                 faster needs paid broadcasts (set PAID_BROADCAST=true), got '{r}'"
                            ),
                        ));
                    }
                    _ => {
                        return Err(err(
                            "BROADCAST_RATE",
                            format!(
                                "expected messages per second 1-{max} (Telegram's limit is 30, \
                                 1000 with PAID_BROADCAST=true), got '{r}'"
                            ),
                        ));
                    }
                }
            }
            None => 25,
        };
        let number = |var: &'static str, default: u32, range: std::ops::RangeInclusive<u32>| {
            match get(var) {
                None => Ok(default),
                Some(raw) => raw
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| {
                        err(
                            var,
                            format!(
                                "expected a number {}-{}, got '{raw}'",
                                range.start(),
                                range.end()
                            ),
                        )
                    }),
            }
        };
        let flood = FloodLimits {
            burst: number("FLOOD_BURST", 20, 1..=1_000_000)?,
            per_second: match get("FLOOD_RATE") {
                Some(r) => r
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r > 0.0)
                    .ok_or_else(|| {
                        err(
                            "FLOOD_RATE",
                            format!("expected updates per second > 0 such as 1 or 0.5, got '{r}'"),
                        )
                    })?,
                None => 1.0,
            },
        };
        let dialogue_retention_days = number("DIALOGUE_RETENTION_DAYS", 7, 1..=3650)?;

        let unanswered_per_user_per_day = number("UNANSWERED_PER_USER_PER_DAY", 20, 0..=1000)?;
        let unanswered_retention_days = number("UNANSWERED_RETENTION_DAYS", 180, 1..=3650)?;

        Ok(Config {
            token,
            api_url,
            database_path: get("DATABASE_PATH")
                .unwrap_or_else(|| "netralitas.db".into())
                .into(),
            admin_ids: parse_ids("ADMIN_IDS", get("ADMIN_IDS"))?,
            hr_ids: parse_ids("HR_IDS", get("HR_IDS"))?,
            election_name: get("ELECTION_NAME").unwrap_or_else(|| DEFAULT_ELECTION_NAME.into()),
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
            paid_broadcast,
            unanswered_per_user_per_day,
            unanswered_retention_days,
            flood,
            dialogue_retention_days,
            #[cfg(debug_assertions)]
            debug_panic_text: get("DEBUG_PANIC_TEXT"),
            webhook: parse_webhook(&get)?,
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

fn parse_webhook(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Webhook>, ConfigError> {
    let Some(raw) = get("WEBHOOK_URL") else {
        return Ok(None);
    };
    let url = url::Url::parse(&raw)
        .ok()
        .filter(|u| u.scheme() == "https" && u.host_str().is_some())
        .ok_or_else(|| {
            err(
                "WEBHOOK_URL",
                "expected the public https:// URL Telegram should call, e.g. https://bot.example.go.id/telegram",
            )
        })?;
    if url.path() == "/healthz" {
        return Err(err(
            "WEBHOOK_URL",
            "the path /healthz is the health check; choose another path for updates",
        ));
    }
    let listen_raw = get("WEBHOOK_LISTEN").unwrap_or_else(|| DEFAULT_WEBHOOK_LISTEN.into());
    let listen = listen_raw.parse::<SocketAddr>().map_err(|_| {
        err(
            "WEBHOOK_LISTEN",
            format!("expected address:port such as 0.0.0.0:8443, got '{listen_raw}'"),
        )
    })?;
    // Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and -; checking here keeps a bad
    // value from reaching teloxide, which would panic on it.
    let secret = get("WEBHOOK_SECRET")
        .filter(|s| {
            (1..=256).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .ok_or_else(|| {
            err(
                "WEBHOOK_SECRET",
                "is required with WEBHOOK_URL: 1-256 characters of A-Z, a-z, 0-9, _ and - (e.g. the output of `openssl rand -hex 32`)",
            )
        })?;
    Ok(Some(Webhook {
        url,
        listen,
        secret: Secret(secret),
    }))
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
        assert_eq!(c.election_name, "Pemilu 2029");
        assert_eq!(
            c.election_date,
            NaiveDate::from_ymd_opt(2029, 2, 14).unwrap()
        );
        assert!(c.webhook.is_none());
        assert_eq!(c.timezone, chrono_tz::Asia::Jakarta);
        assert_eq!(c.default_locale, Lang::Id);
        assert_eq!(c.reminder_days, vec![30, 14, 7, 3, 1]);
        assert_eq!(c.broadcast_rate, 25);
        assert!(!c.paid_broadcast);
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
            ("WEBHOOK_URL", "http://bot.example.go.id/tg"),
            ("WEBHOOK_URL", "https://bot.example.go.id/healthz"),
        ] {
            let e = parse(&[(var, val)]).unwrap_err();
            assert_eq!(e.var, var);
        }
    }

    #[test]
    fn a_rate_above_30_needs_paid_broadcasts_and_1000_is_the_ceiling() {
        let c = parse(&[("BROADCAST_RATE", "30")]).unwrap();
        assert_eq!((c.broadcast_rate, c.paid_broadcast), (30, false));
        let e = parse(&[("BROADCAST_RATE", "31")]).unwrap_err();
        assert_eq!(e.var, "BROADCAST_RATE");
        assert!(e.problem.contains("PAID_BROADCAST"), "{e}");
        let c = parse(&[("BROADCAST_RATE", "1000"), ("PAID_BROADCAST", "true")]).unwrap();
        assert_eq!((c.broadcast_rate, c.paid_broadcast), (1000, true));
        let e = parse(&[("BROADCAST_RATE", "1001"), ("PAID_BROADCAST", "true")]).unwrap_err();
        assert_eq!(e.var, "BROADCAST_RATE");
        assert!(e.problem.contains("1-1000"), "{e}");
        for bad in ["0", "fast", "-5"] {
            let e = parse(&[("BROADCAST_RATE", bad), ("PAID_BROADCAST", "1")]).unwrap_err();
            assert_eq!(e.var, "BROADCAST_RATE", "{bad}");
        }
        let e = parse(&[("PAID_BROADCAST", "yes please")]).unwrap_err();
        assert_eq!(e.var, "PAID_BROADCAST");
        assert!(
            !parse(&[("PAID_BROADCAST", "false")])
                .unwrap()
                .paid_broadcast
        );
        assert!(parse(&[("PAID_BROADCAST", "true")]).unwrap().paid_broadcast);
    }

    #[test]
    fn webhook_mode_needs_a_valid_secret_and_listens_on_8443_by_default() {
        let url = ("WEBHOOK_URL", "https://bot.example.go.id/tg/hook");
        let c = parse(&[url, ("WEBHOOK_SECRET", "s3cret_-X")]).unwrap();
        let w = c.webhook.expect("webhook mode");
        assert_eq!(w.url.path(), "/tg/hook");
        assert_eq!(w.listen, "0.0.0.0:8443".parse().unwrap());
        assert_eq!(w.secret.expose(), "s3cret_-X");
        for bad in [None, Some("has space"), Some("semi;colon")] {
            let mut pairs = vec![url];
            pairs.extend(bad.map(|b| ("WEBHOOK_SECRET", b)));
            assert_eq!(parse(&pairs).unwrap_err().var, "WEBHOOK_SECRET", "{bad:?}");
        }
        let e = parse(&[url, ("WEBHOOK_SECRET", "x"), ("WEBHOOK_LISTEN", "8443")]).unwrap_err();
        assert_eq!(e.var, "WEBHOOK_LISTEN");
        let c = parse(&[
            url,
            ("WEBHOOK_SECRET", "x"),
            ("WEBHOOK_LISTEN", "127.0.0.1:9000"),
        ])
        .unwrap();
        assert_eq!(c.webhook.unwrap().listen, "127.0.0.1:9000".parse().unwrap());
    }

    #[test]
    fn the_shipped_env_example_parses_as_the_binary_reads_it() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/.env.example");
        let c = Config::from_dotenv(dotenvy::from_path_iter(path), |_| None).unwrap();
        assert!(c.token.is_none());
        assert!(c.api_url.is_none());
        assert_eq!(c.database_path, PathBuf::from("netralitas.db"));
        assert_eq!(c.election_name, DEFAULT_ELECTION_NAME);
        assert_eq!(
            c.election_date,
            NaiveDate::from_ymd_opt(2029, 2, 14).unwrap()
        );
        assert_eq!(c.timezone, chrono_tz::Asia::Jakarta);
        assert_eq!(c.helpdesk_contact, "BKPSDM");
        assert_eq!(c.reminder_days, vec![30, 14, 7, 3, 1]);
        assert_eq!(c.quiet_days, 3);
        assert_eq!(c.unanswered_per_user_per_day, 20);
        assert_eq!(c.unanswered_retention_days, 180);
        assert_eq!(c.broadcast_rate, 25);
        assert!(!c.paid_broadcast);
        assert_eq!(
            c.flood,
            FloodLimits {
                burst: 20,
                per_second: 1.0
            }
        );
        assert_eq!(c.dialogue_retention_days, 7);
        assert!(c.webhook.is_none(), "polling is the default");
        // The environment wins over the file, as with dotenvy, and a token is all a first run adds.
        let c = Config::from_dotenv(dotenvy::from_path_iter(path), |k| {
            (k == "TELOXIDE_TOKEN").then(|| "123:abc".to_owned())
        })
        .unwrap();
        assert_eq!(c.require_token().unwrap().expose(), "123:abc");
    }

    #[test]
    fn a_malformed_env_file_is_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "ELECTION_NAME=Pilkada Serentak 2020\n").unwrap();
        let e = Config::from_dotenv(dotenvy::from_path_iter(&path), |_| None).unwrap_err();
        assert_eq!(e.var, ".env");
        let missing = dir.path().join("absent.env");
        assert!(Config::from_dotenv(dotenvy::from_path_iter(missing), |_| None).is_ok());
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let c = parse(&[("TELOXIDE_TOKEN", "123:supersecret")]).unwrap();
        assert!(!format!("{c:?}").contains("supersecret"));
    }
}
