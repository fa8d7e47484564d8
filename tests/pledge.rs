//! End to end: the pledge flow through the real dispatcher and a fake Bot API.

mod common;

use common::{OWNER_ID, TestApp, TestUser, spawn_app};
use netralitas_bot::domain::{Employment, FullName, UnitCode};
use netralitas_bot::i18n::Lang;
use netralitas_bot::store::{pledges, users};
use serde_json::Value;

const VALID_NIP: &str = "198503122010011002";

async fn press_button(app: &TestApp, user: &TestUser, label: &str) -> String {
    let (message, data) = app.api.newest_button(user.id, label);
    app.press(user, message, &data).await
}

fn pledge_count(app: &TestApp) -> i64 {
    app.store()
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM pledges", [], |r| r.get(0))?))
        .unwrap()
}

/// Drives a new user from /ikrar to the pledge text.
async fn register(app: &TestApp, user: &TestUser) {
    let reply = app.say(user, "/ikrar").await;
    assert!(reply.contains("Langkah 1/4"), "{reply}");
    let reply = press_button(app, user, "PNS").await;
    assert!(reply.contains("Langkah 2/4"), "{reply}");
    let reply = app.say(user, "Siti Rahmawati").await;
    assert!(reply.contains("Langkah 3/4"), "{reply}");
    let reply = app.say(user, VALID_NIP).await;
    assert!(reply.contains("Langkah 4/4"), "{reply}");
    let reply = press_button(app, user, "Dinas Kesehatan").await;
    assert!(reply.contains("IKRAR NETRALITAS"), "{reply}");
}

#[tokio::test]
async fn a_new_user_registers_pledges_and_gets_a_receipt() {
    let app = spawn_app().await;
    let user = TestUser::new(101, "Siti");

    let reply = app.say(&user, "/start").await;
    assert!(reply.contains("Halo, Siti"), "{reply}");
    register(&app, &user).await;
    let receipt = press_button(&app, &user, "Saya berikrar").await;

    assert!(receipt.contains("Ikrar Anda telah tercatat"), "{receipt}");
    assert!(receipt.contains("Siti Rahmawati"));
    assert!(receipt.contains("Dinas Kesehatan"));
    assert!(receipt.contains("Pilkada Serentak 2020"));
    assert!(receipt.contains("WIB"), "local time in TIMEZONE: {receipt}");
    let stored = app
        .store()
        .with(|c| pledges::get(c, 101, "Pilkada Serentak 2020"))
        .unwrap()
        .expect("pledge row");
    assert!(receipt.contains(&stored.receipt_code));
    assert_eq!(stored.text_hash.len(), 64);
    let user_row = app.store().with(|c| users::get(c, 101)).unwrap().unwrap();
    let registration = user_row.registration.expect("registered");
    assert_eq!(
        registration.nip.as_ref().map(|n| n.as_str()),
        Some(VALID_NIP)
    );
    assert_eq!(registration.employment, Employment::Pns);
}

#[tokio::test]
async fn a_second_confirmation_keeps_one_pledge() {
    let app = spawn_app().await;
    let user = TestUser::new(102, "Budi");
    register(&app, &user).await;
    let (message, data) = app.api.newest_button(user.id, "Saya berikrar");
    let first = app.press(&user, message, &data).await;
    // The same button again (a double tap or a replayed callback), then /ikrar again.
    let second = app.press(&user, message, &data).await;
    let third = app.say(&user, "/ikrar").await;

    assert_eq!(pledge_count(&app), 1);
    let code = app
        .store()
        .with(|c| pledges::get(c, 102, "Pilkada Serentak 2020"))
        .unwrap()
        .unwrap()
        .receipt_code;
    for reply in [&first, &second, &third] {
        assert!(reply.contains(&code), "{reply}");
    }
    assert!(third.contains("sudah berikrar"), "{third}");
}

