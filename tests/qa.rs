//! End to end: questions answered in the chat, topic browsing, feedback, declines.

mod common;

use std::time::Duration;

use common::{REPLY_TIMEOUT, TestUser, spawn_app};

#[tokio::test]
async fn a_question_is_answered_with_the_right_verdict_mark() {
    let app = spawn_app().await;
    let user = TestUser::new(401, "Ani");
    let reply = app
        .say(&user, "min, bolehkah ASN nge-like postingan paslon di IG?")
        .await;
    assert!(reply.contains("❌ Dilarang"), "{reply}");
    assert!(reply.contains("Dasar hukum"), "{reply}");
    let last = app.api.last_message_to(user.id).unwrap();
    assert_eq!(last.parse_mode.as_deref(), Some("HTML"));
    assert!(
        last.button_data("👍").is_some(),
        "feedback buttons under the answer"
    );

    let reply = app.say(&user, "Apakah PNS boleh nyoblos di TPS?").await;
    assert!(reply.contains("✅ Boleh"), "{reply}");
}

#[tokio::test]
async fn english_speakers_get_english_answers() {
    let app = spawn_app().await;
    let user = TestUser::new(402, "Tom").with_language("en");
    let reply = app
        .say(&user, "Can I wear a party t-shirt to the office?")
        .await;
    assert!(reply.contains("❌"), "{reply}");
    assert!(reply.contains("Legal basis"), "{reply}");
}

#[tokio::test]
async fn an_out_of_scope_question_is_declined_with_the_helpdesk_and_stored() {
    let app = spawn_app().await;
    let user = TestUser::new(403, "Budi");
    let reply = app.say(&user, "Kapan THR PNS tahun ini cair?").await;
    assert!(
        reply.contains("BKPSDM Kab. Contoh (0812-0000-0000)"),
        "{reply}"
    );
    assert!(!reply.contains("✅") && !reply.contains("❌"), "{reply}");
    assert_eq!(app.count("SELECT COUNT(*) FROM unanswered_questions"), 1);
}

#[tokio::test]
async fn topics_can_be_browsed_by_buttons() {
    let app = spawn_app().await;
    let user = TestUser::new(404, "Citra");
    let reply = app.say(&user, "/topik").await;
    assert!(reply.contains("topik"), "{reply}");
    let (message, data) = app.api.newest_button(user.id, "Media sosial");
    let seen = app.api.messages_to(user.id).len();
    app.api.push_update(app.api.callback(&user, message, &data));
    // The topic list is replaced in place by the rules of the topic.
    let edited = app
        .api
        .wait_for_message(user.id, |t| t.contains("pilih aturan"), REPLY_TIMEOUT)
        .await
        .expect("rules of the topic");
    assert_eq!(edited.message_id, message);
    assert_eq!(app.api.messages_to(user.id).len(), seen);

    let (message, data) = app.api.newest_button(user.id, "❌");
    let answer = app.press(&user, message, &data).await;
    assert!(answer.contains("❌ Dilarang"), "{answer}");
}

#[tokio::test]
async fn feedback_is_stored_per_rule() {
    let app = spawn_app().await;
    let user = TestUser::new(405, "Dedi");
    app.say(&user, "boleh gak PNS pakai kaos partai?").await;
    let (message, data) = app.api.newest_button(user.id, "👍");
    app.api.push_update(app.api.callback(&user, message, &data));
    let ack = app
        .api
        .wait_for_call(|c| c.method == "answerCallbackQuery", REPLY_TIMEOUT)
        .await
        .expect("the button is acknowledged");
    assert!(ack.str_param("text").unwrap_or("").contains("Terima kasih"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM feedback WHERE helpful = 1"),
        1
    );
}

#[tokio::test]
async fn the_election_date_comes_from_the_configuration() {
    let app = common::spawn_app_with(&[
        ("ELECTION_NAME", "Pemilu Contoh"),
        ("ELECTION_DATE", "2031-02-14"),
    ])
    .await;
    let user = TestUser::new(406, "Eka");
    let reply = app.say(&user, "kapan hari coblosan?").await;
    assert!(reply.contains("14 Februari 2031"), "{reply}");
    assert!(reply.contains("Pemilu Contoh"), "{reply}");
}

#[tokio::test]
async fn hostile_or_odd_input_is_answered_safely() {
    let app = spawn_app().await;
    let user = TestUser::new(407, "Fajar");
    // HTML and SQL fragments: the strict fake rejects malformed HTML, so a reply proves escaping.
    let reply = app
        .say(&user, "<b>boleh</b> & <script>alert(1)</script> '; DROP TABLE users; -- like postingan paslon?")
        .await;
    assert!(!reply.is_empty());
    assert!(
        app.count("SELECT COUNT(*) FROM users") >= 1,
        "tables intact"
    );
    for odd in [
        "🙂🙂🙂",
        "Was ist die Hauptstadt von Frankreich?",
        &"panjang sekali ".repeat(260),
    ] {
        let reply = app.say(&user, odd).await;
        assert!(!reply.is_empty());
    }
    // A forged rule id in callback data.
    app.api
        .push_update(app.api.callback(&user, 1, "1|r:no_such_rule"));
    let ack = app
        .api
        .wait_for_call(|c| c.method == "answerCallbackQuery", REPLY_TIMEOUT)
        .await
        .expect("acknowledged");
    assert!(
        ack.str_param("text")
            .unwrap_or("")
            .contains("tidak berlaku")
    );
    let reply = app.say(&user, "/tanya").await;
    assert!(
        reply.contains("topik"),
        "/tanya without text offers topics: {reply}"
    );
}

#[tokio::test]
async fn in_groups_the_bot_answers_only_when_asked() {
    let app = spawn_app().await;
    let user = TestUser::new(408, "Gita");
    let group = -100_777;
    app.api.push_update(
        app.api
            .group_text(&user, group, "boleh like postingan paslon?"),
    );
    app.api.push_update(
        app.api
            .group_text(&user, group, "/tanya boleh like postingan paslon?"),
    );
    let reply = app
        .api
        .wait_for_message(group, |t| t.contains("Dilarang"), REPLY_TIMEOUT)
        .await
        .expect("/tanya answered in the group");
    assert!(reply.text.contains("❌"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answers = app.api.messages_to(group).len();
    assert_eq!(answers, 1, "plain chatter in the group is not answered");
}
