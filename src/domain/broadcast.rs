//! What a broadcast is, parsed at the boundary: its text, its audience, its schedule and its
//! progress. No Telegram and no SQL here.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Telegram's limit for one text message, in characters.
pub const MAX_TEXT_CHARS: usize = 4096;

/// The text of a broadcast: not blank, within Telegram's limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BroadcastText(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("the text is empty")]
    Empty,
    #[error("the text has {0} characters, more than {MAX_TEXT_CHARS}")]
    TooLong(usize),
}

impl BroadcastText {
    pub fn parse(raw: &str) -> Result<BroadcastText, TextError> {
        if raw.trim().is_empty() {
            return Err(TextError::Empty);
        }
        // Telegram counts UTF-16 code units; an emoji counts twice there.
        let len = raw.encode_utf16().count();
        if len > MAX_TEXT_CHARS {
            return Err(TextError::TooLong(len));
        }
        Ok(BroadcastText(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who receives a broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everyone the bot knows and can reach.
    All,
    /// Everyone without a pledge for this election (registered or not).
    Unpledged,
    /// Registered users of one work unit.
    Unit(String),
    /// Registered users without a pledge: the pledge reminder's audience.
    RegisteredUnpledged,
}

impl Audience {
    pub fn code(&self) -> String {
        match self {
            Audience::All => "all".into(),
            Audience::Unpledged => "unp".into(),
            Audience::Unit(c) => format!("unit:{c}"),
            Audience::RegisteredUnpledged => "reg_unp".into(),
        }
    }

    pub fn parse(code: &str) -> Option<Audience> {
        match code {
            "all" => Some(Audience::All),
            "unp" => Some(Audience::Unpledged),
            "reg_unp" => Some(Audience::RegisteredUnpledged),
            other => other
                .strip_prefix("unit:")
                .filter(|c| !c.is_empty())
                .map(|c| Audience::Unit(c.to_owned())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("expected YYYY-MM-DD HH:MM followed by the text")]
    Malformed,
    #[error("the time has already passed")]
    InPast,
}

/// Parses `2020-12-08 07:00 <text>` in the deployment's time zone. Returns the UTC instant
/// and the rest of the input (the text, possibly empty when the command replies to a message)
/// as a byte offset into `args`, so the caller can keep the formatting of what follows.
pub fn parse_schedule(
    args: &str,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, usize), ScheduleError> {
    let mut rest = args.trim_start();
    let mut take_word = || {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(word_end);
        rest = tail.trim_start();
        word
    };
    let date = take_word();
    let time = take_word();
    let local = NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M")
        .map_err(|_| ScheduleError::Malformed)?;
    let at = tz
        .from_local_datetime(&local)
        .earliest()
        .ok_or(ScheduleError::Malformed)?
        .with_timezone(&Utc);
    if at <= now {
        return Err(ScheduleError::InPast);
    }
    let offset = args.len() - rest.len();
    Ok((at, offset))
}

/// Delivery counts of one broadcast.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub total: i64,
    pub sent: i64,
    pub failed: i64,
    pub blocked: i64,
    pub cancelled: i64,
    /// Pending and in flight.
    pub remaining: i64,
}

impl Progress {
    /// Whole minutes still needed at `rate` messages per second, at least 1 while any remain,
    /// so the estimate never says "0 minutes" while messages are still going out.
    pub fn eta_minutes(&self, rate: u32) -> i64 {
        if self.remaining <= 0 {
            return 0;
        }
        let seconds = self.remaining as f64 / f64::from(rate.max(1));
        (seconds / 60.0).ceil().max(1.0) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn texts_are_bounded_by_telegrams_limit() {
        assert_eq!(BroadcastText::parse("  \n "), Err(TextError::Empty));
        assert!(BroadcastText::parse(&"a".repeat(4096)).is_ok());
        assert_eq!(
            BroadcastText::parse(&"a".repeat(4097)),
            Err(TextError::TooLong(4097))
        );
        // Emoji are two UTF-16 units each.
        assert_eq!(
            BroadcastText::parse(&"🙂".repeat(2049)),
            Err(TextError::TooLong(4098))
        );
    }

    #[test]
    fn audiences_round_trip() {
        for a in [
            Audience::All,
            Audience::Unpledged,
            Audience::Unit("dinkes".into()),
            Audience::RegisteredUnpledged,
        ] {
            assert_eq!(Audience::parse(&a.code()), Some(a));
        }
        assert_eq!(Audience::parse("unit:"), None);
        assert_eq!(Audience::parse("x"), None);
    }

    #[test]
    fn schedules_are_read_in_local_time() {
        let now = utc("2020-12-01T00:00:00Z");
        let args = "2020-12-08 07:00 Apel  pagi\nbesok";
        let (at, offset) = parse_schedule(args, chrono_tz::Asia::Jakarta, now).unwrap();
        assert_eq!(at, utc("2020-12-08T00:00:00Z"));
        assert_eq!(&args[offset..], "Apel  pagi\nbesok");
        let (at, _) = parse_schedule("2020-12-08 07:00 x", chrono_tz::Asia::Jayapura, now).unwrap();
        assert_eq!(at, utc("2020-12-07T22:00:00Z"));
        let (_, offset) =
            parse_schedule("2020-12-08 07:00", chrono_tz::Asia::Jakarta, now).unwrap();
        assert_eq!(offset, "2020-12-08 07:00".len());
    }

    #[test]
    fn bad_schedules_are_refused() {
        let now = utc("2020-12-01T00:00:00Z");
        let tz = chrono_tz::Asia::Jakarta;
        for bad in [
            "",
            "besok 07:00 x",
            "2020-12-08 7 x",
            "2020-13-01 07:00 x",
            "08-12-2020 07:00",
        ] {
            assert_eq!(
                parse_schedule(bad, tz, now),
                Err(ScheduleError::Malformed),
                "{bad}"
            );
        }
        assert_eq!(
            parse_schedule("2020-11-30 07:00 x", tz, now),
            Err(ScheduleError::InPast)
        );
    }

    #[test]
    fn the_estimate_rounds_up_to_whole_minutes() {
        let p = Progress {
            total: 3983,
            sent: 1200,
            remaining: 2783,
            ..Progress::default()
        };
        assert_eq!(p.eta_minutes(25), 2);
        assert_eq!(Progress { remaining: 1, ..p }.eta_minutes(25), 1);
        assert_eq!(Progress { remaining: 0, ..p }.eta_minutes(25), 0);
    }
}
