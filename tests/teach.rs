//! End to end: the two-stage fallback ("Maksud Anda salah satu ini?"), the admins' teaching
//! (/unanswered buttons, /teach, /untaught) applied without a restart, and the cap and
//! de-duplication of stored questions.
//!
//! The matcher is one per process, so everything that teaches runs in one test.

mod common;

use common::{OWNER_ID, REPLY_TIMEOUT, TestApp, TestUser, spawn_app, spawn_app_with};
use netralitas_bot::i18n::Lang;
use netralitas_bot::knowledge::{RuleId, Topic, kb};
use netralitas_bot::telegram::callback::{CallbackData, TeachAction};
use netralitas_bot::telegram::qa::rule_label;

const UNSURE: &str = "kalau ada caleg mampir ke kantor?";
const UNSURE_2: &str = "paslon di kantor camat?";
const UNSURE_3: &str = "pilkada nanti gimana pak?";

fn question_id(app: &TestApp, text: &str) -> i64 {
    let text = text.to_owned();
    app.store()
        .with(move |c| {
            Ok(c.query_row(
                "SELECT id FROM unanswered_questions WHERE question = ?1",
                [text],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

fn owner() -> TestUser {
    TestUser::indonesian(OWNER_ID, "Owner")
}

fn title(rule: &str) -> String {
    let id = RuleId::parse(rule).unwrap();
    kb().rule(id, Lang::Id).text.title.clone()
}

/// Asks an unsure question and says "Bukan semuanya": it goes to /unanswered.
async fn none_fits(app: &TestApp, user: &TestUser, question: &str) {
    assert_eq!(app.say(user, question).await, Lang::Id.t("qa-unsure"));
    let (msg, data) = app.api.newest_button(user.id, &Lang::Id.t("btn-none-fits"));
    let reply = app.press(user, msg, &data).await;
    let contact = app.config().helpdesk_contact;
    assert_eq!(
        reply,
        Lang::Id.t_args("qa-none-fits", netralitas_bot::args!["contact" => contact])
    );
}

#[tokio::test]
async fn unsure_questions_offer_rules_and_admins_teach_them_without_a_restart() {
    let app = spawn_app().await;
    let ani = TestUser::indonesian(501, "Ani");
    let budi = TestUser::indonesian(502, "Budi");
    let admin = owner();

    // Stage one: the candidates, each with its verdict mark, and "Bukan semuanya".
    assert_eq!(app.say(&ani, UNSURE).await, Lang::Id.t("qa-unsure"));
    let offer = app.api.last_message_to(ani.id).unwrap();
    let buttons = offer.buttons();
    assert!((3..=4).contains(&buttons.len()), "{buttons:?}");
    assert!(
        buttons[..buttons.len() - 1]
            .iter()
            .all(|(label, _)| ["✅", "❌", "⚠️", "ℹ️"]
                .iter()
                .any(|m| label.starts_with(m))),
        "{buttons:?}"
    );
    assert_eq!(buttons.last().unwrap().0, Lang::Id.t("btn-none-fits"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM unanswered_questions WHERE pending = 1"),
        1,
        "kept, but not shown to the admins yet"
    );
    // A tap on a rule answers with that rule and counts as a helpful vote.
    let (label, data) = buttons[0].clone();
    let answer = app.press(&ani, offer.message_id, &data).await;
    assert!(answer.contains("Dasar hukum"), "{answer}");
    let picked = label.split_once(' ').unwrap().1;
    assert!(answer.contains(picked), "{label} / {answer}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM feedback WHERE helpful = 1"),
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM unanswered_questions"), 0);
    // A forged rule in a pick button is a stale button, not a crash.
    let forged = CallbackData::Pick {
        question: 1,
        rule: "no_such_rule".into(),
    }
    .encode();
    let toast = app.press_for_answer(&ani, offer.message_id, &forged).await;
    assert_eq!(
        toast.str_param("text"),
        Some(Lang::Id.t("callback-stale").as_str())
    );

    // Stage two: none fits, the question goes to /unanswered with its id.
    none_fits(&app, &ani, UNSURE_2).await;
    let id = question_id(&app, UNSURE_2);
    let list = app.say(&admin, "/unanswered").await;
    assert!(list.contains(UNSURE_2), "{list}");
    assert!(list.contains(&format!("#{id}")), "{list}");

    // Teach by buttons: question → topic → rule.
    let (msg, data) = app.api.newest_button(admin.id, &format!("📚 #{id}"));
    app.press(&admin, msg, &data).await;
    let facilities = kb()
        .topics(Lang::Id)
        .find(|(t, _)| *t == Topic::Facilities)
        .unwrap()
        .1
        .to_owned();
    let (msg, data) = app.api.newest_button(admin.id, &facilities);
    app.api.push_update(app.api.callback(&admin, msg, &data));
    // The topic list is replaced in place by the topic's rules.
    let pick_rule = Lang::Id.t_args("teach-pick-rule", netralitas_bot::args!["id" => id]);
    app.api
        .wait_for_message(admin.id, |t| t == pick_rule, REPLY_TIMEOUT)
        .await
        .expect("the rules of the topic");
    let rule = RuleId::parse("use_state_facilities").unwrap();
    let (msg, data) = app.api.newest_button(admin.id, &rule_label(Lang::Id, rule));
    let done = app.press(&admin, msg, &data).await;
    assert!(done.contains(&format!("#{id}")), "{done}");

    // Another user, the same question and a paraphrase: the taught rule, at once.
    let want = title("use_state_facilities");
    let reply = app.say(&budi, UNSURE_2).await;
    assert!(reply.contains(&want), "{reply}");
    let reply = app.say(&budi, "boleh paslon di kantor camat?").await;
    assert!(reply.contains(&want), "{reply}");
    // Taught questions leave /unanswered.
    assert!(!app.say(&admin, "/unanswered").await.contains(UNSURE_2));

    // Teach by command.
    none_fits(&app, &ani, UNSURE_3).await;
    let id3 = question_id(&app, UNSURE_3);
    let done = app.say(&admin, &format!("/teach {id3} vote_at_tps")).await;
    assert!(done.contains(&format!("#{id3}")), "{done}");
    let reply = app.say(&budi, UNSURE_3).await;
    assert!(reply.contains(&title("vote_at_tps")), "{reply}");

    // /untaught: back to the candidates.
    let done = app.say(&admin, &format!("/untaught {id3}")).await;
    assert_eq!(
        done,
        Lang::Id.t_args("untaught-done", netralitas_bot::args!["id" => id3])
    );
    assert_eq!(app.say(&budi, UNSURE_3).await, Lang::Id.t("qa-unsure"));
    let again = app.say(&admin, &format!("/untaught {id3}")).await;
    assert_eq!(
        again,
        Lang::Id.t_args("untaught-none", netralitas_bot::args!["id" => id3])
    );
    let missing = app.say(&admin, "/teach 987654 oos").await;
    assert_eq!(
        missing,
        Lang::Id.t_args(
            "teach-no-question",
            netralitas_bot::args!["id" => 987654_i64]
        )
    );
    assert_eq!(
        app.say(&admin, "/teach 1 no_such_rule").await,
        Lang::Id.t("teach-usage")
    );

    // All three in the audit log, by the admin.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'teach' AND actor_id = {OWNER_ID}"
        )),
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'untaught'"),
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM taught_examples"), 1);
    let stats = app.say(&admin, "/stats").await;
    let taught = Lang::Id.t_args("stats-taught", netralitas_bot::args!["count" => 1_i64]);
    assert!(stats.ends_with(&taught), "{stats}");

    // A non-admin pressing a forged teach button or sending /teach is refused, nothing changes.
    let forged = CallbackData::Teach(TeachAction::OffTopic { question: id }).encode();
    let toast = app.press_for_answer(&ani, offer.message_id, &forged).await;
    assert_eq!(
        toast.str_param("text"),
        Some(Lang::Id.t("refused-role").as_str())
    );
    assert_eq!(
        app.say(&ani, &format!("/teach {id} oos")).await,
        Lang::Id.t("refused-role")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log"), 3);
    let reply = app.say(&budi, UNSURE_2).await;
    assert!(reply.contains(&want), "still taught: {reply}");
}

#[tokio::test]
async fn stored_questions_are_capped_per_user_and_de_duplicated() {
    let app = spawn_app_with(&[("UNANSWERED_PER_USER_PER_DAY", "2")]).await;
    let user = TestUser::indonesian(601, "Citra");
    let other = TestUser::indonesian(602, "Dedi");
    for q in [
        "Kapan THR PNS cair?",
        "kapan   THR pns cair",
        "Kapan THR PNS cair??",
    ] {
        app.say(&user, q).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM unanswered_questions WHERE user_id = 601"),
        1,
        "the same normalised text is stored once per user"
    );
    for q in [
        "Resep rendang padang?",
        "Jadwal kereta ke Bandung?",
        "Harga emas hari ini?",
    ] {
        app.say(&user, q).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM unanswered_questions WHERE user_id = 601"),
        2,
        "at most the cap per user per day"
    );
    // The cap is per user: someone else's questions are still kept, and still counted.
    app.say(&other, "Kapan THR PNS cair?").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM unanswered_questions WHERE user_id = 602"),
        1
    );
    let list = app.say(&owner(), "/unanswered").await;
    assert!(list.contains("2× Kapan THR PNS cair?"), "{list}");
}

/// `netralitas-bot ask` with the decision of one question, in a database at `db`.
fn ask_cli(db: &std::path::Path, question: &str) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_netralitas-bot"))
        .env_clear()
        .env("DATABASE_PATH", db)
        .args(["ask", "--json", question])
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

#[test]
fn the_ask_command_uses_the_databases_taught_examples_and_creates_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    assert_eq!(ask_cli(&missing, UNSURE_2)["decision"], "unsure");
    assert!(!missing.exists(), "ask must not create a database");

    let db = dir.path().join("bot.db");
    let store = netralitas_bot::store::Store::open(&db).unwrap();
    store
        .with(|c| {
            netralitas_bot::store::questions::teach(
                c,
                7,
                UNSURE_2,
                Some("use_state_facilities"),
                OWNER_ID,
                common::now(),
            )
        })
        .unwrap();
    drop(store);
    let got = ask_cli(&db, UNSURE_2);
    assert_eq!(got["rule"], "use_state_facilities", "{got}");
}

#[tokio::test]
async fn unanswered_is_paged_newest_first() {
    let app = spawn_app().await;
    let admin = owner();
    app.store()
        .with(|c| {
            for i in 1..=12 {
                netralitas_bot::store::questions::record_unanswered(
                    c,
                    Some(700 + i),
                    &format!("pertanyaan nomor {i}"),
                    Lang::Id,
                    0.1,
                    common::now(),
                )?;
            }
            Ok(())
        })
        .unwrap();
    let first = app.say(&admin, "/unanswered").await;
    assert!(
        first.lines().nth(1).unwrap().contains("nomor 12"),
        "{first}"
    );
    assert_eq!(first.lines().count(), 11, "{first}");
    assert!(!first.contains("nomor 2 "), "{first}");
    let (msg, data) = app
        .api
        .newest_button(admin.id, &Lang::Id.t("btn-page-older"));
    let second = app.press(&admin, msg, &data).await;
    let lines: Vec<_> = second.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{second}");
    assert!(lines[0].contains("nomor 2 "), "{second}");
    assert!(lines[1].contains("nomor 1 "), "{second}");
    let last = app.api.last_message_to(admin.id).unwrap();
    assert!(last.button_data(&Lang::Id.t("btn-page-older")).is_none());
    assert!(last.button_data(&Lang::Id.t("btn-page-newer")).is_some());
}