#[tokio::test]
async fn a_restart_mid_dialogue_continues_where_it_was() {
    let mut app = spawn_app().await;
    let user = TestUser::new(103, "Dewi");
    app.say(&user, "/ikrar").await;
    press_button(&app, &user, "PPPK").await;

    app.restart().await;

    let reply = app.say(&user, "Dewi Lestari").await;
    assert!(reply.contains("Langkah 3/4"), "{reply}");
    // PPPK may skip the NIP.
    let reply = press_button(&app, &user, "Lewati").await;
    assert!(reply.contains("Langkah 4/4"), "{reply}");
}

#[tokio::test]
async fn english_users_get_english() {
    let app = spawn_app().await;
    let user = TestUser::new(104, "John").with_language("en");
    let reply = app.say(&user, "/ikrar").await;
    assert!(reply.contains("Step 1/4"), "{reply}");
    let reply = app.say(&user, "/lang").await;
    assert!(reply.contains("Bahasa Indonesia"), "{reply}");
    let reply = app.say(&user, "/status").await;
    assert!(reply.contains("belum terdaftar"), "{reply}");
}

fn seed(app: &TestApp, id: i64, unit: &str, pledged: bool) {
    app.store()
        .with(|c| {
            users::touch(c, id, "Seed", None, Lang::Id, common::now())?;
            let name = FullName::parse("Seed User").unwrap();
            users::register(
                c,
                id,
                Employment::NonAsn,
                &name,
                None,
                &UnitCode::parse(unit).unwrap(),
                common::now(),
            )?;
            if pledged {
                pledges::confirm(c, id, "Pilkada Serentak 2020", "h", common::now())?;
            }
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn admin_stats_count_right() {
    let app = spawn_app().await;
    seed(&app, 201, "dinkes", true);
    seed(&app, 202, "dinkes", false);
    seed(&app, 203, "disdik", true);
    seed(&app, 204, "disdik", true);
    let owner = TestUser::new(OWNER_ID, "Owner");
    let reply = app.say(&owner, "/stats").await;
    assert!(reply.contains("Terdaftar: 4"), "{reply}");
    assert!(reply.contains("Berikrar: 3"), "{reply}");
    assert!(reply.contains("75"), "{reply}");
    assert!(reply.contains("dinkes"), "{reply}");
}

#[tokio::test]
async fn non_admins_cannot_see_stats() {
    let app = spawn_app().await;
    seed(&app, 301, "dinkes", true);
    let user = TestUser::new(302, "Curious");
    let reply = app.say(&user, "/stats").await;
    assert!(reply.contains("hanya untuk petugas"), "{reply}");
    assert!(!reply.contains("Terdaftar"), "{reply}");
}

#[tokio::test]
async fn a_deep_link_preselects_the_unit() {
    let app = spawn_app().await;
    let user = TestUser::new(105, "Rina");
    let reply = app.say(&user, "/start unit_dinsos").await;
    assert!(reply.contains("Dinas Sosial"), "{reply}");
    app.say(&user, "/ikrar").await;
    press_button(&app, &user, "Non-ASN").await;
    press_button(&app, &user, "Rina").await;
    press_button(&app, &user, "Lewati").await;
    let reply = press_button(&app, &user, "✅ Dinas Sosial").await;
    assert!(reply.contains("IKRAR"), "{reply}");
    let row = app.store().with(|c| users::get(c, 105)).unwrap().unwrap();
    assert_eq!(row.unit_hint().map(|u| u.as_str()), Some("dinsos"));
}

fn last_callback_answer(app: &TestApp) -> Value {
    app.api
        .calls_to("answerCallbackQuery")
        .last()
        .map(|c| c.params.clone())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn bad_input_gets_a_polite_reply_and_nothing_breaks() {
    let app = spawn_app().await;
    let user = TestUser::new(106, "Andi");
    app.say(&user, "/ikrar").await;
    press_button(&app, &user, "PNS").await;

    for bad in ["", &"a".repeat(1000), "🙂🙂🙂"] {
        if bad.is_empty() {
            continue; // Telegram never delivers an empty text message.
        }
        let reply = app.say(&user, bad).await;
        assert!(reply.contains("Nama"), "{reply}");
    }
    let before = app.api.messages_to(user.id).len();
    app.api.push_update(app.api.sticker(&user));
    let reply = app.next_message(&user, before).await;
    assert!(reply.contains("teks"), "{reply}");

    let reply = app.say(&user, "محمد Andi 🙂").await;
    assert!(
        reply.contains("Langkah 3/4"),
        "a right-to-left name with emoji is fine: {reply}"
    );
    for (nip, expect) in [
        ("19850312201001100A", "hanya berisi angka"),
        ("19850312201001100", "17 angka"),
        ("1985031220100110021", "19 angka"),
        ("198502302010011002", "Tanggal lahir"),
        ("198503122010013002", "ke-15"),
    ] {
        let reply = app.say(&user, nip).await;
        assert!(reply.contains(expect), "{nip}: {reply}");
    }

    // A forged callback: a unit button while the dialogue waits for a NIP.
    app.api
        .push_update(app.api.callback(&user, 1, "1|u:dinkes"));
    let reply = app.say(&user, "/status").await;
    assert!(reply.contains("belum terdaftar"), "{reply}");
    assert!(
        last_callback_answer(&app)["text"]
            .as_str()
            .unwrap_or("")
            .contains("tidak berlaku")
    );
    // Garbage callback data.
    app.api
        .push_update(app.api.callback(&user, 1, "'; DROP TABLE pledges; --"));
    app.say(&user, "/help").await;
    assert!(
        last_callback_answer(&app)["text"]
            .as_str()
            .unwrap_or("")
            .contains("tidak berlaku")
    );

    // Unknown command is answered; a command for another bot is not.
    let reply = app.say(&user, "/frobnicate").await;
    assert!(reply.contains("tidak saya kenal"), "{reply}");
    let before = app.api.messages_to(user.id).len();
    app.api.push_update(app.api.text(&user, "/stats@OtherBot"));
    app.say(&user, "/help").await;
    let after = app.api.messages_to(user.id);
    assert_eq!(after.len(), before + 1, "only /help answered");

    // The dialogue survived all of that.
    let reply = app.say(&user, VALID_NIP).await;
    assert!(reply.contains("Langkah 4/4"), "{reply}");
}

#[tokio::test]
async fn a_forged_confirmation_from_an_unregistered_user_logs_nothing() {
    let app = spawn_app().await;
    let user = TestUser::new(107, "Forger");
    app.say(&user, "/start").await;
    app.api.push_update(app.api.callback(&user, 1, "1|p:ok"));
    app.say(&user, "/help").await;
    assert_eq!(pledge_count(&app), 0);
}

#[tokio::test]
async fn groups_get_command_answers_but_never_a_registration() {
    let app = spawn_app().await;
    let user = TestUser::new(108, "Group Member");
    let group = -100_123;
    app.api
        .push_update(app.api.group_text(&user, group, "/ikrar"));
    let deadline = std::time::Instant::now() + common::REPLY_TIMEOUT;
    while app.api.messages_to(group).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no reply in the group"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let reply = &app.api.messages_to(group)[0].text;
    assert!(reply.contains("t.me/"), "{reply}");
    // Plain text in the group after that is not taken as a name.
    app.api
        .push_update(app.api.group_text(&user, group, "Group Member Name"));
    app.say(&user, "/status").await;
    assert_eq!(app.api.messages_to(group).len(), 1);
    let row = app.store().with(|c| users::get(c, 108)).unwrap().unwrap();
    assert!(row.registration.is_none());
}

#[tokio::test]
async fn a_user_who_blocked_the_bot_is_marked_and_the_bot_keeps_running() {
    let app = spawn_app().await;
    let blocked = TestUser::new(109, "Gone");
    app.api.block_chat(blocked.id);
    app.api.push_update(app.api.text(&blocked, "/start"));
    let other = TestUser::new(110, "Still Here");
    let reply = app.say(&other, "/start").await;
    assert!(reply.contains("Halo"));
    let deadline = std::time::Instant::now() + common::REPLY_TIMEOUT;
    loop {
        let row = app.store().with(|c| users::get(c, 109)).unwrap();
        if row.is_some_and(|r| r.blocked) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "user never marked blocked"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
