//! Once a second: queue scheduled broadcasts whose time has come, create due reminders,
//! and queue the owners' daily chain head.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use tokio::sync::watch;

use super::Wakeup;
use crate::app::App;
use crate::domain::broadcast::Audience;
use crate::reminders::{self, ReminderKind, Schedule};
use crate::store::{self, broadcasts};

const TICK: Duration = Duration::from_secs(1);

pub async fn run(app: Arc<App>, wakeup: Wakeup, mut stop: watch::Receiver<bool>) {
    let schedule = Arc::new(Schedule::from_config(&app.config));
    // The day whose chain-head posts are queued: the store is asked once a day, not every
    // second from the posting time to midnight.
    let mut head_posted = None;
    loop {
        let now = app.now();
        let election = app.config.election_name.clone();
        let due = schedule.clone();
        match app.store.run(move |c| tick(c, &due, &election, now)).await {
            Ok(0) => {}
            Ok(_) => wakeup.wake(),
            Err(e) => tracing::error!(error = %e, "reminder scheduler failed"),
        }
        // The owners' daily copy of the ledger's head rides on the same run and outbox.
        if let Some(date) = schedule.head_post_due(now)
            && head_posted != Some(date)
        {
            match crate::app::privacy::post_chain_head(&app, date).await {
                Ok(queued) => {
                    head_posted = Some(date);
                    if queued > 0 {
                        wakeup.wake();
                    }
                }
                Err(e) => tracing::error!(error = %e, "daily chain head post failed"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
}

/// The audience of each reminder kind: the pledge reminder to registered users who haven't
/// pledged, the quiet-day reminder to everyone. Both leave out users who muted reminders.
fn audience(kind: ReminderKind) -> Audience {
    match kind {
        ReminderKind::Pledge => Audience::RegisteredUnpledged,
        ReminderKind::Neutral => Audience::All,
    }
}

/// One pass. Returns how many broadcasts were queued (so the worker can be woken).
pub fn tick(
    conn: &mut Connection,
    schedule: &Schedule,
    election: &str,
    now: DateTime<Utc>,
) -> store::Result<usize> {
    let mut queued = broadcasts::activate_due(conn, now, election)?.len();
    let mut missed = Vec::new();
    for r in schedule.due(now) {
        if !broadcasts::reminder_exists(conn, &r.key(election))? {
            missed.push(r);
        }
    }
    let (send, skip) = reminders::catch_up(missed);
    // A skipped reminder is still recorded (not sent), so it is never considered again.
    let mut record = |r: &reminders::Reminder, send: bool| {
        broadcasts::create_reminder(
            conn,
            &r.key(election),
            r.kind.message_key(),
            &audience(r.kind),
            r.days_before,
            election,
            now,
            send,
        )
    };
    for r in skip {
        tracing::info!(date = %r.date, kind = r.kind.code(), "missed reminder skipped");
        record(&r, false)?;
    }
    if let Some(r) = send
        && let Some(n) = record(&r, true)?
    {
        tracing::info!(date = %r.date, kind = r.kind.code(), recipients = n, "reminder queued");
        queued += 1;
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, users};
    use chrono::{NaiveDate, NaiveTime};

    fn schedule() -> Schedule {
        Schedule {
            election_date: NaiveDate::from_ymd_opt(2020, 12, 9).unwrap(),
            time: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            timezone: chrono_tz::Asia::Jakarta,
            days: vec![30, 14, 7, 3, 1],
            quiet_days: 3,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn rows(c: &Connection) -> i64 {
        c.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn each_reminder_is_queued_once_and_missed_ones_collapse() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                users::register_pppk(c, 1, "dinkes")?;
                let s = schedule();
                assert_eq!(tick(c, &s, "E", utc("2020-11-09T00:59:00Z"))?, 0);
                // Down for the 30- and 14-day reminders: only the 14-day one goes out.
                assert_eq!(tick(c, &s, "E", utc("2020-11-26T02:00:00Z"))?, 1);
                assert_eq!(rows(c), 1);
                assert_eq!(tick(c, &s, "E", utc("2020-11-26T02:00:01Z"))?, 0);
                assert_eq!(rows(c), 1);
                // Nothing once election day has begun, even if reminders were missed.
                assert_eq!(tick(c, &s, "E", utc("2020-12-08T17:00:00Z"))?, 0);
                assert_eq!(rows(c), 1);
                Ok(())
            })
            .unwrap();
    }
}
