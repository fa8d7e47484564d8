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
    api.push_update(api.text(hr, &format!("/broadcast {text}")));
    api.press_latest(hr, |_, data| data.ends_with(":unit"), wait)
        .await;
    api.press_latest(hr, |_, data| data.ends_with(&unit_button), wait)
        .await;
    api.press_latest(hr, |label, _| label.contains("Kirim"), wait)
        .await
}
