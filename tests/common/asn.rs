//! A regency's staff for broadcast tests and benchmarks: registered ASN, and the HR officer
//! sending them a broadcast through the chat.

use std::ops::Range;
use std::time::{Duration, Instant};

use fake_bot_api::{FakeBotApi, TestUser};
use netralitas_bot::app::Clock;
use netralitas_bot::domain::{Employment, FullName, UnitCode};
use netralitas_bot::i18n::Lang;
use netralitas_bot::store::{Store, users};

/// Registers the ids in `unit`, straight in the store: Telegram isn't needed for that.
pub fn register(store: &Store, ids: Range<i64>, unit: &str) -> Vec<i64> {
    let name = FullName::parse("Pegawai Contoh").expect("name");
    let unit = UnitCode::parse(unit).expect("unit");
    store
        .with(|c| {
            let tx = c.transaction()?;
            let now = Clock::system().now();
            for id in ids.clone() {
                users::touch(&tx, id, &format!("ASN {id}"), None, Lang::Id, now)?;
                users::register(&tx, id, Employment::Pppk, &name, None, &unit, now)?;
            }
            tx.commit()?;
            Ok(())
        })
        .expect("seeding");
    ids.collect()
}

/// A bot database at `dir/netralitas.db` with the ids registered in `unit`: the file and
/// the ids.
pub fn database(
    dir: &std::path::Path,
    ids: Range<i64>,
    unit: &str,
) -> (std::path::PathBuf, Vec<i64>) {
    let db = dir.join("netralitas.db");
    let ids = register(&Store::open(&db).expect("the database opens"), ids, unit);
    (db, ids)
}

/// The officer sends `/broadcast <text>`, picks `unit`, and presses "Kirim", as in the
/// chat. Returns the instant of the press.
pub async fn broadcast_to_unit(
    api: &FakeBotApi,
    hr: &TestUser,
    text: &str,
    unit: &str,
    wait: Duration,
) -> Instant {
    let unit_button = format!(":{unit}");
    // The draft is one message, edited at each step. A late report of an earlier broadcast
    // may arrive after it, so its buttons are looked for among the messages sent since the
    // command, not on the very latest one.
    let since = api.messages_to(hr.id).len();
    api.push_update(api.text(hr, &format!("/broadcast {text}")));
    press_since(api, hr, since, |_, data| data.ends_with(":unit"), wait).await;
    press_since(api, hr, since, |_, data| data.ends_with(&unit_button), wait).await;
    press_since(api, hr, since, |label, _| label.contains("Kirim"), wait).await
}

/// Presses the button `pick` chooses on the newest of the messages to `user` after the
/// first `since` that has one, as soon as it shows up.
async fn press_since(
    api: &FakeBotApi,
    user: &TestUser,
    since: usize,
    pick: impl Fn(&str, &str) -> bool,
    wait: Duration,
) -> Instant {
    let deadline = Instant::now() + wait;
    loop {
        let found = api
            .messages_to(user.id)
            .into_iter()
            .skip(since)
            .rev()
            .find_map(|m| {
                let data = m.buttons().into_iter().find(|(l, d)| pick(l, d))?.1;
                Some((m.message_id, data))
            });
        if let Some((message_id, data)) = found {
            let at = Instant::now();
            api.push_update(api.callback(user, message_id, &data));
            return at;
        }
        assert!(
            Instant::now() < deadline,
            "no such button for user {} within {wait:?}",
            user.id
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
