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
