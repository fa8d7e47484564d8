//! A fake Telegram Bot API server for end-to-end tests and benchmarks.
//!
//! It speaks the real wire protocol (`POST|GET /bot<TOKEN>/<method>` with a JSON,
//! `application/x-www-form-urlencoded` or `multipart/form-data` body, answers
//! `{"ok":true,"result":...}` or `{"ok":false,"error_code":N,"description":"..."}`),
//! so the real bot (teloxide `Bot` + `Dispatcher` with long polling) runs against it
//! unchanged: point `TELOXIDE_API_URL` / `Bot::set_api_url` at [`FakeBotApi::url`].
//!
//! * Updates are queued with [`FakeBotApi::push_update`] (built with [`FakeBotApi::text`],
//!   [`FakeBotApi::callback`], ...) and served by `getUpdates` with Telegram's `offset`
//!   confirmation and long-polling semantics.
//! * Every request is recorded as a [`Call`]; messages the bot sent or edited are kept per chat
//!   ([`FakeBotApi::messages_to`]).
//! * Faults can be injected: blocked / deactivated users, a global rate limit (429 with
//!   `retry_after`), and 5xx answers for the next N calls of a method.
//! * In *strict* mode (the default) the server also rejects what Telegram rejects: empty or
//!   too long texts, malformed `parse_mode=HTML`, bad `callback_data`, edits that change
//!   nothing, edits/deletes of unknown messages, unknown or already answered callback queries.
//!
//! One module per concern: `server` (HTTP routing and the handle), `wire` (request decoding),
//! `state` (the shared state and the method dispatch), `updates` (the `getUpdates` queue and
//! the update builders), `messages`, `edits`, `callbacks`, `files` and `commands` (the
//! methods), `validate` (strict mode), `rate_limit` and `faults` (what can go wrong), and
//! `log` (the recorded calls and counters).

mod callbacks;
mod commands;
mod edits;
mod error;
mod faults;
mod files;
mod json;
mod log;
mod messages;
mod rate_limit;
mod server;
mod state;
mod updates;
mod user;
mod validate;
mod wire;

pub use log::Call;
pub use messages::{SentKind, SentMessage};
pub use rate_limit::{GROUP_BURST, PAID_PER_SECOND, PRIVATE_BURST};
pub use server::FakeBotApi;
pub use user::TestUser;

/// User id of the fake bot (what `getMe` answers and the `from` of every bot message).
pub const BOT_ID: i64 = 7_000_000_001;
/// Username of the fake bot, without the `@`.
pub const BOT_USERNAME: &str = "netralitas_test_bot";
/// First name of the fake bot.
pub const BOT_FIRST_NAME: &str = "Netralitas Test Bot";
/// A token tests can use; the server accepts any token.
pub const DEFAULT_TOKEN: &str = "123456:TEST-TOKEN";
