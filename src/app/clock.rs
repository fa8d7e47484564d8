//! The one reader of the wall clock. Everything else asks an injected [`Clock`].

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

/// "Now", injectable: production uses the system clock; tests shift it so the real bot runs
/// as if it were, say, one second before a reminder. A shift (not a frozen instant) keeps
/// timers and deadlines moving normally.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    offset: TimeDelta,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that reads `at` right now and then runs at normal speed.
    pub fn starting_at(at: DateTime<Utc>) -> Clock {
        Clock {
            offset: at - Utc::now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    /// The local calendar date in `tz`: reports, file names and "days left" use it.
    pub fn today(&self, tz: Tz) -> NaiveDate {
        self.now().with_timezone(&tz).date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_shifted_clock_reads_the_chosen_instant() {
        let at = utc("2020-11-09T00:59:59Z");
        let c = Clock::starting_at(at);
        let diff = (c.now() - at).num_milliseconds();
        assert!((0..1000).contains(&diff), "{diff}");
    }

    #[test]
    fn today_is_the_local_date() {
        let c = Clock::starting_at(utc("2020-11-08T23:30:00Z"));
        assert_eq!(
            c.today(chrono_tz::Asia::Jayapura),
            NaiveDate::from_ymd_opt(2020, 11, 9).unwrap()
        );
    }
}
