//! End to end: granting and revoking roles, /roles, the audit trail and per-chat menus.

mod common;

use common::{HR_ID, OWNER_ID, TestApp, TestUser, spawn_app};
use netralitas_bot::args;
use netralitas_bot::i18n::Lang;
use netralitas_bot::store::audit;
use serde_json::Value;

fn owner() -> TestUser {
    TestUser::indonesian(OWNER_ID, "Pemilik")
}

/// The user writes to the bot once, so it knows them (id, name, @username).
async fn introduce(app: &TestApp, user: &TestUser) {
    app.say(user, "/help").await;
}

/// Types a grant and confirms its preview with the button, as the officer would: returns
/// the preview and the answer to the press.
async fn grant(app: &TestApp, officer: &TestUser, command: &str) -> (String, String) {
    let preview = app.say(officer, command).await;
    let m = app.api.last_message_to(officer.id).expect("the preview");
    let confirm = m
        .buttons()
        .into_iter()
        .find(|(_, d)| d.starts_with("1|g:ok:"))
        .unwrap_or_else(|| panic!("no confirm button under {preview}"))
        .1;
    let answer = app.press(officer, m.message_id, &confirm).await;
    (preview, answer)
}

/// The commands last published for `chat_id`'s private chat, if any.
fn chat_menu(app: &TestApp, chat_id: i64) -> Option<Vec<String>> {
    app.api
        .calls_to("setMyCommands")
        .into_iter()
        .rev()
        .find(|c| c.params["scope"]["chat_id"].as_i64() == Some(chat_id))
        .map(|c| {
            c.params["commands"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["command"].as_str().unwrap().to_owned())
                .collect()
        })
}

fn menu_deleted_for(app: &TestApp, chat_id: i64) -> bool {
    app.api
        .calls_to("deleteMyCommands")
        .iter()
        .any(|c| c.params["scope"]["chat_id"].as_i64() == Some(chat_id))
}

fn audit_actions(app: &TestApp) -> Vec<(i64, String, String)> {
    app.store()
        .with(|c| audit::latest(c, 20))
        .unwrap()
        .into_iter()
        .map(|e| (e.actor_id, e.action, e.detail))
        .collect()
}

#[tokio::test]
async fn start_up_gives_owners_and_hr_their_chat_menus() {
    let app = spawn_app().await;
    let owner_menu = chat_menu(&app, OWNER_ID).expect("owner menu");
    assert!(owner_menu.contains(&"grant_admin".to_owned()));
    let hr_menu = chat_menu(&app, HR_ID).expect("HR menu");
    assert!(hr_menu.contains(&"export".to_owned()) && !hr_menu.contains(&"roles".to_owned()));
}

#[tokio::test]
async fn an_owner_appoints_an_admin_who_appoints_hr() {
    let app = spawn_app().await;
    let sari = TestUser::indonesian(101, "Sari").with_username("sari_bkpsdm");
    let budi = TestUser::indonesian(102, "Budi");
    introduce(&app, &sari).await;
    introduce(&app, &budi).await;

    let (preview, text) = grant(&app, &owner(), "/grant_admin @Sari_BKPSDM").await;
    assert!(
        preview.contains("Sari @sari_bkpsdm") && preview.contains("101"),
        "{preview}"
    );
    assert!(text.starts_with('✅') && text.contains("Sari"), "{text}");
    let menu = chat_menu(&app, 101).expect("the new admin's menu is refreshed");
    assert!(menu.contains(&"grant_hr".to_owned()) && !menu.contains(&"grant_admin".to_owned()));

    let (_, text) = grant(&app, &sari, "/grant_hr 102").await;
    assert!(text.starts_with('✅'), "{text}");
    assert!(chat_menu(&app, 102).unwrap().contains(&"stats".to_owned()));
    // The new HR officer can read reports at once.
    assert!(app.say(&budi, "/stats").await.contains("Rekap ikrar"));

    let roles = app.say(&sari, "/roles").await;
    for expected in [
        "Pemilik · Pemilik (9000)",
        "Admin · Sari @sari_bkpsdm (101)",
        "HR · Budi (102)",
    ] {
        assert!(roles.contains(expected), "{expected} in {roles}");
    }

    assert_eq!(
        audit_actions(&app)[..2],
        [
            (101, "grant_hr".to_owned(), "user=102".to_owned()),
            (OWNER_ID, "grant_admin".to_owned(), "user=101".to_owned()),
        ]
    );
    let log = app.say(&owner(), "/audit").await;
    assert!(
        log.contains("grant_hr user=102") && log.contains("grant_admin user=101"),
        "{log}"
    );
}

