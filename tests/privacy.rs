//! End to end: trust and privacy in the chat (issue 13): receipt checks, personal replies
//! kept out of groups, the ledger head.

mod common;

use common::fake_bot_api::BOT_USERNAME;
use common::{OWNER_ID, TestApp, TestUser, now, spawn_app};
use netralitas_bot::domain::{Employment, FullName, Nip, UnitCode};
use netralitas_bot::i18n::Lang;
use netralitas_bot::store::{ledger, pledges, users};

const ELECTION: &str = "Pilkada Serentak 2020";
const NAME: &str = "Budi Santoso";
const NIP: &str = "198503122010011002";
const GROUP: i64 = -100_777;

/// Registers `id` in Dinas Kesehatan with a NIP and confirms their pledge; returns the code.
fn pledged(app: &TestApp, id: i64) -> String {
    app.store()
        .with(|c| {
            users::touch(c, id, NAME, Some("budi"), Lang::Id, now())?;
            let nip =
                Nip::parse(NIP, chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()).expect("nip");
            let name = FullName::parse(NAME).expect("name");
            let unit = UnitCode::parse("dinkes").expect("unit");
            users::register(c, id, Employment::Pns, &name, Some(&nip), &unit, now())?;
            let (p, _) = pledges::confirm(c, id, ELECTION, "h", now())?;
            Ok(p.receipt_code)
        })
        .expect("seeding")
}

#[tokio::test]
async fn a_genuine_receipt_shows_election_unit_date_and_initials_only() {
    let app = spawn_app().await;
    let code = pledged(&app, 5_001);
    let stranger = TestUser::indonesian(5_002, "Wartawan");
    // Any case, without dashes: as a person would type it from a screenshot.
    let typed = code.replace('-', "").to_lowercase();
    let reply = app.say(&stranger, &format!("/cek {typed}")).await;
    assert!(reply.contains(&code), "{reply}");
    assert!(reply.contains(ELECTION), "{reply}");
    assert!(reply.contains("Dinas Kesehatan"), "{reply}");
    assert!(reply.contains("B. S."), "{reply}");
    let today = now()
        .with_timezone(&app.config().timezone)
        .format("%d-%m-%Y")
        .to_string();
    assert!(reply.contains(&today), "{reply}");
    for secret in [NAME, "Budi", "Santoso", NIP, &NIP[..8]] {
        assert!(!reply.contains(secret), "{secret} leaked: {reply}");
    }
    let english = TestUser::english(5_003, "Reporter");
    let reply = app.say(&english, &format!("/verify_receipt {code}")).await;
    assert!(reply.contains("genuine"), "{reply}");
}

#[tokio::test]
async fn made_up_malformed_and_foreign_codes_are_not_found() {
    let app = spawn_app().await;
    let real = pledged(&app, 5_001);
    let other = spawn_app().await;
    // Same person, same election, another deployment (its own secret and database).
    let foreign = pledged(&other, 5_001);
    assert_ne!(real, foreign, "receipt codes are keyed per deployment");
    let asker = TestUser::indonesian(5_004, "Penanya");
    let not_found =
        |code: &str| Lang::Id.t_args("cek-not-found", netralitas_bot::args!["code" => code]);
    for code in [
        foreign.as_str(),
        "IKR-ABCD-EFGH",
        "bukan kode",
        "IKR-0000-0000",
    ] {
        let reply = app.say(&asker, &format!("/cek {code}")).await;
        assert_eq!(reply, not_found(code), "{code}");
        assert!(
            !reply.contains(ELECTION) && !reply.contains("B. S."),
            "{reply}"
        );
    }
    let reply = app.say(&asker, "/cek").await;
    assert_eq!(reply, Lang::Id.t("cek-usage"));
    // The real one still checks out there.
    let reply = app.say(&asker, &format!("/cek {real}")).await;
    assert!(reply.contains("Dinas Kesehatan"), "{reply}");
}

#[tokio::test]
async fn status_in_a_group_points_to_the_private_chat_and_shows_nothing_personal() {
    let app = spawn_app().await;
    let code = pledged(&app, 5_001);
    let budi = TestUser::indonesian(5_001, NAME);
    let before = app.api.messages_to(GROUP).len();
    app.api
        .push_update(app.api.group_text(&budi, GROUP, "/status"));
    let reply = app
        .next_message(&TestUser::indonesian(GROUP, "group"), before)
        .await;
    assert_eq!(
        reply,
        Lang::Id.t_args(
            "personal-private-only",
            netralitas_bot::args!["link" => format!("https://t.me/{BOT_USERNAME}")]
        )
    );
    for secret in [NAME, &code, &NIP[..8], "Dinas Kesehatan"] {
        assert!(!reply.contains(secret), "{secret} in the group: {reply}");
    }
    // In private, the same command still shows the receipt.
    let reply = app.say(&budi, "/status").await;
    assert!(reply.contains(&code), "{reply}");
}

