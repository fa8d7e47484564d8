//! `kill -9` in the middle of a broadcast, on the real binary: nobody is lost, and only the
//! messages in flight at the kill can arrive twice.

mod common;

use std::time::Duration;

use common::asn;
use common::bot_process::BotProcess;
use common::{FakeBotApi, HR_ID, TestUser};
use netralitas_bot::store::Store;

const FIRST_ASN: i64 = 100_000;
const RECIPIENTS: i64 = 300;
const WAIT: Duration = Duration::from_secs(30);

fn delivered(api: &FakeBotApi, recipients: &[i64]) -> usize {
    let per_chat = api.deliveries_per_chat();
    recipients
        .iter()
        .filter(|id| per_chat.contains_key(id))
        .count()
}

async fn wait_for_deliveries(api: &FakeBotApi, recipients: &[i64], at_least: usize) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while delivered(api, recipients) < at_least {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of {at_least} delivered",
            delivered(api, recipients)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_9_mid_broadcast_loses_nobody_and_repeats_only_messages_in_flight() {
    let api = FakeBotApi::start().await;
    // Each send answers 300 ms after delivery, so several are in flight at the kill.
    api.set_send_delay(Duration::from_millis(300));
    let dir = tempfile::tempdir().unwrap();
    let (db, recipients) = asn::database(dir.path(), FIRST_ASN..FIRST_ASN + RECIPIENTS, "setda");
    let mut bot = BotProcess::spawn(
        dir.path(),
        &[
            ("TELOXIDE_TOKEN", api.token()),
            ("TELOXIDE_API_URL", api.url()),
            ("DATABASE_PATH", db.display().to_string()),
            ("HR_IDS", HR_ID.to_string()),
            ("BROADCAST_RATE", "30".to_owned()),
        ],
    );

    let hr = TestUser::new(HR_ID, "Bu HR");
    asn::broadcast_to_unit(&api, &hr, "Apel netralitas pukul 07.30", "setda", WAIT).await;

    wait_for_deliveries(&api, &recipients, 100).await;
    bot.kill9();
    let before_kill = delivered(&api, &recipients);
    assert!(before_kill < recipients.len(), "the kill came too late");
    // What the database says was in flight is all that may be sent twice.
    let in_flight: i64 = Store::open(&db)
        .unwrap()
        .with(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM outbox WHERE state = 'sending'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();

    bot.restart();
    wait_for_deliveries(&api, &recipients, recipients.len()).await;
    // Let anything that would repeat arrive before counting.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let per_chat = api.deliveries_per_chat();
    let repeats: usize = recipients
        .iter()
        .map(|id| per_chat.get(id).copied().unwrap_or(0).saturating_sub(1))
        .sum();
    eprintln!("killed after {before_kill} deliveries; {in_flight} in flight, {repeats} repeated");
    assert!(
        repeats as i64 <= in_flight,
        "{repeats} repeats but only {in_flight} rows were in flight"
    );
    let states: Vec<(String, i64)> = Store::open(&db)
        .unwrap()
        .with(|c| {
            let mut st = c.prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(states, vec![("sent".to_owned(), RECIPIENTS)]);
    let done = format!("selesai. Terkirim {RECIPIENTS}/{RECIPIENTS}");
    let report = api
        .wait_for_message(HR_ID, |t| t.contains(&done), WAIT)
        .await;
    assert!(
        report.is_some(),
        "HR gets the final report after the restart"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_9_between_a_pledge_and_its_receipt_still_delivers_the_receipt_once() {
    const USER: i64 = 200_000;
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netralitas.db");
    asn::register(&Store::open(&db).unwrap(), USER..USER + 1, "setda");
    let mut bot = BotProcess::spawn(
        dir.path(),
        &[
            ("TELOXIDE_TOKEN", api.token()),
            ("TELOXIDE_API_URL", api.url()),
            ("DATABASE_PATH", db.display().to_string()),
        ],
    );
    let user = TestUser::new(USER, "Pak ASN");
    api.push_update(api.text(&user, "/ikrar"));
    let shown = api
        .wait_for_message(USER, |t| t.contains("IKRAR NETRALITAS"), WAIT)
        .await;
    assert!(shown.is_some(), "the pledge is shown");
    // Telegram is down when the receipt goes out, and the bot dies while that first attempt
    // hangs (teloxide waits 10 s after a 5xx before answering).
    api.fail_next("sendMessage", 1, 502);
    api.press_latest(&user, |label, _| label.contains("Saya berikrar"), WAIT)
        .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while api.count_by_status(502) == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the receipt was tried"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    bot.kill9();
    let pledged: i64 = Store::open(&db)
        .unwrap()
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM pledges", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(pledged, 1, "the pledge was stored before the kill");

    bot.restart();
    let receipt = api
        .wait_for_message(USER, |t| t.contains("Ikrar Anda telah tercatat"), WAIT)
        .await;
    assert!(receipt.is_some(), "the receipt arrives after the restart");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let receipts = api
        .messages_to(USER)
        .iter()
        .filter(|m| m.text.contains("Ikrar Anda telah tercatat"))
        .count();
    assert_eq!(receipts, 1);
    bot.kill9();
}
