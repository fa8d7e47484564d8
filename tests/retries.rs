//! Issue 12: replies that matter survive Telegram's 429 (`retry_after`) without the user
//! seeing an apology: a receipt and an answer are sent again after the wait.

mod common;

use std::time::{Duration, Instant};

use common::{TestUser, asn, spawn_app};
use netralitas_bot::store::pledges;

const USER: i64 = 300_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_receipt_refused_with_429_is_sent_again_after_retry_after() {
    let app = spawn_app().await;
    let store = app.store();
    asn::register(&store, USER..USER + 1, "setda");
    let election = app.config().election_name.clone();
    store
        .with(|c| pledges::confirm(c, USER, &election, "h", common::now()).map(|_| ()))
        .unwrap();
    let user = TestUser::new(USER, "Pak ASN");
    app.api.throttle_next("sendMessage", 1, 2);
    let start = Instant::now();
    let reply = app.say(&user, "/ikrar").await;
    assert!(app.api.count_429() >= 1, "the fake answered 429 first");
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert!(!reply.contains("gangguan"), "{reply}");
    let texts: Vec<String> = app
        .api
        .messages_to(USER)
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(texts.len(), 1, "one receipt, no apology: {texts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_answer_refused_with_429_is_sent_again_while_others_are_served() {
    let app = spawn_app().await;
    let store = app.store();
    asn::register(&store, USER..USER + 2, "setda");
    let user = TestUser::new(USER, "Pak ASN");
    let other = TestUser::new(USER + 1, "Bu ASN");
    app.api.throttle_next("sendMessage", 1, 3);
    let before = app.api.messages_to(USER).len();
    app.api.push_update(
        app.api
            .text(&user, "/tanya bolehkah saya like postingan paslon?"),
    );
    // Meanwhile another chat gets its reply without waiting out the first one's 3 s.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let start = Instant::now();
    let status = app.say(&other, "/status").await;
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert!(!status.is_empty());
    let answer = app.next_message(&user, before).await;
    assert!(app.api.count_429() >= 1);
    assert!(!answer.contains("gangguan"), "{answer}");
    assert!(answer.to_lowercase().contains("like"), "{answer}");
}

/// A registered user opens /ikrar: the pledge with its buttons.
async fn show_pledge(app: &common::TestApp, user: &TestUser) {
    let reply = app.say(user, "/ikrar").await;
    assert!(reply.contains("IKRAR NETRALITAS"), "{reply}");
}

/// Presses "Saya berikrar" on the pledge.
async fn press_confirm(app: &common::TestApp, user: &TestUser) -> Instant {
    app.api
        .press_latest(
            user,
            |label, _| label.contains("Saya berikrar"),
            Duration::from_secs(10),
        )
        .await;
    Instant::now()
}

fn receipts_to(app: &common::TestApp, user: i64) -> usize {
    app.api
        .messages_to(user)
        .iter()
        .filter(|m| m.text.contains("Ikrar Anda telah tercatat"))
        .count()
}

async fn wait_for_receipt(app: &common::TestApp, user: i64, timeout: Duration) -> String {
    app.api
        .wait_for_message(user, |t| t.contains("Ikrar Anda telah tercatat"), timeout)
        .await
        .expect("the receipt arrives")
        .text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_new_pledges_receipt_refused_with_429_still_arrives_after_retry_after() {
    let app = spawn_app().await;
    asn::register(&app.store(), USER..USER + 1, "setda");
    let user = TestUser::new(USER, "Pak ASN");
    show_pledge(&app, &user).await;
    // The receipt is the next sendMessage: Telegram refuses it with 429, retry after 2 s.
    app.api.throttle_next("sendMessage", 1, 2);
    let pressed = press_confirm(&app, &user).await;
    let receipt = wait_for_receipt(&app, USER, Duration::from_secs(10)).await;
    assert!(
        pressed.elapsed() >= Duration::from_secs(2),
        "{:?}",
        pressed.elapsed()
    );
    assert_eq!(app.api.count_429(), 1);
    let code = app
        .store()
        .with(|c| pledges::get(c, USER, &app.config().election_name))
        .unwrap()
        .expect("the pledge is stored")
        .receipt_code;
    assert!(receipt.contains(&code), "{receipt}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receipts_to(&app, USER), 1);
    assert!(
        app.api
            .messages_to(USER)
            .iter()
            .all(|m| !m.text.contains("gangguan"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_receipt_waits_out_telegram_being_down() {
    let app = spawn_app().await;
    asn::register(&app.store(), USER..USER + 1, "setda");
    let user = TestUser::new(USER, "Pak ASN");
    show_pledge(&app, &user).await;
    // Down for the first two tries (teloxide itself waits 10 s after a 5xx; the worker then
    // retries after 1 and 2 s).
    app.api.fail_next("sendMessage", 2, 502);
    press_confirm(&app, &user).await;
    wait_for_receipt(&app, USER, Duration::from_secs(40)).await;
    assert_eq!(app.api.count_by_status(502), 2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receipts_to(&app, USER), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restart_between_the_pledge_and_its_receipt_delivers_it_once() {
    let mut app = spawn_app().await;
    asn::register(&app.store(), USER..USER + 1, "setda");
    let user = TestUser::new(USER, "Pak ASN");
    show_pledge(&app, &user).await;
    // Telegram is down when the receipt first goes out; the bot stops before the retry.
    app.api.fail_next("sendMessage", 1, 502);
    press_confirm(&app, &user).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.api.count_by_status(502) < 1 {
        assert!(Instant::now() < deadline, "the receipt was tried");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    app.restart().await;
    wait_for_receipt(&app, USER, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(receipts_to(&app, USER), 1);
    let queued: i64 = app
        .store()
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM receipt_outbox", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(queued, 0, "nothing left to send");
}