#[tokio::test]
async fn verify_shows_admins_the_chain_head() {
    let app = spawn_app().await;
    pledged(&app, 5_001);
    let head = app.store().with(|c| ledger::head(c)).expect("head");
    let owner = TestUser::english(OWNER_ID, "Owner");
    let reply = app.say(&owner, "/verify").await;
    assert!(reply.contains(&head.hash), "{reply}");
    assert!(
        reply.contains("intact") && reply.contains("Pledges: 1"),
        "{reply}"
    );
    let asn = TestUser::indonesian(5_001, NAME);
    let reply = app.say(&asn, "/verify").await;
    assert_eq!(reply, Lang::Id.t("refused-role"));
}

/// Every value the user gave that names them, searched in every table's every text column.
fn traces(app: &TestApp, needles: &[&str]) -> Vec<String> {
    app.store()
        .with(|c| {
            let tables: Vec<String> = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut found = Vec::new();
            for t in tables {
                let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\""))?;
                let n = stmt.column_count();
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    for i in 0..n {
                        let v: netralitas_bot::store::rusqlite::types::Value = r.get(i)?;
                        let text = match v {
                            netralitas_bot::store::rusqlite::types::Value::Text(s) => s,
                            netralitas_bot::store::rusqlite::types::Value::Blob(b) => {
                                String::from_utf8_lossy(&b).into_owned()
                            }
                            _ => continue,
                        };
                        for needle in needles {
                            if text.contains(needle) {
                                found.push(format!("{t}: {needle}"));
                            }
                        }
                    }
                }
            }
            Ok(found)
        })
        .expect("scan")
}

#[tokio::test]
async fn dataku_shows_the_users_data_and_erasure_leaves_no_name_or_nip() {
    let app = spawn_app().await;
    let code = pledged(&app, 5_001);
    let budi = TestUser::indonesian(5_001, NAME);
    let reply = app.say(&budi, "/dataku").await;
    assert!(reply.contains(NAME) && reply.contains(&code), "{reply}");
    assert!(reply.contains("Dinas Kesehatan"), "{reply}");
    assert!(!reply.contains(NIP), "the NIP is masked: {reply}");
    // In a group: only the note.
    let before = app.api.messages_to(GROUP).len();
    app.api
        .push_update(app.api.group_text(&budi, GROUP, "/mydata"));
    let note = app
        .next_message(&TestUser::indonesian(GROUP, "group"), before)
        .await;
    assert!(!note.contains(NAME) && !note.contains(&code), "{note}");

    let stats_before = app
        .store()
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM pledges", [], |r| r.get::<_, i64>(0))?))
        .unwrap();
    let shown = app.api.last_message_to(5_001).expect("the data message");
    let ask = shown
        .button_data("🗑 Hapus data saya")
        .expect("erase button");
    // Someone else pressing a forged copy of the button erases nothing.
    let mallory = TestUser::indonesian(5_009, "Mallory");
    let answer = app.press_for_answer(&mallory, shown.message_id, &ask).await;
    assert_eq!(
        answer.str_param("text"),
        Some(Lang::Id.t("callback-stale").as_str())
    );
    let forged_yes = ask.replace(":ask:", ":yes:");
    app.press_for_answer(&mallory, shown.message_id, &forged_yes)
        .await;
    assert!(
        !traces(&app, &[NAME]).is_empty(),
        "erased by a forged press"
    );

    let confirm = app.press(&budi, shown.message_id, &ask).await;
    assert_eq!(confirm, Lang::Id.t("erase-confirm"));
    let question = app.api.last_message_to(5_001).expect("confirmation");
    let yes = question.button_data("Ya, hapus").expect("yes button");
    let done = app.press(&budi, question.message_id, &yes).await;
    assert_eq!(done, Lang::Id.t("erase-done"));

    let left = traces(&app, &[NAME, NIP, "budi"]);
    assert!(left.is_empty(), "left after erasure: {left:?}");
    let stats_after = app
        .store()
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM pledges", [], |r| r.get::<_, i64>(0))?))
        .unwrap();
    assert_eq!(stats_before, stats_after);
    let verified = app.store().with(|c| ledger::verify(c)).expect("readable");
    assert!(verified.is_ok(), "{verified:?}");
    let erased_audits = app
        .store()
        .with(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'erase_self' AND actor_id = 5001",
                [],
                |r| r.get::<_, i64>(0),
            )?)
        })
        .unwrap();
    assert_eq!(erased_audits, 1);
}

#[tokio::test]
async fn privasi_says_what_is_kept_in_both_languages() {
    let app = spawn_app().await;
    let id = TestUser::indonesian(5_010, "Ani");
    assert_eq!(app.say(&id, "/privasi").await, Lang::Id.t("privasi-text"));
    let en = TestUser::english(5_011, "Ann");
    assert_eq!(app.say(&en, "/privacy").await, Lang::En.t("privasi-text"));
    assert_ne!(Lang::Id.t("privasi-text"), Lang::En.t("privasi-text"));
}
