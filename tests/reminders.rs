//! Reminders end to end: the real bot against the fake Bot API, with "now" placed relative
//! to the election through a shifted clock (`startup::start_with_clock`).

mod common;

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use common::{FakeBotApi, HR_ID, OWNER_ID, TestUser};
use netralitas_bot::app::Clock;
use netralitas_bot::config::Config;
use netralitas_bot::domain::{Employment, FullName, UnitCode};
use netralitas_bot::i18n::Lang;
use netralitas_bot::reminders::Schedule;
use netralitas_bot::startup::{self, Running};
use netralitas_bot::store::{Store, pledges, users};

const ELECTION: &str = "Pilkada Serentak 2020";

/// The bot with a shifted clock; same defaults as `common::spawn_app`.
struct ClockApp {
    api: FakeBotApi,
    env: HashMap<String, String>,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

impl ClockApp {
    async fn new(env: &[(&str, &str)]) -> ClockApp {
        let api = FakeBotApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let mut vars: HashMap<String, String> = [
            ("TELOXIDE_TOKEN", "123456:TEST-TOKEN".to_owned()),
            ("TELOXIDE_API_URL", api.url()),
            (
                "DATABASE_PATH",
                dir.path().join("netralitas.db").display().to_string(),
            ),
            ("ADMIN_IDS", OWNER_ID.to_string()),
            ("HR_IDS", HR_ID.to_string()),
            ("BROADCAST_RATE", "30".to_owned()),
            ("ELECTION_NAME", ELECTION.to_owned()),
            ("ELECTION_DATE", "2020-12-09".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (k, v) in env {
            vars.insert((*k).to_owned(), (*v).to_owned());
        }
        ClockApp {
            api,
            env: vars,
            running: None,
            _dir: dir,
        }
    }

    fn config(&self) -> Config {
        Config::from_lookup(|k| self.env.get(k).cloned()).unwrap()
    }

    fn schedule(&self) -> Schedule {
        Schedule::from_config(&self.config())
    }

    /// The store, before the bot runs (to seed) or while it runs.
    fn store(&self) -> Store {
        match &self.running {
            Some(r) => r.app.store.clone(),
            None => Store::open(&self.config().database_path).unwrap(),
        }
    }

    async fn start_at(&mut self, now: DateTime<Utc>) {
        self.stop().await;
        let running = startup::start_with_clock(
            self.config(),
            Duration::from_secs(1),
            Clock::starting_at(now),
        )
        .await
        .unwrap();
        self.running = Some(running);
    }

    async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }
}

fn register(store: &Store, id: i64, lang: Lang) {
    store
        .with(|c| {
            users::touch(c, id, "ASN", None, lang, common::now())?;
            users::register(
                c,
                id,
                Employment::Pns,
                &FullName::parse("Pegawai").unwrap(),
                None,
                &UnitCode::parse("setda").unwrap(),
                common::now(),
            )
        })
        .unwrap();
}

fn reminder_rows(store: &Store) -> i64 {
    store
        .with(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM broadcasts WHERE kind = 'reminder' AND status != 'skipped'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

fn first_instant(app: &ClockApp) -> DateTime<Utc> {
    app.schedule().reminders()[0].at
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reminders_fire_at_eight_local_time_in_wib_wita_and_wit() {
    for (tz, expected) in [
        ("Asia/Jakarta", "2020-11-09T01:00:00Z"),
        ("Asia/Makassar", "2020-11-09T00:00:00Z"),
        ("Asia/Jayapura", "2020-11-08T23:00:00Z"),
    ] {
        let mut app = ClockApp::new(&[("TIMEZONE", tz)]).await;
        let at = first_instant(&app);
        assert_eq!(
            at.to_rfc3339(),
            DateTime::parse_from_rfc3339(expected).unwrap().to_rfc3339()
        );
        register(&app.store(), 500, Lang::Id);
        // Start 1.5 s before 08:00 local: nothing yet, then the reminder right after.
        app.start_at(at - chrono::Duration::milliseconds(1500))
            .await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert!(app.api.messages_to(500).is_empty(), "{tz}: too early");
        let m = app
            .api
            .wait_for_message(500, |t| t.contains("30 hari lagi"), Duration::from_secs(8))
            .await;
        assert!(m.is_some(), "{tz}: no reminder at 08:00 local");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reminder_is_not_sent_twice_across_a_restart() {
    let mut app = ClockApp::new(&[]).await;
    register(&app.store(), 501, Lang::Id);
    let at = first_instant(&app);
    app.start_at(at + chrono::Duration::seconds(1)).await;
    app.api
        .wait_for_message(501, |t| t.contains("hari lagi"), Duration::from_secs(8))
        .await
        .expect("the reminder");
    app.start_at(at + chrono::Duration::seconds(5)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(app.api.messages_to(501).len(), 1);
    assert_eq!(reminder_rows(&app.store()), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_missed_reminder_goes_out_on_start_up_once_and_only_the_latest() {
    let mut app = ClockApp::new(&[]).await;
    register(&app.store(), 502, Lang::En);
    // Down since before the 30-, 14- and 7-day reminders; back 3 hours after the 7-day one.
    let seven = app
        .schedule()
        .reminders()
        .into_iter()
        .find(|r| r.days_before == 7)
        .unwrap();
    app.start_at(seven.at + chrono::Duration::hours(3)).await;
    let m = app
        .api
        .wait_for_message(502, |t| t.contains("7 days to go"), Duration::from_secs(8))
        .await;
    assert!(m.is_some(), "the missed reminder, in the user's language");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(app.api.messages_to(502).len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_is_sent_once_the_election_has_begun() {
    let mut app = ClockApp::new(&[]).await;
    register(&app.store(), 503, Lang::Id);
    let start = app.schedule().election_start();
    app.start_at(start + chrono::Duration::minutes(1)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(app.api.messages_to(503).is_empty());
    assert_eq!(reminder_rows(&app.store()), 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pledge_reminders_skip_the_pledged_and_muted_but_quiet_days_reach_everyone() {
    let mut app = ClockApp::new(&[]).await;
    let store = app.store();
    for id in [510, 511, 512] {
        register(&store, id, Lang::Id);
    }
    store
        .with(|c| {
            pledges::confirm(c, 511, ELECTION, "h", common::now())?;
            users::set_reminders_muted(c, 512, true)
        })
        .unwrap();
    let reminders = app.schedule().reminders();
    let fourteen = reminders.iter().find(|r| r.days_before == 14).unwrap().at;
    app.start_at(fourteen + chrono::Duration::seconds(1)).await;
    app.api
        .wait_for_message(510, |t| t.contains("14 hari lagi"), Duration::from_secs(8))
        .await
        .expect("the unpledged user is reminded");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(app.api.messages_to(511).is_empty(), "pledged");
    assert!(app.api.messages_to(512).is_empty(), "muted");

    let quiet = reminders.iter().find(|r| r.days_before == 3).unwrap().at;
    app.start_at(quiet + chrono::Duration::seconds(1)).await;
    for id in [510, 511] {
        app.api
            .wait_for_message(id, |t| t.contains("Masa tenang"), Duration::from_secs(8))
            .await
            .unwrap_or_else(|| panic!("quiet-day reminder for {id}"));
    }
    assert!(app.api.messages_to(512).is_empty(), "muted");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pengingat_shows_the_schedule_and_mutes_reminders() {
    let mut app = ClockApp::new(&[("TIMEZONE", "Asia/Makassar")]).await;
    let at = first_instant(&app);
    app.start_at(at - chrono::Duration::days(1)).await;
    let user = TestUser::new(520, "Sari");
    app.api.push_update(app.api.text(&user, "/pengingat"));
    let m = app
        .api
        .wait_for_message(
            520,
            |t| t.contains("Jadwal pengingat"),
            Duration::from_secs(8),
        )
        .await
        .unwrap();
    assert!(m.text.contains("09-11-2020 08:00 WITA"), "{}", m.text);
    assert!(m.text.contains("06-12-2020 08:00 WITA"), "{}", m.text);
    let data = m.button_data("Matikan").unwrap();
    let mark = app.api.mark();
    app.api
        .push_update(app.api.callback(&user, m.message_id, &data));
    app.api
        .wait_for_call_since(
            mark,
            |c| c.method == "editMessageText",
            Duration::from_secs(8),
        )
        .await
        .unwrap();
    let muted = app
        .store()
        .with(|c| Ok(users::get(c, 520)?.unwrap().reminders_muted))
        .unwrap();
    assert!(muted);
    // The English alias works too.
    app.api.push_update(app.api.text(&user, "/reminders"));
    app.api
        .wait_for_message(520, |t| t.contains("dimatikan"), Duration::from_secs(8))
        .await
        .unwrap();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scheduled_broadcast_goes_out_at_its_local_time() {
    let mut app = ClockApp::new(&[("TIMEZONE", "Asia/Jayapura")]).await;
    register(&app.store(), 530, Lang::Id);
    // Muted, so the quiet-day reminder missed at start-up stays out of the way; a mandatory
    // broadcast still reaches them.
    app.store()
        .with(|c| users::set_reminders_muted(c, 530, true))
        .unwrap();
    // 06:59:57 WIT on 8 December; the broadcast is for 07:00 WIT.
    let day = NaiveDate::from_ymd_opt(2020, 12, 8).unwrap();
    let seven = day
        .and_hms_opt(7, 0, 0)
        .unwrap()
        .and_local_timezone(chrono_tz::Asia::Jayapura)
        .unwrap()
        .with_timezone(&Utc);
    app.start_at(seven - chrono::Duration::seconds(4)).await;
    let hr = TestUser::new(HR_ID, "Bu HR");
    app.api.push_update(
        app.api
            .text(&hr, "/broadcast_at 2020-12-08 07:00 Apel pagi"),
    );
    let m = app
        .api
        .wait_for_message(
            HR_ID,
            |t| t.contains("Kepada siapa"),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    let press = |message_id: i32, data: String| {
        app.api
            .push_update(app.api.callback(&hr, message_id, &data));
    };
    press(m.message_id, m.button_data("Semua ASN").unwrap());
    let preview = app
        .api
        .wait_for_message(HR_ID, |t| t.contains("Pratinjau"), Duration::from_secs(5))
        .await
        .unwrap();
    assert!(
        preview.text.contains("08-12-2020 07:00 WIT"),
        "{}",
        preview.text
    );
    press(preview.message_id, preview.button_data("Kirim").unwrap());
    app.api
        .wait_for_message(HR_ID, |t| t.contains("dijadwalkan"), Duration::from_secs(5))
        .await
        .expect("scheduled");
    assert!(app.api.messages_to(530).is_empty(), "not before its time");
    app.api
        .wait_for_message(530, |t| t == "Apel pagi", Duration::from_secs(8))
        .await
        .expect("sent at 07:00 WIT");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn owners_get_the_verified_chain_head_once_a_day_in_their_private_chat() {
    let mut app = ClockApp::new(&[]).await;
    let store = app.store();
    register(&store, 520, Lang::Id);
    store
        .with(|c| pledges::confirm(c, 520, ELECTION, "h", common::now()).map(|_| ()))
        .unwrap();
    let head = store
        .with(|c| netralitas_bot::store::ledger::verify(c))
        .unwrap()
        .expect("an untouched chain");
    let is_post = |t: &str| t.contains("Laporan harian rantai buku besar");
    // The first reminder day, 1.5 s before 08:00 WIB: nothing yet, then the post.
    let at = first_instant(&app);
    app.start_at(at - chrono::Duration::milliseconds(1500))
        .await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        app.api
            .messages_to(OWNER_ID)
            .iter()
            .all(|m| !is_post(&m.text)),
        "too early"
    );
    let post = app
        .api
        .wait_for_message(OWNER_ID, is_post, Duration::from_secs(8))
        .await
        .expect("the owner gets the chain head");
    assert!(post.text.contains(&head.head.hash), "{}", post.text);
    assert!(post.text.contains("09-11-2020"), "{}", post.text);
    assert!(post.text.contains("Ikrar: 1"), "{}", post.text);
    assert!(
        app.api.messages_to(HR_ID).iter().all(|m| !is_post(&m.text)),
        "owners only"
    );

    // A restart later the same day posts nothing new.
    app.start_at(at + chrono::Duration::hours(3)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let posts = |app: &ClockApp| {
        app.api
            .messages_to(OWNER_ID)
            .into_iter()
            .filter(|m| is_post(&m.text))
            .count()
    };
    assert_eq!(posts(&app), 1);
    // The next day (no reminder falls on it) brings the next post, after a new pledge.
    register(&app.store(), 521, Lang::Id);
    app.store()
        .with(|c| pledges::confirm(c, 521, ELECTION, "h", common::now()).map(|_| ()))
        .unwrap();
    app.start_at(at + chrono::Duration::days(1) + chrono::Duration::seconds(1))
        .await;
    let post = app
        .api
        .wait_for_message(
            OWNER_ID,
            |t| is_post(t) && t.contains("10-11-2020"),
            Duration::from_secs(8),
        )
        .await
        .expect("the next day's post");
    assert!(post.text.contains("Ikrar: 2"), "{}", post.text);
    assert!(!post.text.contains(&head.head.hash), "the head moved on");
    assert_eq!(posts(&app), 2);
    app.stop().await;
}
