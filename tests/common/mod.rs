//! One helper that starts the real bot against a fake Telegram Bot API on 127.0.0.1.
// Every test binary includes this module and uses a different part of it.
#![allow(dead_code)]

pub mod asn;
pub mod bot_process;

// The fake Bot API is its own crate (tests/fake-bot-api), compiled once for every test
// binary; re-exported so tests name it `common::fake_bot_api`.
pub use fake_bot_api;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use netralitas_bot::app::Clock;
use netralitas_bot::config::Config;
use netralitas_bot::startup::{self, Running};
use netralitas_bot::store::Store;

pub use fake_bot_api::{Call, FakeBotApi, TestUser};

/// The owner (ADMIN_IDS) in every test app.
pub const OWNER_ID: i64 = 9_000;
/// An HR officer from HR_IDS in every test app.
pub const HR_ID: i64 = 8_000;

/// Short polls keep restarts and shutdowns fast in tests.
const TEST_POLL: Duration = Duration::from_secs(1);
/// How long a test waits for the bot's reply before failing.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct TestApp {
    pub api: FakeBotApi,
    pub db_path: PathBuf,
    env: HashMap<String, String>,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

/// "Now" for rows a test writes straight into the store, from the bot's own clock type.
pub fn now() -> DateTime<Utc> {
    Clock::system().now()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the bot with the test defaults overridden by `env`.
pub async fn spawn_app_with(env: &[(&str, &str)]) -> TestApp {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db_path = dir.path().join("netralitas.db");
    let mut vars: HashMap<String, String> = [
        ("TELOXIDE_TOKEN", "123456:TEST-TOKEN".to_owned()),
        ("TELOXIDE_API_URL", api.url()),
        ("DATABASE_PATH", db_path.display().to_string()),
        ("ADMIN_IDS", OWNER_ID.to_string()),
        ("HR_IDS", HR_ID.to_string()),
        // The suite's scenarios are written around this election, not the shipped default.
        ("ELECTION_NAME", "Pilkada Serentak 2020".to_owned()),
        ("ELECTION_DATE", "2020-12-09".to_owned()),
        // Scenarios play one user's whole session in milliseconds, faster than any person
        // types; flood control is tested on its own (tests/flood.rs) with the real defaults.
        ("FLOOD_BURST", "100000".to_owned()),
        (
            "HELPDESK_CONTACT",
            "BKPSDM Kab. Contoh (0812-0000-0000)".to_owned(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for (k, v) in env {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    let mut app = TestApp {
        api,
        db_path,
        env: vars,
        running: None,
        _dir: dir,
    };
    app.start().await;
    app
}

impl TestApp {
    pub fn config(&self) -> Config {
        Config::from_lookup(|k| self.env.get(k).cloned()).expect("test configuration is valid")
    }

    async fn start(&mut self) {
        let running = startup::start(self.config(), TEST_POLL)
            .await
            .expect("the bot starts");
        self.running = Some(running);
    }

    /// The store of the running bot (same file, same connection).
    pub fn store(&self) -> Store {
        self.running
            .as_ref()
            .map(|r| r.app.store.clone())
            .unwrap_or_else(|| Store::open(&self.db_path).expect("open test db"))
    }

    /// The one number `sql` reads from the bot's database (a `COUNT(*)`, mostly).
    pub fn count(&self, sql: &str) -> i64 {
        self.store()
            .with(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
            .unwrap()
    }

    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
    }

    /// Stops the bot and starts it again on the same database and fake API.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start().await;
    }

    /// Sends `text` from `user` and waits for the next message the bot sends to them.
    pub async fn say(&self, user: &TestUser, text: &str) -> String {
        let before = self.api.messages_to(user.id).len();
        self.api.push_update(self.api.text(user, text));
        self.next_message(user, before).await
    }

    /// Presses a button on one of the bot's messages and waits for the next message.
    pub async fn press(&self, user: &TestUser, message_id: i32, data: &str) -> String {
        let before = self.api.messages_to(user.id).len();
        self.api
            .push_update(self.api.callback(user, message_id, data));
        self.next_message(user, before).await
    }

    /// Presses a button and waits for Telegram's answer to the press (the toast, if any).
    pub async fn press_for_answer(&self, user: &TestUser, message_id: i32, data: &str) -> Call {
        let mark = self.api.mark();
        self.api
            .push_update(self.api.callback(user, message_id, data));
        self.api
            .wait_for_call_since(mark, |c| c.method == "answerCallbackQuery", REPLY_TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("the button {data} was never answered"))
    }

    pub async fn next_message(&self, user: &TestUser, seen: usize) -> String {
        let deadline = tokio::time::Instant::now() + REPLY_TIMEOUT;
        loop {
            let messages = self.api.messages_to(user.id);
            if messages.len() > seen {
                return messages[seen].text.clone();
            }
            if tokio::time::Instant::now() > deadline {
                panic!("no reply to user {} within {REPLY_TIMEOUT:?}", user.id);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
