//! The reminder schedule: which reminder falls on which instant, computed from configuration.
//! Pure domain code: no Telegram, no SQL. The scheduler in `delivery::scheduler` turns due
//! reminders into outbox rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::config::Config;

/// What a reminder says. Days inside the quiet period get the "keep neutral" reminder for
/// everyone instead of the pledge reminder for those who haven't pledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReminderKind {
    Pledge,
    Neutral,
}

impl ReminderKind {
    pub fn code(self) -> &'static str {
        match self {
            ReminderKind::Pledge => "pledge",
            ReminderKind::Neutral => "neutral",
        }
    }

    /// The locale key of the message the users receive.
    pub fn message_key(self) -> &'static str {
        match self {
            ReminderKind::Pledge => "reminder-pledge",
            ReminderKind::Neutral => "reminder-neutral",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The local calendar date the reminder falls on.
    pub date: NaiveDate,
    pub days_before: u32,
    /// The instant it is due, in UTC.
    pub at: DateTime<Utc>,
    pub kind: ReminderKind,
}

impl Reminder {
    /// The idempotency key: one reminder per election, date and kind, ever.
    pub fn key(&self, election: &str) -> String {
        format!("{election}|{}|{}", self.date, self.kind.code())
    }
}

/// The inputs of the schedule, taken from configuration once.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub election_date: NaiveDate,
    pub time: NaiveTime,
    pub timezone: Tz,
    pub days: Vec<u32>,
    pub quiet_days: u32,
}

impl Schedule {
    pub fn from_config(c: &Config) -> Schedule {
        Schedule {
            election_date: c.election_date,
            time: c.reminder_time,
            timezone: c.timezone,
            days: c.reminder_days.clone(),
            quiet_days: c.quiet_days,
        }
    }

    /// Local wall time to UTC. Indonesia has no daylight saving; for zones that do, a
    /// skipped local time falls back to reading the wall time as UTC-offset-free, which
    /// at worst moves the reminder by the size of the gap.
    fn instant(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let local = date.and_time(time);
        match self.timezone.from_local_datetime(&local).earliest() {
            Some(t) => t.with_timezone(&Utc),
            None => self.timezone.from_utc_datetime(&local).with_timezone(&Utc),
        }
    }

    /// Midnight at the start of election day, local time. Nothing is sent from then on:
    /// a reminder to pledge on the day of the vote is too late to mean anything.
    pub fn election_start(&self) -> DateTime<Utc> {
        self.instant(self.election_date, NaiveTime::MIN)
    }

    /// Every reminder of this election, earliest first. Day 0 (the vote itself) is ignored.
    pub fn reminders(&self) -> Vec<Reminder> {
        let mut by_day: BTreeMap<u32, ReminderKind> = BTreeMap::new();
        for &d in self.days.iter().filter(|d| **d > 0) {
            by_day.insert(d, ReminderKind::Pledge);
        }
        for d in 1..=self.quiet_days {
            by_day.insert(d, ReminderKind::Neutral);
        }
        let mut out: Vec<Reminder> = by_day
            .into_iter()
            .filter_map(|(days_before, kind)| {
                let date = self
                    .election_date
                    .checked_sub_signed(Duration::days(i64::from(days_before)))?;
                Some(Reminder {
                    date,
                    days_before,
                    at: self.instant(date, self.time),
                    kind,
                })
            })
            .collect();
        out.sort_by_key(|r| r.at);
        out
    }

    /// Reminders whose time has come, while the election hasn't started.
    pub fn due(&self, now: DateTime<Utc>) -> Vec<Reminder> {
        if now >= self.election_start() {
            return Vec::new();
        }
        self.reminders()
            .into_iter()
            .filter(|r| r.at <= now)
            .collect()
    }
    /// The local date whose chain-head post is due at `now`, if any: one a day from the
    /// reminder time on, on every day up to and including election day. After that the
    /// campaign is over and the last head posted stands; the owners can still ask /verify.
    pub fn head_post_due(&self, now: DateTime<Utc>) -> Option<NaiveDate> {
        let today = now.with_timezone(&self.timezone).date_naive();
        (today <= self.election_date && now >= self.instant(today, self.time)).then_some(today)
    }
}

