//! Issue 12: a revocation takes effect at once (running and scheduled broadcasts of the
//! officer are cancelled, the worker re-checks the author's role), `/broadcasts` pages
//! through every open broadcast, and any officer can cancel one by id, by command or button.

mod common;

use std::time::Duration;

use common::{OWNER_ID, TestApp, TestUser, asn, spawn_app_with};
use netralitas_bot::domain::Role;
use netralitas_bot::domain::broadcast::Audience;
use netralitas_bot::i18n::Lang;
use netralitas_bot::store::broadcasts::{self, Status};
use netralitas_bot::store::{Store, audit, users};

const FIRST_ASN: i64 = 200_000;
/// An officer granted HR in the bot (not from `HR_IDS`), so /revoke_hr applies.
const OFFICER: i64 = 7_000;

fn grant_hr(store: &Store, id: i64) {
    store
        .with(|c| {
            users::touch(c, id, "Pak Petugas", None, Lang::Id, common::now())?;
            users::set_role(c, id, Role::Hr)?;
            Ok(())
        })
        .unwrap();
}

/// A confirmed broadcast of `author` to everyone, now or at `at`.
fn confirmed(
    store: &Store,
    author: i64,
    text: &str,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> i64 {
    store
        .with(|c| {
            let now = common::now();
            let id = broadcasts::create_text_draft(c, author, text, &[], at, now)?;
            broadcasts::set_audience(c, id, author, &Audience::All)?;
            broadcasts::confirm(c, id, author, "Pilkada Serentak 2020", now, None)?;
            Ok(id)
        })
        .unwrap()
}

fn status(store: &Store, id: i64) -> Status {
    store
        .with(|c| Ok(broadcasts::get(c, id)?.unwrap().status))
        .unwrap()
}

fn delivered(app: &TestApp, users: &[i64]) -> usize {
    let per_chat = app.api.deliveries_per_chat();
    users.iter().filter(|u| per_chat.contains_key(u)).count()
}

async fn wait_for_deliveries(app: &TestApp, users: &[i64], n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while delivered(app, users) < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} delivered",
            delivered(app, users)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revoking_an_officer_mid_broadcast_stops_it_within_a_second_and_cancels_the_scheduled_one()
{
    let app = spawn_app_with(&[("BROADCAST_RATE", "2")]).await;
    let store = app.store();
    let all = asn::register(&store, FIRST_ASN..FIRST_ASN + 40, "setda");
    grant_hr(&store, OFFICER);
    let running = confirmed(&store, OFFICER, "Apel pagi", None);
    let later = common::now() + chrono::Duration::days(2);
    let scheduled = confirmed(&store, OFFICER, "Apel besok", Some(later));
    wait_for_deliveries(&app, &all, 3).await;

    let owner = TestUser::new(OWNER_ID, "Pak Owner");
    let reply = app.say(&owner, &format!("/revoke_hr {OFFICER}")).await;
    assert!(reply.contains("2 siaran"), "{reply}");
    assert!(reply.contains("dibatalkan"), "{reply}");
    assert_eq!(status(&store, running), Status::Cancelled);
    assert_eq!(status(&store, scheduled), Status::Cancelled);

    // Requests already in flight may still land during the first second; none after it.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after_a_second = delivered(&app, &all);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(delivered(&app, &all), after_a_second);
    assert!(after_a_second < all.len(), "{after_a_second}");
    let p = store.with(|c| broadcasts::progress(c, running)).unwrap();
    assert_eq!(p.remaining, 0, "{p:?}");
    assert!(p.cancelled > 0, "{p:?}");
    let log = store.with(|c| audit::latest(c, 20)).unwrap();
    assert!(
        log.iter()
            .any(|e| e.detail.contains(&format!("cancelled #{scheduled}"))
                && e.detail.contains("revoked")),
        "{log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_worker_cancels_a_broadcast_whose_author_lost_the_role_another_way() {
    let app = spawn_app_with(&[("BROADCAST_RATE", "2")]).await;
    let store = app.store();
    let all = asn::register(&store, FIRST_ASN..FIRST_ASN + 30, "setda");
    grant_hr(&store, OFFICER);
    let running = confirmed(&store, OFFICER, "Apel pagi", None);
    wait_for_deliveries(&app, &all, 2).await;
    // Straight in the database: no revocation use case ran, only the worker's re-check.
    store
        .with(|c| users::set_role(c, OFFICER, Role::Asn).map(|_| ()))
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while status(&store, running) != Status::Cancelled {
        assert!(tokio::time::Instant::now() < deadline, "still running");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let stopped_at = delivered(&app, &all);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(delivered(&app, &all), stopped_at);
    assert!(stopped_at < all.len());
    let log = store.with(|c| audit::latest(c, 20)).unwrap();
    assert!(
        log.iter()
            .any(|e| e.detail.contains(&format!("cancelled #{running}"))
                && e.detail.contains("no longer HR")),
        "{log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_eleventh_open_broadcast_can_be_listed_and_cancelled_by_button_and_command() {
    let app = spawn_app_with(&[]).await;
    let store = app.store();
    asn::register(&store, FIRST_ASN..FIRST_ASN + 2, "setda");
    grant_hr(&store, OFFICER);
    let later = common::now() + chrono::Duration::days(3);
    let ids: Vec<i64> = (0..12)
        .map(|i| confirmed(&store, OFFICER, &format!("Siaran {i}"), Some(later)))
        .collect();
    let (eleventh, twelfth) = (ids[1], ids[0]);
    // Another officer (from HR_IDS) lists and cancels the first officer's broadcasts.
    let hr = TestUser::new(common::HR_ID, "Bu HR");
    let first = app.say(&hr, "/broadcasts").await;
    assert!(first.contains("Halaman 1 dari 2"), "{first}");
    assert!(!first.contains(&format!("#{eleventh} ")), "{first}");
    let m = app.api.last_message_to(hr.id).unwrap();
    let next = m
        .button_data("Berikutnya")
        .unwrap_or_else(|| panic!("{:?}", m.buttons()));
    let second = app.press(&hr, m.message_id, &next).await;
    assert!(second.contains(&format!("#{eleventh} ")), "{second}");
    assert!(second.contains("Halaman 2 dari 2"), "{second}");
    let m = app.api.last_message_to(hr.id).unwrap();
    let stop = m
        .button_data(&format!("#{eleventh}"))
        .unwrap_or_else(|| panic!("{:?}", m.buttons()));
    let done = app.press(&hr, m.message_id, &stop).await;
    assert!(done.contains(&format!("#{eleventh} dihentikan")), "{done}");
    assert_eq!(status(&store, eleventh), Status::Cancelled);

    let done = app.say(&hr, &format!("/cancel_broadcast {twelfth}")).await;
    assert!(done.contains(&format!("#{twelfth} dihentikan")), "{done}");
    assert_eq!(status(&store, twelfth), Status::Cancelled);
    // Again, or a number that never existed: a polite no, nothing changes.
    let again = app.say(&hr, &format!("/cancel_broadcast {twelfth}")).await;
    assert!(again.contains("Tidak ada siaran terbuka"), "{again}");
    let forged = app.say(&hr, "/cancel_broadcast 99999").await;
    assert!(forged.contains("Tidak ada siaran terbuka"), "{forged}");
    let usage = app.say(&hr, "/cancel_broadcast besok").await;
    assert!(usage.contains("Format: /cancel_broadcast"), "{usage}");
    let log = store.with(|c| audit::latest(c, 10)).unwrap();
    assert!(
        log.iter()
            .any(|e| e.actor_id == common::HR_ID
                && e.detail.contains(&format!("cancelled #{twelfth}"))),
        "{log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_non_officer_cannot_cancel_by_command_or_forged_button() {
    let app = spawn_app_with(&[]).await;
    let store = app.store();
    let all = asn::register(&store, FIRST_ASN..FIRST_ASN + 2, "setda");
    grant_hr(&store, OFFICER);
    let later = common::now() + chrono::Duration::days(3);
    let id = confirmed(&store, OFFICER, "Siaran", Some(later));
    let user = TestUser::new(all[0], "Pak ASN");
    let reply = app.say(&user, &format!("/cancel_broadcast {id}")).await;
    assert!(reply.contains("hanya untuk petugas"), "{reply}");
    let data = netralitas_bot::telegram::callback::CallbackData::Broadcast(
        netralitas_bot::telegram::callback::BroadcastAction::Stop { id },
    )
    .encode();
    let answer = app.press_for_answer(&user, 1, &data).await;
    assert!(
        answer
            .str_param("text")
            .is_some_and(|t| t.contains("hanya untuk petugas")),
        "{answer:?}"
    );
    assert_eq!(status(&store, id), Status::Scheduled);
    // A revoked officer is refused at the moment they press, too.
    store
        .with(|c| users::set_role(c, OFFICER, Role::Asn).map(|_| ()))
        .unwrap();
    let officer = TestUser::new(OFFICER, "Pak Petugas");
    let reply = app.say(&officer, &format!("/cancel_broadcast {id}")).await;
    assert!(reply.contains("hanya untuk petugas"), "{reply}");
    assert_eq!(status(&store, id), Status::Scheduled);
}
