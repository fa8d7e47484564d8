//! End to end: /backup gives an owner the database as a document in the private chat, and
//! nobody else (nor any group) gets anything but a polite refusal.

mod common;

use common::{HR_ID, OWNER_ID, REPLY_TIMEOUT, TestApp, TestUser, spawn_app};
use netralitas_bot::domain::{Employment, FullName, Role, UnitCode};
use netralitas_bot::i18n::Lang;
use netralitas_bot::store::{audit, pledges, users};

const ELECTION: &str = "Pilkada Serentak 2020";
const PLEDGED: i64 = 25;

fn seed(app: &TestApp) {
    app.store()
        .with(|c| {
            for id in 1_000..1_000 + PLEDGED {
                users::touch(c, id, "ASN", None, Lang::Id, common::now())?;
                users::register(
                    c,
                    id,
                    Employment::Pppk,
                    &FullName::parse(&format!("Pegawai {id}")).unwrap(),
                    None,
                    &UnitCode::parse("setda").unwrap(),
                    common::now(),
                )?;
                pledges::confirm(c, id, ELECTION, "h", common::now())?;
            }
            Ok(())
        })
        .unwrap();
}

fn backups_audited(app: &TestApp) -> usize {
    app.store()
        .with(|c| audit::latest(c, 50))
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "backup")
        .count()
}

/// Files next to the database other than the database's own.
fn leftovers(app: &TestApp) -> Vec<String> {
    let dir = app.db_path.parent().unwrap();
    let db = app
        .db_path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(&db))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_gets_a_database_with_every_pledge_and_the_copy_is_deleted() {
    let app = spawn_app().await;
    seed(&app);
    let owner = TestUser::indonesian(OWNER_ID, "Pemilik");
    let mark = app.api.mark();
    app.api.push_update(app.api.text(&owner, "/backup"));
    let call = app
        .api
        .wait_for_call_since(mark, |c| c.method == "sendDocument", REPLY_TIMEOUT)
        .await
        .expect("the document");
    let (name, bytes) = call.file.clone().expect("the database is uploaded");
    assert!(
        name.ends_with(".db") && name.starts_with("netralitas-"),
        "{name}"
    );
    assert!(
        call.str_param("caption")
            .unwrap_or_default()
            .contains("25 ikrar"),
        "{:?}",
        call.params
    );

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    std::fs::write(&copy, &bytes).unwrap();
    let conn = netralitas_bot::store::rusqlite::Connection::open(&copy).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let pledged: i64 = conn
        .query_row("SELECT COUNT(*) FROM pledges", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pledged, PLEDGED);

    // One status message, edited through to the end.
    let done = Lang::Id.t_args(
        "backup-done",
        netralitas_bot::args!["pledges" => PLEDGED, "size" => "\u{1}"],
    );
    let head = done.split('\u{1}').next().unwrap().to_owned();
    let status = app
        .api
        .wait_for_message(OWNER_ID, |t| t.starts_with(&head), REPLY_TIMEOUT)
        .await
        .expect("the status message ends with 'sent'");
    assert!(status.edits >= 2, "copying → sending → done: {status:?}");
    let texts: Vec<_> = app
        .api
        .messages_to(OWNER_ID)
        .into_iter()
        .filter(|m| m.kind == common::fake_bot_api::SentKind::Text)
        .collect();
    assert_eq!(texts.len(), 1, "one status message, not one per step");

    assert_eq!(backups_audited(&app), 1);
    assert!(leftovers(&app).is_empty(), "{:?}", leftovers(&app));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_else_and_every_group_get_a_polite_refusal() {
    let app = spawn_app().await;
    seed(&app);
    let admin = TestUser::indonesian(7_002, "Admin");
    app.say(&admin, "/help").await;
    app.store()
        .with(|c| users::set_role(c, admin.id, Role::Admin).map(|_| ()))
        .unwrap();
    let refused = Lang::Id.t("refused-role");
    for who in [
        admin,
        TestUser::indonesian(HR_ID, "HR"),
        TestUser::indonesian(1_000, "ASN"),
        TestUser::indonesian(55_555, "Tamu"),
    ] {
        assert_eq!(app.say(&who, "/backup").await, refused, "{}", who.id);
    }
    let owner = TestUser::indonesian(OWNER_ID, "Pemilik");
    let group = -100_777;
    app.api
        .push_update(app.api.group_text(&owner, group, "/backup"));
    let reply = app
        .api
        .wait_for_message(group, |_| true, REPLY_TIMEOUT)
        .await
        .expect("a reply in the group");
    assert_eq!(reply.text, Lang::Id.t("reports-private-only"));
    assert_eq!(app.api.count_calls_to("sendDocument"), 0);
    assert_eq!(backups_audited(&app), 0);
}
