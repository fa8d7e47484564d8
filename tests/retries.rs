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