#[tokio::test]
async fn a_revoked_hr_officer_loses_reports_and_the_menu() {
    let app = spawn_app().await;
    let budi = TestUser::indonesian(102, "Budi");
    introduce(&app, &budi).await;
    grant(&app, &owner(), "/grant_hr 102").await;
    assert!(app.say(&budi, "/stats").await.contains("Rekap ikrar"));

    let text = app.say(&owner(), "/revoke_hr 102").await;
    assert!(text.starts_with('✅'), "{text}");
    assert_eq!(app.say(&budi, "/stats").await, Lang::Id.t("refused-role"));
    assert!(menu_deleted_for(&app, 102), "back to the default ASN menu");
    assert_eq!(audit_actions(&app)[0].1, "revoke_hr");

    // Revoking again: nothing to revoke.
    let text = app.say(&owner(), "/revoke_hr 102").await;
    assert!(text.contains("tidak memegang"), "{text}");
}

#[tokio::test]
async fn role_changes_refuse_bad_targets() {
    let app = spawn_app().await;
    let sari = TestUser::indonesian(101, "Sari");
    introduce(&app, &sari).await;

    let usage = Lang::Id.t_args("roles-usage", args!["command" => "grant_hr"]);
    assert_eq!(app.say(&owner(), "/grant_hr").await, usage);
    let text = app.say(&owner(), "/grant_hr sari").await;
    assert_eq!(
        text,
        Lang::Id.t_args("roles-not-a-user", args!["target" => "sari"])
    );
    let text = app.say(&owner(), "/grant_hr 424242").await;
    assert_eq!(
        text,
        Lang::Id.t_args("roles-unknown-user", args!["target" => "424242"])
    );
    let text = app.say(&owner(), "/grant_hr @nobody_here").await;
    assert!(text.contains("@nobody_here"), "{text}");
    assert_eq!(
        app.say(&owner(), "/grant_admin 9000").await,
        Lang::Id.t("roles-self")
    );
    // HR_IDS come from the configuration and stay there.
    introduce(&app, &TestUser::indonesian(HR_ID, "HR")).await;
    let text = app.say(&owner(), "/revoke_hr 8000").await;
    assert!(text.contains("HR_IDS"), "{text}");
    // Granting HR to an admin would demote them.
    grant(&app, &owner(), "/grant_admin 101").await;
    let text = app.say(&owner(), "/grant_hr 101").await;
    assert!(text.contains("lebih tinggi"), "{text}");
    // Only the grant went through.
    let actions: Vec<_> = audit_actions(&app).into_iter().map(|a| a.1).collect();
    assert_eq!(actions, ["grant_admin"]);
}

#[tokio::test]
async fn the_last_admin_cannot_be_removed() {
    let app = spawn_app().await;
    let text = app.say(&owner(), "/revoke_admin 9000").await;
    assert!(text.contains("admin terakhir"), "{text}");

    // With a second admin the owner still can't revoke themself: owners live in ADMIN_IDS.
    let sari = TestUser::indonesian(101, "Sari");
    introduce(&app, &sari).await;
    grant(&app, &owner(), "/grant_admin 101").await;
    assert_eq!(
        app.say(&owner(), "/revoke_admin 9000").await,
        Lang::Id.t("roles-self")
    );
    let text = app.say(&owner(), "/revoke_admin 101").await;
    assert!(text.starts_with('✅'), "{text}");
    assert!(menu_deleted_for(&app, 101));
}

#[tokio::test]
async fn only_owners_appoint_admins_and_only_admins_appoint_hr() {
    let app = spawn_app().await;
    let sari = TestUser::indonesian(101, "Sari");
    let budi = TestUser::indonesian(102, "Budi");
    introduce(&app, &sari).await;
    introduce(&app, &budi).await;
    grant(&app, &owner(), "/grant_admin 101").await;
    let refused = Lang::Id.t("refused-role");

    // An admin may not appoint or remove admins.
    assert_eq!(app.say(&sari, "/grant_admin 102").await, refused);
    assert_eq!(app.say(&sari, "/revoke_admin 9000").await, refused);
    // HR may not touch roles at all; ASN may not even list them.
    let hr = TestUser::indonesian(HR_ID, "HR");
    for cmd in [
        "/grant_hr 102",
        "/revoke_hr 102",
        "/grant_admin 102",
        "/roles",
    ] {
        assert_eq!(app.say(&hr, cmd).await, refused, "{cmd}");
    }
    for cmd in ["/grant_hr 102", "/revoke_admin 101", "/roles", "/audit"] {
        assert_eq!(app.say(&budi, cmd).await, refused, "{cmd}");
    }
    let actions: Vec<_> = audit_actions(&app).into_iter().map(|a| a.1).collect();
    assert_eq!(actions, ["grant_admin"]);
    let scoped: Vec<Value> = app
        .api
        .calls_to("setMyCommands")
        .into_iter()
        .filter_map(|c| c.params["scope"]["chat_id"].as_i64().map(Value::from))
        .collect();
    assert!(
        !scoped.contains(&Value::from(102)),
        "no menu for a refused target"
    );
}