/// Of the due reminders not created yet, which to send and which to record as skipped.
/// When the bot was down across several reminder times, only the latest one is sent on
/// start-up: three reminders in one minute would read as spam, and the latest carries the
/// most accurate "days left". The older ones are recorded so they are never sent later.
pub fn catch_up(mut missed: Vec<Reminder>) -> (Option<Reminder>, Vec<Reminder>) {
    missed.sort_by_key(|r| r.at);
    let send = missed.pop();
    (send, missed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(tz: Tz) -> Schedule {
        Schedule {
            election_date: NaiveDate::from_ymd_opt(2020, 12, 9).unwrap(),
            time: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            timezone: tz,
            days: vec![30, 14, 7, 3, 1],
            quiet_days: 3,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn reminder_instants_follow_the_local_time_zone() {
        // 08:00 WIB is 01:00 UTC, 08:00 WITA is 00:00 UTC, 08:00 WIT is 23:00 UTC the day before.
        for (tz, first) in [
            (chrono_tz::Asia::Jakarta, "2020-11-09T01:00:00Z"),
            (chrono_tz::Asia::Makassar, "2020-11-09T00:00:00Z"),
            (chrono_tz::Asia::Jayapura, "2020-11-08T23:00:00Z"),
        ] {
            let r = schedule(tz).reminders();
            assert_eq!(r[0].at, utc(first), "{tz}");
            assert_eq!(r[0].date, NaiveDate::from_ymd_opt(2020, 11, 9).unwrap());
            assert_eq!(r[0].days_before, 30);
        }
    }

    #[test]
    fn quiet_days_get_the_neutral_reminder_instead() {
        let r = schedule(chrono_tz::Asia::Jakarta).reminders();
        let kinds: Vec<(u32, ReminderKind)> = r.iter().map(|r| (r.days_before, r.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (30, ReminderKind::Pledge),
                (14, ReminderKind::Pledge),
                (7, ReminderKind::Pledge),
                (3, ReminderKind::Neutral),
                (2, ReminderKind::Neutral),
                (1, ReminderKind::Neutral),
            ]
        );
    }

    #[test]
    fn nothing_is_due_from_election_day_on() {
        let s = schedule(chrono_tz::Asia::Jakarta);
        assert!(s.due(utc("2020-11-09T00:59:59Z")).is_empty());
        assert_eq!(s.due(utc("2020-11-09T01:00:00Z")).len(), 1);
        assert_eq!(s.due(utc("2020-12-08T16:59:59Z")).len(), 6);
        // Midnight WIB on 9 December.
        assert_eq!(s.election_start(), utc("2020-12-08T17:00:00Z"));
        assert!(s.due(utc("2020-12-08T17:00:00Z")).is_empty());
        assert!(s.due(utc("2021-01-01T00:00:00Z")).is_empty());
    }

    #[test]
    fn keys_are_stable_per_election_date_and_kind() {
        let r = &schedule(chrono_tz::Asia::Jakarta).reminders()[0];
        assert_eq!(r.key("Pilkada 2020"), "Pilkada 2020|2020-11-09|pledge");
    }

    #[test]
    fn the_chain_head_is_due_daily_from_the_reminder_time_until_election_day() {
        let s = schedule(chrono_tz::Asia::Jakarta);
        let date = |m, d| NaiveDate::from_ymd_opt(2020, m, d).unwrap();
        // 08:00 WIB is 01:00 UTC; a day with no reminder still gets the post.
        assert_eq!(s.head_post_due(utc("2020-11-20T00:59:59Z")), None);
        assert_eq!(
            s.head_post_due(utc("2020-11-20T01:00:00Z")),
            Some(date(11, 20))
        );
        assert_eq!(
            s.head_post_due(utc("2020-11-20T16:59:59Z")),
            Some(date(11, 20))
        );
        // Local midnight starts the next day, whose post waits for 08:00 again.
        assert_eq!(s.head_post_due(utc("2020-11-20T17:00:00Z")), None);
        assert_eq!(
            s.head_post_due(utc("2020-12-09T02:00:00Z")),
            Some(date(12, 9))
        );
        assert_eq!(s.head_post_due(utc("2020-12-10T02:00:00Z")), None);
    }

    #[test]
    fn catching_up_sends_only_the_latest_missed_reminder() {
        let s = schedule(chrono_tz::Asia::Jakarta);
        let due = s.due(utc("2020-12-03T00:00:00Z"));
        assert_eq!(due.len(), 3);
        let (send, skipped) = catch_up(due);
        assert_eq!(send.unwrap().days_before, 7);
        assert_eq!(skipped.len(), 2);
        assert_eq!(catch_up(Vec::new()), (None, Vec::new()));
    }
}
