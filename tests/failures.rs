//! Failures on our side: the person is told in their language, and the bot carries on.

mod common;

use common::{TestApp, TestUser, spawn_app};
use netralitas_bot::domain::{Employment, FullName, UnitCode};
use netralitas_bot::i18n::Lang;
use netralitas_bot::store::users;

fn register(app: &TestApp, user: &TestUser, lang: Lang) {
    app.store()
        .with(|c| {
            users::touch(c, user.id, &user.full_name(), None, lang, common::now())?;
            users::register(
                c,
                user.id,
                Employment::Pppk,
                &FullName::parse("Ani Lestari").unwrap(),
                None,
                &UnitCode::parse("dinkes").unwrap(),
                common::now(),
            )
        })
        .unwrap();
}

fn sql(app: &TestApp, statement: &str) {
    app.store()
        .with(|c| Ok(c.execute_batch(statement)?))
        .unwrap();
}

#[tokio::test]
async fn a_database_failure_in_a_handler_gets_an_apology_and_the_next_message_works() {
    let app = spawn_app().await;
    let ani = TestUser::new(4242, "Ani");
    let john = TestUser::english(4343, "John");
    register(&app, &ani, Lang::Id);
    register(&app, &john, Lang::En);
    let before = app.say(&ani, "/status").await;
    assert!(before.contains("Ani Lestari"), "{before}");

    // The table /status reads goes away under the running bot.
    sql(&app, "ALTER TABLE pledges RENAME TO pledges_away");
    let reply = app.say(&ani, "/status").await;
    assert!(reply.contains("terjadi gangguan"), "{reply}");
    let reply = app.say(&john, "/status").await;
    assert!(reply.contains("went wrong on our side"), "{reply}");

    sql(&app, "ALTER TABLE pledges_away RENAME TO pledges");
    assert_eq!(app.say(&ani, "/status").await, before);
}

#[tokio::test]
async fn a_caller_the_store_cannot_load_gets_an_apology_in_their_telegram_language() {
    let app = spawn_app().await;
    let john = TestUser::english(4343, "John");
    sql(&app, "ALTER TABLE users RENAME TO users_away");
    let reply = app.say(&john, "/help").await;
    assert!(reply.contains("went wrong on our side"), "{reply}");

    // A button pressed meanwhile stops spinning with the apology too.
    let before = app.api.messages_to(john.id).len();
    let answer = app.press_for_answer(&john, 1, "1|p:ok").await;
    assert!(
        answer.text().is_some_and(|t| t.contains("went wrong")),
        "{:?}",
        answer.params
    );
    let reply = app.next_message(&john, before).await;
    assert!(reply.contains("went wrong on our side"), "{reply}");

    sql(&app, "ALTER TABLE users_away RENAME TO users");
    let reply = app.say(&john, "/help").await;
    assert!(reply.contains("/status"), "{reply}");
}