#[tokio::test]
async fn a_username_that_changed_hands_is_refused_and_the_numeric_id_asked_for() {
    let app = spawn_app().await;
    // Budi was @kepegawaian, then renamed himself; Sari took the freed name later.
    let budi_before = TestUser::indonesian(201, "Budi").with_username("kepegawaian");
    introduce(&app, &budi_before).await;
    introduce(
        &app,
        &TestUser::indonesian(201, "Budi").with_username("budi_baru"),
    )
    .await;
    let sari = TestUser::indonesian(202, "Sari").with_username("Kepegawaian");
    introduce(&app, &sari).await;

    for command in ["/grant_hr @kepegawaian", "/revoke_hr @KEPEGAWAIAN"] {
        let text = app.say(&owner(), command).await;
        assert!(text.contains("201, 202"), "{command}: {text}");
        assert!(
            text.contains(&command[..command.find(' ').unwrap()]),
            "{command}: {text}"
        );
        let m = app.api.last_message_to(OWNER_ID).unwrap();
        assert!(m.buttons().is_empty(), "nothing to confirm: {command}");
    }
    // A username only one person ever had still works, through the preview.
    let (preview, text) = grant(&app, &owner(), "/grant_hr @budi_baru").await;
    assert!(preview.contains("201"), "{preview}");
    assert!(text.starts_with('✅') && text.contains("Budi"), "{text}");
    // And the numeric id settles it for Sari.
    let (preview, text) = grant(&app, &owner(), "/grant_hr 202").await;
    assert!(
        preview.contains("Sari") && preview.contains("202"),
        "{preview}"
    );
    assert!(text.starts_with('✅'), "{text}");
    let granted: Vec<String> = audit_actions(&app)
        .into_iter()
        .filter(|a| a.1 == "grant_hr")
        .map(|a| a.2)
        .collect();
    assert_eq!(granted, ["user=202", "user=201"]);
}

#[tokio::test]
async fn a_grant_waits_for_the_asking_officer_to_confirm_and_can_be_cancelled() {
    let app = spawn_app().await;
    let rina = TestUser::indonesian(301, "Rina").with_username("rina_dinkes");
    introduce(&app, &rina).await;
    app.store()
        .with(|c| {
            netralitas_bot::store::users::register(
                c,
                301,
                netralitas_bot::domain::Employment::Pns,
                &netralitas_bot::domain::FullName::parse("Rina Wulandari").unwrap(),
                None,
                &netralitas_bot::domain::UnitCode::parse("dinkes").unwrap(),
                common::now(),
            )
        })
        .unwrap();
    let other_admin = TestUser::indonesian(302, "Andi");
    introduce(&app, &other_admin).await;
    let (_, text) = grant(&app, &owner(), "/grant_admin 302").await;
    assert!(text.starts_with('✅'), "{text}");

    let preview = app.say(&owner(), "/grant_hr @rina_dinkes").await;
    assert!(
        preview.contains("Rina Wulandari") && preview.contains("Dinas Kesehatan"),
        "the preview names the person and the unit: {preview}"
    );
    // Nothing happened yet.
    let grants = |app: &TestApp| {
        audit_actions(app)
            .into_iter()
            .filter(|a| a.1 == "grant_hr")
            .count()
    };
    assert_eq!(grants(&app), 0);
    let m = app.api.last_message_to(OWNER_ID).unwrap();
    let confirm = m.button_data("✅ Ya, berikan peran HR").expect("confirm");
    let cancel = m.button_data("✖️ Batal").expect("cancel");

    // Another admin who forges the owner's press gets a stale button and changes nothing.
    let toast = app
        .press_for_answer(&other_admin, m.message_id, &confirm)
        .await;
    assert_eq!(
        toast.str_param("text"),
        Some(Lang::Id.t("callback-stale").as_str())
    );
    // A plain ASN pressing it is refused.
    let toast = app.press_for_answer(&rina, m.message_id, &confirm).await;
    assert_eq!(
        toast.str_param("text"),
        Some(Lang::Id.t("refused-role").as_str())
    );
    assert_eq!(grants(&app), 0);

    // Cancel: nothing changes, and the buttons are gone.
    let text = app.press(&owner(), m.message_id, &cancel).await;
    assert_eq!(text, Lang::Id.t("roles-grant-cancelled"));
    assert!(
        app.api.messages_to(OWNER_ID)[..]
            .iter()
            .find(|x| x.message_id == m.message_id)
            .unwrap()
            .buttons()
            .is_empty()
    );
    assert_eq!(grants(&app), 0);

    // Confirmed: granted once, audited once, and a second press can't grant again.
    let (_, text) = grant(&app, &owner(), "/grant_hr 301").await;
    assert!(text.starts_with('✅') && text.contains("Rina"), "{text}");
    assert_eq!(grants(&app), 1);
    let again = app.press(&owner(), m.message_id, &confirm).await;
    assert!(again.contains("sudah memegang"), "{again}");
    assert_eq!(grants(&app), 1);
}
