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
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// User id of the fake bot (what `getMe` answers and the `from` of every bot message).
pub const BOT_ID: i64 = 7_000_000_001;
/// Username of the fake bot, without the `@`.
pub const BOT_USERNAME: &str = "netralitas_test_bot";
/// First name of the fake bot.
pub const BOT_FIRST_NAME: &str = "Netralitas Test Bot";
/// A token tests can use; the server accepts any token.
pub const DEFAULT_TOKEN: &str = "123456:TEST-TOKEN";

/// Longest `getUpdates` long poll the server honours (Telegram's own cap is 50 s).
const MAX_LONG_POLL: Duration = Duration::from_secs(50);
/// Uploads up to this size are accepted (Telegram's limit for bots is 50 MB).
const MAX_BODY: usize = 64 * 1024 * 1024;
const MAX_TEXT: usize = 4096;
const MAX_CAPTION: usize = 1024;

const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const CONFLICT: &str = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

// ---------------------------------------------------------------------------------------------
// Public data types
// ---------------------------------------------------------------------------------------------

/// A Telegram user talking to the bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl TestUser {
    /// A user with Telegram's language code `id` (Indonesian), no last name, no username.
    pub fn new(id: i64, first_name: &str) -> Self {
        Self {
            id,
            first_name: first_name.to_owned(),
            last_name: None,
            username: None,
            language_code: Some("id".to_owned()),
        }
    }

    /// An Indonesian user (`language_code = "id"`).
    pub fn indonesian(id: i64, first_name: &str) -> Self {
        Self::new(id, first_name).with_language("id")
    }

    /// An English user (`language_code = "en"`).
    pub fn english(id: i64, first_name: &str) -> Self {
        Self::new(id, first_name).with_language("en")
    }

    pub fn with_last_name(mut self, last_name: &str) -> Self {
        self.last_name = Some(last_name.to_owned());
        self
    }

    pub fn with_username(mut self, username: &str) -> Self {
        self.username = Some(username.to_owned());
        self
    }

    pub fn with_language(mut self, code: &str) -> Self {
        self.language_code = Some(code.to_owned());
        self
    }

    /// Telegram omits `language_code` for some clients.
    pub fn without_language(mut self) -> Self {
        self.language_code = None;
        self
    }

    /// The id of the private chat with this user (same as the user id).
    pub fn chat_id(&self) -> i64 {
        self.id
    }

    pub fn full_name(&self) -> String {
        match &self.last_name {
            Some(last) => format!("{} {last}", self.first_name),
            None => self.first_name.clone(),
        }
    }

    /// The Bot API `User` object.
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("is_bot".into(), json!(false));
        m.insert("first_name".into(), json!(self.first_name));
        put_opt(&mut m, "last_name", self.last_name.as_deref());
        put_opt(&mut m, "username", self.username.as_deref());
        put_opt(&mut m, "language_code", self.language_code.as_deref());
        Value::Object(m)
    }

    /// The Bot API `Chat` object of the private chat with this user.
    pub fn private_chat_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("type".into(), json!("private"));
        m.insert("first_name".into(), json!(self.first_name));
        put_opt(&mut m, "last_name", self.last_name.as_deref());
        put_opt(&mut m, "username", self.username.as_deref());
        Value::Object(m)
    }
}

/// One request the bot made, successful or not.
#[derive(Clone, Debug)]
pub struct Call {
    /// Canonical method name (`sendMessage`, ...) — Telegram method names are case-insensitive.
    pub method: String,
    /// The request parameters as a JSON object. JSON bodies are kept as sent; form and multipart
    /// text fields are decoded: numbers, booleans, objects and arrays are parsed (so
    /// `chat_id` is a number and `reply_markup` an object either way) except for free-text
    /// fields (`text`, `caption`, `data`, ...), which stay strings.
    pub params: Value,
    /// The first uploaded file of a multipart request: (file name, bytes).
    pub file: Option<(String, Vec<u8>)>,
    /// When the request arrived.
    pub at: Instant,
    /// HTTP status of the answer (200 on success).
    pub status: u16,
}

impl Call {
    pub fn ok(&self) -> bool {
        self.status == 200
    }

    /// `chat_id` as a number (whether it was sent as a JSON number or a string).
    pub fn chat_id(&self) -> Option<i64> {
        self.params.get("chat_id").and_then(value_i64)
    }

    pub fn message_id(&self) -> Option<i64> {
        self.params.get("message_id").and_then(value_i64)
    }

    pub fn str_param(&self, key: &str) -> Option<&str> {
        self.params.get(key).and_then(Value::as_str)
    }

    pub fn i64_param(&self, key: &str) -> Option<i64> {
        self.params.get(key).and_then(value_i64)
    }

    /// `text`, or else `caption`.
    pub fn text(&self) -> Option<&str> {
        self.str_param("text").or_else(|| self.str_param("caption"))
    }
}

/// What kind of message the bot sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SentKind {
    Text,
    Photo,
    Document,
    /// A `copyMessage` of a user's message; [`FakeBotApi::copies_to`] tells which one.
    Copy,
}

/// A message the bot sent, in its latest (edited) state.
#[derive(Clone, Debug)]
pub struct SentMessage {
    pub chat_id: i64,
    pub message_id: i32,
    pub kind: SentKind,
    /// The text as the bot sent it (raw, e.g. still with HTML tags); the caption for media.
    pub text: String,
    pub parse_mode: Option<String>,
    /// The `reply_markup` the bot sent (inline keyboard, reply keyboard, remove, force reply),
    /// replaced by every edit (an edit without `reply_markup` removes the inline keyboard, as
    /// on Telegram).
    pub reply_markup: Option<Value>,
    /// File name of a document.
    pub file_name: Option<String>,
    /// How many times the text / caption / markup was edited.
    pub edits: u32,
    /// Deleted by `deleteMessage` (deleted messages stay in the list so indices are stable).
    pub deleted: bool,
}

impl SentMessage {
    /// Texts of the inline keyboard buttons, row by row.
    pub fn button_texts(&self) -> Vec<String> {
        self.buttons().into_iter().map(|(t, _)| t).collect()
    }

    /// `(text, callback_data)` of every inline button that has callback data.
    pub fn buttons(&self) -> Vec<(String, String)> {
        let Some(rows) = self
            .reply_markup
            .as_ref()
            .and_then(|m| m.get("inline_keyboard"))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        rows.iter()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|b| {
                Some((
                    b.get("text")?.as_str()?.to_owned(),
                    b.get("callback_data")?.as_str()?.to_owned(),
                ))
            })
            .collect()
    }

    /// The callback data of the first inline button whose text contains `label`.
    pub fn button_data(&self, label: &str) -> Option<String> {
        self.buttons()
            .into_iter()
            .find(|(t, _)| t.contains(label))
            .map(|(_, d)| d)
    }
}

// ---------------------------------------------------------------------------------------------
// Server state
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChatFault {
    Blocked,
    Deactivated,
    NotFound,
}

impl ChatFault {
    fn error(self) -> ApiErr {
        match self {
            Self::Blocked => ApiErr::new(403, "Forbidden: bot was blocked by the user"),
            Self::Deactivated => ApiErr::new(403, "Forbidden: user is deactivated"),
            Self::NotFound => ApiErr::new(400, "Bad Request: chat not found"),
        }
    }
}

#[derive(Clone, Debug)]
struct ApiErr {
    status: u16,
    description: String,
    retry_after: Option<u64>,
}

impl ApiErr {
    fn new(status: u16, description: impl Into<String>) -> Self {
        Self {
            status,
            description: description.into(),
            retry_after: None,
        }
    }

    fn bad(description: &str) -> Self {
        Self::new(400, format!("Bad Request: {description}"))
    }

    fn body(&self) -> Value {
        let mut body = json!({
            "ok": false,
            "error_code": self.status,
            "description": self.description,
        });
        if let Some(s) = self.retry_after {
            body["parameters"] = json!({ "retry_after": s });
        }
        body
    }
}

type ApiResult = Result<Value, ApiErr>;

struct StoredMessage {
    chat_id: i64,
    message_id: i32,
    kind: SentKind,
    text: String,
    parse_mode: Option<String>,
    reply_markup: Option<Value>,
    file_name: Option<String>,
    edits: u32,
    deleted: bool,
    /// The Bot API `Message` object in its current state.
    json: Value,
}

impl StoredMessage {
    /// A fresh, unedited message; callers fill in what their kind carries.
    fn new(chat_id: i64, message_id: i32, kind: SentKind, json: Value) -> StoredMessage {
        StoredMessage {
            chat_id,
            message_id,
            kind,
            text: String::new(),
            parse_mode: None,
            reply_markup: None,
            file_name: None,
            edits: 0,
            deleted: false,
            json,
        }
    }

    fn public(&self) -> SentMessage {
        SentMessage {
            chat_id: self.chat_id,
            message_id: self.message_id,
            kind: self.kind,
            text: self.text.clone(),
            parse_mode: self.parse_mode.clone(),
            reply_markup: self.reply_markup.clone(),
            file_name: self.file_name.clone(),
            edits: self.edits,
            deleted: self.deleted,
        }
    }
}

struct StoredFile {
    file_id: String,
    unique_id: String,
    path: String,
    bytes: Vec<u8>,
}

struct ServerState {
    next_update_id: u32,
    /// Updates not yet confirmed by a `getUpdates` offset.
    updates: VecDeque<Value>,
    next_message_id: i32,
    next_callback_id: u64,
    next_file_id: u64,
    calls: Vec<Call>,
    /// Bot messages by (chat, message id).
    messages: HashMap<(i64, i32), StoredMessage>,
    /// Bot message ids per chat, in send order.
    chat_order: HashMap<i64, Vec<i32>>,
    /// Messages users sent (built by the update builders): (chat, message id).
    incoming: HashSet<(i64, i32)>,
    /// (chat, message id) of each copy → the (chat, message id) it copies.
    copies: HashMap<(i64, i32), (i64, i32)>,
    last_incoming: HashMap<(i64, i64), i32>,
    users: HashMap<i64, TestUser>,
    open_callbacks: HashSet<String>,
    files: HashMap<String, StoredFile>,
    commands: HashMap<String, Value>,
    menu_button: Option<Value>,
    chat_faults: HashMap<i64, ChatFault>,
    failures: HashMap<String, VecDeque<ApiErr>>,
    rate_limit: Option<usize>,
    retry_after: u64,
    send_window: VecDeque<Instant>,
    status_counts: HashMap<u16, usize>,
    deliveries: HashMap<i64, usize>,
    strict: bool,
    /// Off in long benchmarks: the call log would dominate the process's memory.
    record_calls: bool,
    /// How long a send takes to answer after it has been delivered, like a slow network.
    send_delay: Duration,
}

impl ServerState {
    fn new() -> Self {
        Self {
            next_update_id: 1,
            updates: VecDeque::new(),
            next_message_id: 1,
            next_callback_id: 1,
            next_file_id: 1,
            calls: Vec::new(),
            messages: HashMap::new(),
            chat_order: HashMap::new(),
            incoming: HashSet::new(),
            copies: HashMap::new(),
            last_incoming: HashMap::new(),
            users: HashMap::new(),
            open_callbacks: HashSet::new(),
            files: HashMap::new(),
            commands: HashMap::new(),
            menu_button: None,
            chat_faults: HashMap::new(),
            failures: HashMap::new(),
            rate_limit: None,
            retry_after: 1,
            send_window: VecDeque::new(),
            status_counts: HashMap::new(),
            deliveries: HashMap::new(),
            strict: true,
            record_calls: true,
            send_delay: Duration::ZERO,
        }
    }

    fn message_id(&mut self) -> i32 {
        let id = self.next_message_id;
        self.next_message_id += 1;
        id
    }

    fn file_seq(&mut self) -> u64 {
        let id = self.next_file_id;
        self.next_file_id += 1;
        id
    }

    /// Forgets updates below `offset` (negative: keeps only the last `-offset` updates).
    fn confirm(&mut self, offset: i64) {
        if offset > 0 {
            while self
                .updates
                .front()
                .and_then(|u| u.get("update_id"))
                .and_then(Value::as_i64)
                .is_some_and(|id| id < offset)
            {
                self.updates.pop_front();
            }
        } else if offset < 0 {
            let keep = offset.unsigned_abs() as usize;
            while self.updates.len() > keep {
                self.updates.pop_front();
            }
        }
    }

    fn chat_json(&self, chat_id: i64) -> Value {
        if chat_id > 0 {
            match self.users.get(&chat_id) {
                Some(u) => u.private_chat_json(),
                None => json!({"id": chat_id, "type": "private", "first_name": "User"}),
            }
        } else if chat_id < -1_000_000_000_000 {
            json!({"id": chat_id, "type": "supergroup", "title": "Test Supergroup"})
        } else {
            json!({"id": chat_id, "type": "group", "title": "Test Group"})
        }
    }

    fn base_message(&self, message_id: i32, chat_id: i64) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("message_id".into(), json!(message_id));
        m.insert("from".into(), bot_user_json());
        m.insert("chat".into(), self.chat_json(chat_id));
        m.insert("date".into(), json!(now_unix()));
        m
    }

    fn store(&mut self, msg: StoredMessage) {
        self.chat_order
            .entry(msg.chat_id)
            .or_default()
            .push(msg.message_id);
        self.messages.insert((msg.chat_id, msg.message_id), msg);
    }

    fn register_file(&mut self, prefix: &str, dir: &str, name: &str, bytes: Vec<u8>) -> Value {
        let n = self.file_seq();
        let file_id = format!("{prefix}-{n}-fake");
        let unique_id = format!("u{prefix}{n}");
        let path = format!("{dir}/file_{n}_{name}");
        let size = bytes.len();
        self.files.insert(
            file_id.clone(),
            StoredFile {
                file_id: file_id.clone(),
                unique_id: unique_id.clone(),
                path,
                bytes,
            },
        );
        json!({"file_id": file_id, "file_unique_id": unique_id, "file_size": size})
    }

    fn visible_messages(&self, chat_id: i64, kinds: &[SentKind]) -> Vec<SentMessage> {
        self.chat_order
            .get(&chat_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.messages.get(&(chat_id, *id)))
            .filter(|m| kinds.contains(&m.kind))
            .map(StoredMessage::public)
            .collect()
    }

    // -- dispatch -------------------------------------------------------------------------

    fn execute(
        &mut self,
        method: &'static str,
        p: &Value,
        file: Option<&(String, Vec<u8>)>,
    ) -> ApiResult {
        if let Some(err) = self.failures.get_mut(method).and_then(VecDeque::pop_front) {
            return Err(err);
        }
        let chat_id = p.get("chat_id").and_then(value_i64);
        if let Some(fault) = chat_id.and_then(|c| self.chat_faults.get(&c)) {
            return Err(fault.error());
        }
        let limited = is_rate_limited(method);
        if limited && let Some(per_second) = self.rate_limit {
            let now = Instant::now();
            while self
                .send_window
                .front()
                .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
            {
                self.send_window.pop_front();
            }
            if self.send_window.len() >= per_second {
                let s = self.retry_after;
                return Err(ApiErr {
                    status: 429,
                    description: format!("Too Many Requests: retry after {s}"),
                    retry_after: Some(s),
                });
            }
        }
        let result = match method {
            "getMe" => Ok(me_json()),
            "getWebhookInfo" => Ok(json!({
                "url": "",
                "has_custom_certificate": false,
                "pending_update_count": self.updates.len(),
            })),
            "deleteWebhook" => {
                if p.get("drop_pending_updates").and_then(value_bool) == Some(true) {
                    self.updates.clear();
                }
                Ok(json!(true))
            }
            "sendMessage" => self.send_message(p),
            "sendPhoto" => self.send_photo(p, file),
            "sendDocument" => self.send_document(p, file),
            "copyMessage" => self.copy_message(p),
            "editMessageText" => self.edit_message_text(p),
            "editMessageCaption" => self.edit_message_caption(p),
            "editMessageReplyMarkup" => self.edit_message_reply_markup(p),
            "deleteMessage" => self.delete_message(p),
            "deleteMessages" => {
                let ids: Vec<i64> = p
                    .get("message_ids")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(value_i64).collect())
                    .unwrap_or_default();
                for id in ids {
                    if let Some(m) = chat_id.and_then(|c| self.messages.get_mut(&(c, id as i32))) {
                        m.deleted = true;
                    }
                }
                Ok(json!(true))
            }
            "answerCallbackQuery" => self.answer_callback_query(p),
            "setMyCommands" => self.set_my_commands(p),
            "getMyCommands" => Ok(self
                .commands
                .get(&commands_key(p))
                .cloned()
                .unwrap_or_else(|| json!([]))),
            "deleteMyCommands" => {
                self.commands.remove(&commands_key(p));
                Ok(json!(true))
            }
            "setChatMenuButton" => {
                self.menu_button = p.get("menu_button").cloned();
                Ok(json!(true))
            }
            "getChatMenuButton" => Ok(self
                .menu_button
                .clone()
                .unwrap_or_else(|| json!({"type": "default"}))),
            "getFile" => self.get_file(p),
            "sendChatAction"
            | "close"
            | "logOut"
            | "setMyDescription"
            | "setMyShortDescription"
            | "setMyName"
            | "pinChatMessage"
            | "unpinChatMessage"
            | "leaveChat" => Ok(json!(true)),
            _ => Err(ApiErr::new(404, "Not Found: method not found")),
        };
        if result.is_ok() {
            if limited && self.rate_limit.is_some() {
                self.send_window.push_back(Instant::now());
            }
            if matches!(
                method,
                "sendMessage" | "sendPhoto" | "sendDocument" | "copyMessage"
            ) && let Some(c) = chat_id
            {
                *self.deliveries.entry(c).or_default() += 1;
            }
        }
        result
    }

    fn send_message(&mut self, p: &Value) -> ApiResult {
        let chat_id = require_chat(p)?;
        let text = p.get("text").and_then(Value::as_str).unwrap_or("");
        let parse_mode = p
            .get("parse_mode")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let markup = reply_markup_param(p);
        if self.strict {
            check_text(text, parse_mode.as_deref(), MAX_TEXT, "message is too long")?;
            check_markup(markup.as_ref())?;
        }
        let id = self.message_id();
        let mut m = self.base_message(id, chat_id);
        m.insert("text".into(), json!(text));
        if parse_mode.is_none()
            && let Some(e) = p.get("entities").filter(|e| e.is_array())
        {
            m.insert("entities".into(), e.clone());
        }
        put_inline_markup(&mut m, markup.as_ref());
        let json = Value::Object(m);
        self.store(StoredMessage {
            text: text.to_owned(),
            parse_mode,
            reply_markup: markup,
            ..StoredMessage::new(chat_id, id, SentKind::Text, json.clone())
        });
        Ok(json)
    }

    /// Copies a message a user sent (or one of the bot's); answers with the new `MessageId`.
    fn copy_message(&mut self, p: &Value) -> ApiResult {
        let chat_id = require_chat(p)?;
        let from = p.get("from_chat_id").and_then(value_i64);
        let source = p.get("message_id").and_then(value_i64);
        let (Some(from), Some(source)) = (from, source) else {
            return Err(ApiErr::bad("message to copy not specified"));
        };
        let key = (from, source as i32);
        if self.strict && !self.incoming.contains(&key) && !self.messages.contains_key(&key) {
            return Err(ApiErr::bad("message to copy not found"));
        }
        let id = self.message_id();
        let json = Value::Object(self.base_message(id, chat_id));
        self.store(StoredMessage {
            reply_markup: reply_markup_param(p),
            ..StoredMessage::new(chat_id, id, SentKind::Copy, json)
        });
        self.copies.insert((chat_id, id), key);
        Ok(json!({ "message_id": id }))
    }

    fn media_common(
        &mut self,
        p: &Value,
    ) -> Result<(i64, String, Option<String>, Option<Value>), ApiErr> {
        let chat_id = require_chat(p)?;
        let caption = p
            .get("caption")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let parse_mode = p
            .get("parse_mode")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let markup = reply_markup_param(p);
        if self.strict {
            check_caption(&caption, parse_mode.as_deref())?;
            check_markup(markup.as_ref())?;
        }
        Ok((chat_id, caption, parse_mode, markup))
    }

    fn send_photo(&mut self, p: &Value, file: Option<&(String, Vec<u8>)>) -> ApiResult {
        let (chat_id, caption, parse_mode, markup) = self.media_common(p)?;
        let size = match (p.get("photo").and_then(Value::as_str), file) {
            (_, Some((_, bytes))) => bytes.len(),
            (Some(s), None) if !s.is_empty() && !s.starts_with("attach://") => 50_000,
            _ => return Err(ApiErr::bad("there is no photo in the request")),
        };
        let id = self.message_id();
        let n = self.file_seq();
        let mut m = self.base_message(id, chat_id);
        m.insert(
            "photo".into(),
            json!([
                {"file_id": format!("photo-{n}-s"), "file_unique_id": format!("uphoto{n}s"),
                 "file_size": size.min(2_000), "width": 90, "height": 90},
                {"file_id": format!("photo-{n}-m"), "file_unique_id": format!("uphoto{n}m"),
                 "file_size": size, "width": 1280, "height": 1280},
            ]),
        );
        if !caption.is_empty() {
            m.insert("caption".into(), json!(caption));
        }
        put_inline_markup(&mut m, markup.as_ref());
        let json = Value::Object(m);
        self.store(StoredMessage {
            text: caption,
            parse_mode,
            reply_markup: markup,
            file_name: file.map(|f| f.0.clone()),
            ..StoredMessage::new(chat_id, id, SentKind::Photo, json.clone())
        });
        Ok(json)
    }

    fn send_document(&mut self, p: &Value, file: Option<&(String, Vec<u8>)>) -> ApiResult {
        let (chat_id, caption, parse_mode, markup) = self.media_common(p)?;
        let (file_name, size) = match (p.get("document").and_then(Value::as_str), file) {
            (_, Some((name, bytes))) => (Some(name.clone()), bytes.len()),
            (Some(s), None) if !s.is_empty() && !s.starts_with("attach://") => (None, 10_000),
            _ => return Err(ApiErr::bad("there is no document in the request")),
        };
        if self.strict && size == 0 {
            return Err(ApiErr::bad("file must be non-empty"));
        }
        let id = self.message_id();
        let n = self.file_seq();
        let mut doc = Map::new();
        doc.insert("file_id".into(), json!(format!("doc-{n}-fake")));
        doc.insert("file_unique_id".into(), json!(format!("udoc{n}")));
        doc.insert("file_size".into(), json!(size));
        if let Some(name) = &file_name {
            doc.insert("file_name".into(), json!(name));
            doc.insert("mime_type".into(), json!(guess_mime(name)));
        }
        let mut m = self.base_message(id, chat_id);
        m.insert("document".into(), Value::Object(doc));
        if !caption.is_empty() {
            m.insert("caption".into(), json!(caption));
        }
        put_inline_markup(&mut m, markup.as_ref());
        let json = Value::Object(m);
        self.store(StoredMessage {
            text: caption,
            parse_mode,
            reply_markup: markup,
            file_name,
            ..StoredMessage::new(chat_id, id, SentKind::Document, json.clone())
        });
        Ok(json)
    }

    /// Finds the bot message an edit targets, with Telegram's errors for anything else.
    /// Lenient mode (`strict == false`) makes up a text message that is not listed in
    /// `messages_to`.
    fn edit_target(&mut self, p: &Value) -> Result<(i64, i32), ApiErr> {
        let chat_id = require_chat(p)?;
        let Some(message_id) = p.get("message_id").and_then(value_i64) else {
            return Err(ApiErr::bad("message identifier is not specified"));
        };
        let key = (chat_id, message_id as i32);
        match self.messages.get(&key) {
            Some(m) if !m.deleted => return Ok(key),
            _ if !self.strict => {}
            Some(_) => return Err(ApiErr::bad("message to edit not found")),
            None if self.incoming.contains(&key) => {
                return Err(ApiErr::bad("message can't be edited"));
            }
            None => return Err(ApiErr::bad("message to edit not found")),
        }
        let mut m = self.base_message(key.1, chat_id);
        m.insert("text".into(), json!(""));
        self.messages.insert(
            key,
            StoredMessage::new(chat_id, key.1, SentKind::Text, Value::Object(m)),
        );
        Ok(key)
    }

    fn edit_message_text(&mut self, p: &Value) -> ApiResult {
        self.edit_words(p, Words::Text)
    }

    fn edit_message_caption(&mut self, p: &Value) -> ApiResult {
        self.edit_words(p, Words::Caption)
    }

    /// editMessageText and editMessageCaption: the same edit, of a text message's text or of
    /// a media message's caption, with Telegram's errors for each.
    fn edit_words(&mut self, p: &Value, words: Words) -> ApiResult {
        let field = words.field();
        let new = p.get(field).and_then(Value::as_str).unwrap_or("");
        let parse_mode = p
            .get("parse_mode")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let markup = reply_markup_param(p);
        if self.strict {
            match words {
                Words::Text => {
                    check_text(new, parse_mode.as_deref(), MAX_TEXT, "MESSAGE_TOO_LONG")?
                }
                Words::Caption => check_caption(new, parse_mode.as_deref())?,
            }
            check_markup(markup.as_ref())?;
        }
        if p.get("inline_message_id").is_some() {
            return Ok(json!(true));
        }
        let key = self.edit_target(p)?;
        let strict = self.strict;
        let m = self.messages.get_mut(&key).expect("edit target exists");
        if strict && (m.kind == SentKind::Text) != (words == Words::Text) {
            return Err(ApiErr::bad(&format!(
                "there is no {field} in the message to edit"
            )));
        }
        if strict
            && m.text == new
            && m.parse_mode == parse_mode
            && inline_only(m.reply_markup.as_ref()) == inline_only(markup.as_ref())
        {
            return Err(ApiErr::new(400, NOT_MODIFIED));
        }
        m.text = new.to_owned();
        m.parse_mode = parse_mode;
        m.edits += 1;
        if let Some(obj) = m.json.as_object_mut() {
            if new.is_empty() && words == Words::Caption {
                obj.remove(field);
            } else {
                obj.insert(field.into(), json!(new));
            }
        }
        finish_edit(m, markup);
        Ok(m.json.clone())
    }

    fn edit_message_reply_markup(&mut self, p: &Value) -> ApiResult {
        let markup = reply_markup_param(p);
        if self.strict {
            check_markup(markup.as_ref())?;
        }
        if p.get("inline_message_id").is_some() {
            return Ok(json!(true));
        }
        let key = self.edit_target(p)?;
        let strict = self.strict;
        let m = self.messages.get_mut(&key).expect("edit target exists");
        if strict && inline_only(m.reply_markup.as_ref()) == inline_only(markup.as_ref()) {
            return Err(ApiErr::new(400, NOT_MODIFIED));
        }
        m.edits += 1;
        finish_edit(m, markup);
        Ok(m.json.clone())
    }

    fn delete_message(&mut self, p: &Value) -> ApiResult {
        let chat_id = require_chat(p)?;
        let Some(message_id) = p.get("message_id").and_then(value_i64) else {
            return Err(ApiErr::bad("message identifier is not specified"));
        };
        let key = (chat_id, message_id as i32);
        match self.messages.get_mut(&key) {
            Some(m) if !m.deleted => {
                m.deleted = true;
                Ok(json!(true))
            }
            _ if self.incoming.remove(&key) || !self.strict => Ok(json!(true)),
            _ => Err(ApiErr::bad("message to delete not found")),
        }
    }

    fn answer_callback_query(&mut self, p: &Value) -> ApiResult {
        let id = p
            .get("callback_query_id")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !self.open_callbacks.remove(id) && self.strict {
            return Err(ApiErr::bad(
                "query is too old and response timeout expired or query id is invalid",
            ));
        }
        Ok(json!(true))
    }

    fn set_my_commands(&mut self, p: &Value) -> ApiResult {
        let commands = p.get("commands").cloned().unwrap_or_else(|| json!([]));
        let Some(list) = commands.as_array() else {
            return Err(ApiErr::bad("can't parse commands JSON object"));
        };
        if self.strict {
            if list.len() > 100 {
                return Err(ApiErr::bad("too many commands specified"));
            }
            for c in list {
                let name = c.get("command").and_then(Value::as_str).unwrap_or("");
                let description = c.get("description").and_then(Value::as_str).unwrap_or("");
                let valid_name = (1..=32).contains(&name.len())
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !valid_name {
                    return Err(ApiErr::bad("BOT_COMMAND_INVALID"));
                }
                if !(1..=256).contains(&description.chars().count()) {
                    return Err(ApiErr::bad("BOT_COMMAND_DESCRIPTION_INVALID"));
                }
            }
        }
        self.commands.insert(commands_key(p), commands);
        Ok(json!(true))
    }

    fn get_file(&mut self, p: &Value) -> ApiResult {
        let id = p.get("file_id").and_then(Value::as_str).unwrap_or("");
        match self.files.get(id) {
            Some(f) => Ok(json!({
                "file_id": f.file_id,
                "file_unique_id": f.unique_id,
                "file_size": f.bytes.len(),
                "file_path": f.path,
            })),
            None => Err(ApiErr::bad("invalid file_id")),
        }
    }
}

fn finish_edit(m: &mut StoredMessage, markup: Option<Value>) {
    if let Some(obj) = m.json.as_object_mut() {
        obj.insert("edit_date".into(), json!(now_unix()));
        obj.remove("reply_markup");
        put_inline_markup(obj, markup.as_ref());
    }
    m.reply_markup = markup;
}

// ---------------------------------------------------------------------------------------------
// The handle
// ---------------------------------------------------------------------------------------------

struct Inner {
    addr: SocketAddr,
    state: Mutex<ServerState>,
    /// Woken when an update is pushed or a newer `getUpdates` arrives.
    updates_changed: Notify,
    /// Woken after every recorded call and every state change tests may wait for.
    changed: Notify,
    poll_epoch: AtomicU64,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, ServerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct ServerTask(JoinHandle<()>);

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The fake Bot API server. Cheap to clone; the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct FakeBotApi {
    inner: Arc<Inner>,
    _task: Arc<ServerTask>,
}

impl FakeBotApi {
    /// Binds 127.0.0.1 on a free port and serves in a background task.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Bot API");
        let addr = listener.local_addr().expect("local address");
        let inner = Arc::new(Inner {
            addr,
            state: Mutex::new(ServerState::new()),
            updates_changed: Notify::new(),
            changed: Notify::new(),
            poll_epoch: AtomicU64::new(0),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(inner.clone())
            .layer(DefaultBodyLimit::max(MAX_BODY));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            inner,
            _task: Arc::new(ServerTask(task)),
        }
    }

    /// Base URL for `TELOXIDE_API_URL` / `Bot::set_api_url`, e.g. `http://127.0.0.1:41234/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.inner.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// A token to give the bot. Any token is accepted.
    pub fn token(&self) -> String {
        DEFAULT_TOKEN.to_owned()
    }

    /// A teloxide `Bot` talking to this server (token [`DEFAULT_TOKEN`], no proxy).
    pub fn bot(&self) -> teloxide::Bot {
        let client = teloxide::net::default_reqwest_settings()
            .no_proxy()
            .build()
            .expect("reqwest client");
        teloxide::Bot::with_client(self.token(), client)
            .set_api_url(self.url().parse().expect("fake API URL"))
    }

    /// Telegram-like validation (on by default). Off: any text/markup is accepted, edits of
    /// unknown messages succeed, unknown callback query ids are accepted.
    pub fn set_strict(&self, strict: bool) {
        self.inner.lock().strict = strict;
    }

    /// Stops logging calls (counters and messages are still kept), so a benchmark's memory
    /// figure measures the bot rather than this log.
    pub fn set_record_calls(&self, on: bool) {
        self.inner.lock().record_calls = on;
    }

    /// Answers every send `delay` after delivering it, so requests stay in flight that long.
    pub fn set_send_delay(&self, delay: Duration) {
        self.inner.lock().send_delay = delay;
    }

    // -- updates --------------------------------------------------------------------------

    /// Queues an update (an object like `{"message": {...}}`); `update_id` is assigned (any
    /// given one is replaced). Returns the update id.
    pub fn push_update(&self, mut update: Value) -> u32 {
        let id = {
            let mut st = self.inner.lock();
            let id = st.next_update_id;
            st.next_update_id += 1;
            if let Some(obj) = update.as_object_mut() {
                obj.insert("update_id".into(), json!(id));
            }
            st.updates.push_back(update);
            id
        };
        self.inner.updates_changed.notify_waiters();
        self.inner.changed.notify_waiters();
        id
    }

    /// `push_update(text(user, text))`.
    pub fn push_text(&self, user: &TestUser, text: &str) -> u32 {
        self.push_update(self.text(user, text))
    }

    /// `push_update(callback(user, message_id, data))`.
    pub fn push_callback(&self, user: &TestUser, message_id: i32, data: &str) -> u32 {
        self.push_update(self.callback(user, message_id, data))
    }

    /// A private text message from `user`. Text starting with `/` gets a `bot_command` entity
    /// for its first word, like Telegram does.
    pub fn text(&self, user: &TestUser, text: &str) -> Value {
        let mut m = self.incoming_message(user, user.id);
        put_text(&mut m, text);
        self.remember_text(user.id, user.id, &m);
        json!({ "message": m })
    }

    /// A text message from `user` in the group `group_chat_id` (negative; below
    /// -1_000_000_000_000 it is a supergroup).
    pub fn group_text(&self, user: &TestUser, group_chat_id: i64, text: &str) -> Value {
        let mut m = self.incoming_message(user, group_chat_id);
        put_text(&mut m, text);
        self.remember_text(user.id, group_chat_id, &m);
        json!({ "message": m })
    }

    /// A press on an inline button with `data`, on the bot's message `message_id` in the private
    /// chat with `user`. The query carries the message in its current state if the bot sent
    /// it; otherwise a made-up empty bot message with that id.
    pub fn callback(&self, user: &TestUser, message_id: i32, data: &str) -> Value {
        let mut st = self.inner.lock();
        st.users.insert(user.id, user.clone());
        let id = format!("cbq-{}-{}", user.id, st.next_callback_id);
        st.next_callback_id += 1;
        st.open_callbacks.insert(id.clone());
        let message = match st.messages.get(&(user.id, message_id)) {
            Some(m) => m.json.clone(),
            None => {
                let mut m = st.base_message(message_id, user.id);
                m.insert("text".into(), json!(""));
                Value::Object(m)
            }
        };
        json!({
            "callback_query": {
                "id": id,
                "from": user.json(),
                "message": message,
                "chat_instance": format!("ci-{}", user.id),
                "data": data,
            }
        })
    }

    /// A sticker from `user`.
    pub fn sticker(&self, user: &TestUser) -> Value {
        let mut m = self.incoming_message(user, user.id);
        let mut st = self.inner.lock();
        let mut sticker = st.register_file(
            "sticker",
            "stickers",
            "sticker.webp",
            b"RIFF\0\0\0\0WEBPVP8 ".to_vec(),
        );
        let obj = sticker.as_object_mut().expect("object");
        obj.insert("width".into(), json!(512));
        obj.insert("height".into(), json!(512));
        obj.insert("type".into(), json!("regular"));
        obj.insert("is_animated".into(), json!(false));
        obj.insert("is_video".into(), json!(false));
        obj.insert("emoji".into(), json!("👍"));
        obj.insert("set_name".into(), json!("TestStickers"));
        m.insert("sticker".into(), sticker);
        json!({ "message": m })
    }

    /// A photo (two sizes, no caption) from `user`.
    pub fn photo(&self, user: &TestUser) -> Value {
        let mut m = self.incoming_message(user, user.id);
        let mut st = self.inner.lock();
        let mut small = st.register_file(
            "uphoto",
            "photos",
            "s.jpg",
            b"\xFF\xD8\xFF\xE0 small".to_vec(),
        );
        let mut big = st.register_file(
            "uphoto",
            "photos",
            "m.jpg",
            b"\xFF\xD8\xFF\xE0 big photo".to_vec(),
        );
        small["width"] = json!(90);
        small["height"] = json!(67);
        big["width"] = json!(1280);
        big["height"] = json!(960);
        m.insert("photo".into(), json!([small, big]));
        json!({ "message": m })
    }

    /// A voice note from `user`.
    pub fn voice(&self, user: &TestUser) -> Value {
        let mut m = self.incoming_message(user, user.id);
        let mut st = self.inner.lock();
        let mut voice =
            st.register_file("voice", "voice", "voice.oga", b"OggS fake voice".to_vec());
        voice["duration"] = json!(3);
        voice["mime_type"] = json!("audio/ogg");
        m.insert("voice".into(), voice);
        json!({ "message": m })
    }

    /// A document `file_name` with `bytes` from `user`; the bot can `getFile` and download it.
    pub fn document(&self, user: &TestUser, file_name: &str, bytes: &[u8]) -> Value {
        let mut m = self.incoming_message(user, user.id);
        let mut st = self.inner.lock();
        let mut doc = st.register_file("udoc", "documents", file_name, bytes.to_vec());
        doc["file_name"] = json!(file_name);
        doc["mime_type"] = json!(guess_mime(file_name));
        m.insert("document".into(), doc);
        json!({ "message": m })
    }

    fn remember_text(&self, user_id: i64, chat_id: i64, m: &Map<String, Value>) {
        if let Some(id) = m.get("message_id").and_then(Value::as_i64) {
            self.inner
                .lock()
                .last_incoming
                .insert((user_id, chat_id), id as i32);
        }
    }

    /// `user` edits their latest text message in the private chat (a new message id if none).
    pub fn edited_text(&self, user: &TestUser, text: &str) -> Value {
        let last = self
            .inner
            .lock()
            .last_incoming
            .get(&(user.id, user.id))
            .copied();
        let mut m = self.incoming_message(user, user.id);
        if let Some(id) = last {
            m.insert("message_id".into(), json!(id));
        }
        m.insert("edit_date".into(), json!(now_unix()));
        put_text(&mut m, text);
        json!({ "edited_message": m })
    }

    fn incoming_message(&self, user: &TestUser, chat_id: i64) -> Map<String, Value> {
        let mut st = self.inner.lock();
        st.users.insert(user.id, user.clone());
        let id = st.message_id();
        st.incoming.insert((chat_id, id));
        let chat = if chat_id == user.id {
            user.private_chat_json()
        } else {
            st.chat_json(chat_id)
        };
        let mut m = Map::new();
        m.insert("message_id".into(), json!(id));
        m.insert("from".into(), user.json());
        m.insert("chat".into(), chat);
        m.insert("date".into(), json!(now_unix()));
        m
    }

    /// Updates not yet confirmed by a `getUpdates` offset.
    pub fn pending_updates(&self) -> Vec<Value> {
        self.inner.lock().updates.iter().cloned().collect()
    }

    /// Waits until every pushed update has been confirmed (the bot polled with an offset past
    /// it). Confirmed means *fetched*, not *handled*: handlers run after that.
    pub async fn wait_until_consumed(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, |st| st.updates.is_empty().then_some(()))
            .await
            .is_some()
    }

    // -- recorded calls -------------------------------------------------------------------

    pub fn calls(&self) -> Vec<Call> {
        self.inner.lock().calls.clone()
    }

    /// How many calls to `method` so far, without copying them: cheap enough to poll.
    pub fn count_calls_to(&self, method: &str) -> usize {
        self.inner
            .lock()
            .calls
            .iter()
            .filter(|c| c.method.eq_ignore_ascii_case(method))
            .count()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.inner
            .lock()
            .calls
            .iter()
            .filter(|c| c.method.eq_ignore_ascii_case(method))
            .cloned()
            .collect()
    }

    /// Number of calls so far; pass to [`FakeBotApi::wait_for_call_since`] to only consider
    /// calls made after this point.
    pub fn mark(&self) -> usize {
        self.inner.lock().calls.len()
    }

    /// Calls made since `mark`.
    pub fn calls_since(&self, mark: usize) -> Vec<Call> {
        let st = self.inner.lock();
        st.calls[mark.min(st.calls.len())..].to_vec()
    }

    /// The first call (ever) matching `pred`, waiting up to `timeout` for one.
    pub async fn wait_for_call(
        &self,
        pred: impl Fn(&Call) -> bool,
        timeout: Duration,
    ) -> Option<Call> {
        self.wait_for_call_since(0, pred, timeout).await
    }

    /// The first call at or after index `mark` (see [`FakeBotApi::mark`]) matching `pred`.
    pub async fn wait_for_call_since(
        &self,
        mark: usize,
        pred: impl Fn(&Call) -> bool,
        timeout: Duration,
    ) -> Option<Call> {
        let mut cursor = mark;
        self.wait_until(timeout, |st| {
            let start = cursor.min(st.calls.len());
            let found = st.calls[start..].iter().find(|c| pred(c)).cloned();
            cursor = st.calls.len();
            found
        })
        .await
    }

    /// Text messages (`sendMessage`) the bot sent to `chat_id`, in order, in their latest edit
    /// state; deleted ones stay (with `deleted == true`) so indices are stable.
    pub fn messages_to(&self, chat_id: i64) -> Vec<SentMessage> {
        self.inner
            .lock()
            .visible_messages(chat_id, &[SentKind::Text])
    }

    /// Every message the bot sent to `chat_id`: texts, photos and documents.
    pub fn history(&self, chat_id: i64) -> Vec<SentMessage> {
        self.inner.lock().visible_messages(
            chat_id,
            &[SentKind::Text, SentKind::Photo, SentKind::Document],
        )
    }

    /// Presses, as `user`, the first button that `pick(label, data)` chooses on the latest
    /// message to them, as soon as it shows up. Returns the instant of the press.
    pub async fn press_latest(
        &self,
        user: &TestUser,
        pick: impl Fn(&str, &str) -> bool,
        timeout: Duration,
    ) -> std::time::Instant {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let found = self.last_message_to(user.id).and_then(|m| {
                let data = m.buttons().into_iter().find(|(l, d)| pick(l, d))?.1;
                Some((m.message_id, data))
            });
            if let Some((message_id, data)) = found {
                let at = std::time::Instant::now();
                self.push_update(self.callback(user, message_id, &data));
                return at;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no such button for user {} within {timeout:?}",
                user.id
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The (chat, message id) of each message copied to `chat_id`, in order.
    pub fn copies_to(&self, chat_id: i64) -> Vec<(i64, i32)> {
        let st = self.inner.lock();
        st.visible_messages(chat_id, &[SentKind::Copy])
            .iter()
            .filter_map(|m| st.copies.get(&(chat_id, m.message_id)).copied())
            .collect()
    }

    pub fn last_message_to(&self, chat_id: i64) -> Option<SentMessage> {
        self.messages_to(chat_id).pop()
    }

    /// The first text message to `chat_id` whose current text satisfies `pred`.
    pub async fn wait_for_message(
        &self,
        chat_id: i64,
        pred: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<SentMessage> {
        self.wait_until(timeout, |st| {
            st.visible_messages(chat_id, &[SentKind::Text])
                .into_iter()
                .find(|m| pred(&m.text))
        })
        .await
    }

    /// Waits until at least `n` text messages were sent to `chat_id`; returns them all (or
    /// what there is at the timeout).
    pub async fn wait_for_messages(
        &self,
        chat_id: i64,
        n: usize,
        timeout: Duration,
    ) -> Vec<SentMessage> {
        self.wait_until(timeout, |st| {
            let all = st.visible_messages(chat_id, &[SentKind::Text]);
            (all.len() >= n).then_some(all)
        })
        .await
        .unwrap_or_else(|| self.messages_to(chat_id))
    }

    /// The commands last set with `setMyCommands` for the default scope and no language.
    pub fn my_commands(&self) -> Option<Value> {
        self.my_commands_for(&json!({}))
    }

    /// The commands for a `setMyCommands` parameter set, e.g.
    /// `json!({"scope": {"type": "chat", "chat_id": 42}, "language_code": "en"})`.
    pub fn my_commands_for(&self, params: &Value) -> Option<Value> {
        self.inner
            .lock()
            .commands
            .get(&commands_key(params))
            .cloned()
    }

    // -- faults ---------------------------------------------------------------------------

    /// Everything to `chat_id` answers 403 `Forbidden: bot was blocked by the user`.
    pub fn block_chat(&self, chat_id: i64) {
        self.inner
            .lock()
            .chat_faults
            .insert(chat_id, ChatFault::Blocked);
    }

    /// Everything to `chat_id` answers 403 `Forbidden: user is deactivated`.
    pub fn deactivate_chat(&self, chat_id: i64) {
        self.inner
            .lock()
            .chat_faults
            .insert(chat_id, ChatFault::Deactivated);
    }

    /// Everything to `chat_id` answers 400 `Bad Request: chat not found`.
    pub fn chat_not_found(&self, chat_id: i64) {
        self.inner
            .lock()
            .chat_faults
            .insert(chat_id, ChatFault::NotFound);
    }

    /// Removes a fault set by `block_chat` / `deactivate_chat` / `chat_not_found`.
    pub fn unblock_chat(&self, chat_id: i64) {
        self.inner.lock().chat_faults.remove(&chat_id);
    }

    /// At most `per_second` successful `send*` calls (all chats together, `sendChatAction`
    /// excluded) per sliding second; more answer 429 with `retry_after`. `None` disables.
    pub fn set_rate_limit(&self, per_second: Option<usize>) {
        let mut st = self.inner.lock();
        st.rate_limit = per_second;
        st.send_window.clear();
    }

    /// The `retry_after` (seconds) of 429 answers; default 1.
    pub fn set_retry_after(&self, seconds: u64) {
        self.inner.lock().retry_after = seconds;
    }

    /// The next `count` calls of `method` fail with `http_status` and the usual description
    /// (`Internal Server Error`, `Bad Gateway`, ...). NB: teloxide sleeps 10 s after every 5xx.
    pub fn fail_next(&self, method: &str, count: usize, http_status: u16) {
        self.fail_next_with(method, count, http_status, status_description(http_status));
    }

    /// Like [`FakeBotApi::fail_next`] with a custom description (e.g. 400 with
    /// `Bad Request: chat not found`).
    pub fn fail_next_with(&self, method: &str, count: usize, http_status: u16, description: &str) {
        let name = canonical_method(method).map_or_else(|| method.to_owned(), str::to_owned);
        let mut st = self.inner.lock();
        let queue = st.failures.entry(name).or_default();
        queue.extend((0..count).map(|_| ApiErr::new(http_status, description)));
    }

    // -- counters -------------------------------------------------------------------------

    pub fn count_429(&self) -> usize {
        self.count_by_status(429)
    }

    /// Answers with this HTTP status so far (all methods, `getUpdates` included).
    pub fn count_by_status(&self, status: u16) -> usize {
        self.inner
            .lock()
            .status_counts
            .get(&status)
            .copied()
            .unwrap_or(0)
    }

    /// All answers by HTTP status.
    pub fn status_counts(&self) -> HashMap<u16, usize> {
        self.inner.lock().status_counts.clone()
    }

    /// Successful `sendMessage` / `sendPhoto` / `sendDocument` per chat.
    pub fn deliveries_per_chat(&self) -> HashMap<i64, usize> {
        self.inner.lock().deliveries.clone()
    }

    /// Successful `sendMessage` / `sendPhoto` / `sendDocument` in total.
    pub fn total_deliveries(&self) -> usize {
        self.inner.lock().deliveries.values().sum()
    }

    // -- waiting --------------------------------------------------------------------------

    async fn wait_until<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&ServerState) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(found) = check(&self.inner.lock()) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return check(&self.inner.lock());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP layer
// ---------------------------------------------------------------------------------------------

async fn handle(
    State(inner): State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    if let Some(i) = segments.iter().position(|s| *s == "file")
        && segments.get(i + 1).is_some_and(|s| s.starts_with("bot"))
        && segments.len() > i + 2
    {
        // teloxide percent-encodes the '/' of the file path
        return download(&inner, &percent_decode(&segments[i + 2..].join("/"), false));
    }
    let n = segments.len();
    if n < 2 || !segments[n - 2].starts_with("bot") {
        return api_response(404, &ApiErr::new(404, "Not Found").body());
    }
    let method = segments[n - 1];
    let (params, file) = match parse_params(&uri, &headers, &body) {
        Ok(parsed) => parsed,
        Err(e) => return api_response(400, &ApiErr::bad(&e).body()),
    };
    if method.eq_ignore_ascii_case("getUpdates") {
        return get_updates(&inner, params, at).await;
    }
    let canonical = canonical_method(method);
    let (status, body) = {
        let mut st = inner.lock();
        let result = match canonical {
            Some(m) => st.execute(m, &params, file.as_ref()),
            None => Err(ApiErr::new(404, "Not Found: method not found")),
        };
        let (status, body) = match result {
            Ok(v) => (200, json!({"ok": true, "result": v})),
            Err(e) => (e.status, e.body()),
        };
        *st.status_counts.entry(status).or_default() += 1;
        if st.record_calls {
            st.calls.push(Call {
                method: canonical.map_or_else(|| method.to_owned(), str::to_owned),
                params,
                file,
                at,
                status,
            });
        }
        (status, body)
    };
    inner.changed.notify_waiters();
    let delay = inner.lock().send_delay;
    if canonical.is_some_and(is_rate_limited) && !delay.is_zero() {
        // Delivered already: a client killed during the wait never learns it was.
        tokio::time::sleep(delay).await;
    }
    api_response(status, &body)
}

async fn get_updates(inner: &Arc<Inner>, params: Value, at: Instant) -> Response {
    let offset = params.get("offset").and_then(value_i64).unwrap_or(0);
    let limit = params
        .get("limit")
        .and_then(value_i64)
        .unwrap_or(100)
        .clamp(1, 100) as usize;
    let timeout = params
        .get("timeout")
        .and_then(value_i64)
        .unwrap_or(0)
        .max(0) as u64;
    let timeout = Duration::from_secs(timeout).min(MAX_LONG_POLL);
    let epoch = inner.poll_epoch.fetch_add(1, Ordering::SeqCst) + 1;
    let index = {
        let mut st = inner.lock();
        st.confirm(offset);
        let failure = st
            .failures
            .get_mut("getUpdates")
            .and_then(VecDeque::pop_front);
        let status = failure.as_ref().map_or(200, |e| e.status);
        st.calls.push(Call {
            method: "getUpdates".to_owned(),
            params,
            file: None,
            at,
            status,
        });
        if let Some(err) = failure {
            *st.status_counts.entry(err.status).or_default() += 1;
            drop(st);
            inner.changed.notify_waiters();
            return api_response(err.status, &err.body());
        }
        st.calls.len() - 1
    };
    // Wakes an older parked poll so it answers 409, like Telegram does.
    inner.updates_changed.notify_waiters();
    inner.changed.notify_waiters();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let notified = inner.updates_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if inner.poll_epoch.load(Ordering::SeqCst) != epoch {
            let err = ApiErr::new(409, CONFLICT);
            {
                let mut st = inner.lock();
                if let Some(c) = st.calls.get_mut(index) {
                    c.status = 409;
                }
                *st.status_counts.entry(409).or_default() += 1;
            }
            inner.changed.notify_waiters();
            return api_response(409, &err.body());
        }
        let batch: Vec<Value> = {
            let st = inner.lock();
            st.updates.iter().take(limit).cloned().collect()
        };
        if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
            *inner.lock().status_counts.entry(200).or_default() += 1;
            return api_response(200, &json!({"ok": true, "result": batch}));
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

fn download(inner: &Inner, path: &str) -> Response {
    let st = inner.lock();
    match st.files.values().find(|f| f.path == path) {
        Some(f) => (StatusCode::OK, f.bytes.clone()).into_response(),
        None => api_response(404, &ApiErr::new(404, "Not Found").body()),
    }
}

fn api_response(status: u16, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("serialise JSON");
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        bytes,
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

type Parsed = (Value, Option<(String, Vec<u8>)>);

fn parse_params(uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<Parsed, String> {
    let mut params = Map::new();
    let mut file = None;
    if let Some(query) = uri.query() {
        for (k, v) in parse_urlencoded(query) {
            let value = coerce(&k, &v);
            params.insert(k, value);
        }
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let lower = content_type.to_ascii_lowercase();
    if body.is_empty() {
        // nothing
    } else if lower.starts_with("multipart/form-data") {
        let boundary =
            header_param(&content_type, "boundary").ok_or("multipart boundary is missing")?;
        for part in parse_multipart(body, &boundary)? {
            match part.filename {
                Some(name) => {
                    if file.is_none() {
                        file = Some((name, part.data));
                    }
                }
                None => {
                    let text = String::from_utf8_lossy(&part.data).into_owned();
                    let value = coerce(&part.name, &text);
                    params.insert(part.name, value);
                }
            }
        }
    } else if lower.starts_with("application/x-www-form-urlencoded") {
        let text = std::str::from_utf8(body).map_err(|_| "body is not UTF-8")?;
        for (k, v) in parse_urlencoded(text) {
            let value = coerce(&k, &v);
            params.insert(k, value);
        }
    } else {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("can't parse JSON: {e}"))?;
        match value {
            Value::Object(obj) => params.extend(obj),
            Value::Null => {}
            _ => return Err("request body must be a JSON object".into()),
        }
    }
    Ok((Value::Object(params), file))
}

/// Form / multipart values are strings; parse the structured ones so `params` looks the same
/// whatever the encoding. Free-text fields stay strings.
fn coerce(key: &str, raw: &str) -> Value {
    const TEXT_FIELDS: &[&str] = &[
        "text",
        "caption",
        "data",
        "callback_query_id",
        "parse_mode",
        "file_name",
        "file_id",
        "description",
        "short_description",
        "name",
        "title",
        "url",
        "emoji",
        "language_code",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "photo",
        "document",
        "action",
        "secret_token",
    ];
    if TEXT_FIELDS.contains(&key) {
        return Value::String(raw.to_owned());
    }
    match serde_json::from_str::<Value>(raw) {
        Ok(v @ (Value::Number(_) | Value::Bool(_) | Value::Object(_) | Value::Array(_))) => v,
        _ => Value::String(raw.to_owned()),
    }
}

fn parse_urlencoded(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `boundary` from `multipart/form-data; boundary=...` (also `name`, `filename`, `name*`
/// from a `Content-Disposition`).
fn header_param(header_value: &str, name: &str) -> Option<String> {
    let mut rest = header_value;
    // skip the leading token (media type / disposition type)
    let first = rest.find(';')?;
    rest = &rest[first + 1..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let eq = rest.find('=')?;
        let key = rest[..eq].trim().to_ascii_lowercase();
        rest = &rest[eq + 1..];
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            v.push(next);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => v.push(c),
                }
            }
            value = v;
            rest = &quoted[end.min(quoted.len())..];
            rest = rest.find(';').map_or("", |i| &rest[i + 1..]);
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = if end < rest.len() {
                &rest[end + 1..]
            } else {
                ""
            };
        }
        if key == name {
            return Some(value);
        }
        if key == format!("{name}*") {
            // RFC 5987: utf-8''percent-encoded
            let encoded = value.split_once("''").map_or(value.as_str(), |(_, v)| v);
            return Some(percent_decode(encoded, false));
        }
    }
}

struct Part {
    name: String,
    filename: Option<String>,
    data: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let separator = [b"\r\n".as_slice(), &delimiter].concat();
    let mut pos =
        find(body, &delimiter, 0).ok_or("multipart boundary not found")? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        if body[pos..].starts_with(b"\r\n") {
            pos += 2;
        }
        let head_end = find(body, b"\r\n\r\n", pos).ok_or("malformed multipart part")?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).into_owned();
        let data_start = head_end + 4;
        let data_end = find(body, &separator, data_start).ok_or("unterminated multipart part")?;
        let mut name = None;
        let mut filename = None;
        for line in head.split("\r\n") {
            if line
                .to_ascii_lowercase()
                .starts_with("content-disposition:")
            {
                name = header_param(line, "name");
                filename = header_param(line, "filename");
            }
        }
        parts.push(Part {
            name: name.unwrap_or_default(),
            filename,
            data: body[data_start..data_end].to_vec(),
        });
        pos = data_end + separator.len();
        if pos >= body.len() {
            break;
        }
    }
    Ok(parts)
}

// ---------------------------------------------------------------------------------------------
// Validation (strict mode)
// ---------------------------------------------------------------------------------------------

/// Captions may be empty; a non-empty one follows the text rules with its own limit.
fn check_caption(caption: &str, parse_mode: Option<&str>) -> Result<(), ApiErr> {
    if caption.is_empty() {
        return Ok(());
    }
    check_text(
        caption,
        parse_mode,
        MAX_CAPTION,
        "message caption is too long",
    )
}

fn check_text(
    text: &str,
    parse_mode: Option<&str>,
    max: usize,
    too_long: &str,
) -> Result<(), ApiErr> {
    let visible = match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        Some("html") => html_visible_len(text)
            .map_err(|e| ApiErr::bad(&format!("can't parse entities: {e}")))?,
        _ => text.chars().count(),
    };
    if text.trim().is_empty() || visible == 0 {
        return Err(ApiErr::bad("message text is empty"));
    }
    if visible > max {
        return Err(ApiErr::bad(too_long));
    }
    Ok(())
}

fn check_markup(markup: Option<&Value>) -> Result<(), ApiErr> {
    let Some(rows) = markup
        .and_then(|m| m.get("inline_keyboard"))
        .and_then(Value::as_array)
    else {
        return Ok(());
    };
    const KINDS: &[&str] = &[
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ];
    for button in rows.iter().filter_map(Value::as_array).flatten() {
        if let Some(data) = button.get("callback_data") {
            let len = data.as_str().map_or(0, str::len);
            if !(1..=64).contains(&len) {
                return Err(ApiErr::bad("BUTTON_DATA_INVALID"));
            }
        } else if !KINDS.iter().any(|k| button.get(*k).is_some()) {
            return Err(ApiErr::bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            ));
        }
    }
    Ok(())
}

/// Validates Telegram's HTML subset like the Bot API does and returns the visible length.
fn html_visible_len(s: &str) -> Result<usize, String> {
    const TAGS: &[&str] = &[
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    ];
    let bytes = s.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut visible = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let begin = i;
                if bytes.get(i + 1) == Some(&b'/') {
                    let Some(expected) = stack.pop() else {
                        return Err(format!("Unexpected end tag at byte offset {begin}"));
                    };
                    let mut j = i + 2;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    let name = s[i + 2..j].to_ascii_lowercase();
                    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j >= bytes.len() || bytes[j] != b'>' {
                        return Err(format!("Unclosed end tag at byte offset {begin}"));
                    }
                    if !name.is_empty() && name != expected {
                        return Err(format!(
                            "Unmatched end tag at byte offset {begin}, expected \"</{expected}>\", found \"</{name}>\""
                        ));
                    }
                    i = j + 1;
                } else {
                    let mut j = i + 1;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    if j >= bytes.len() {
                        return Err(format!("Unclosed start tag at byte offset {begin}"));
                    }
                    let name = s[i + 1..j].to_ascii_lowercase();
                    if !TAGS.contains(&name.as_str()) {
                        return Err(format!(
                            "Unsupported start tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    // attributes, possibly quoted
                    let mut quote: Option<u8> = None;
                    while j < bytes.len() {
                        match (quote, bytes[j]) {
                            (None, b'>') => break,
                            (None, q @ (b'"' | b'\'')) => quote = Some(q),
                            (Some(q), c) if c == q => quote = None,
                            _ => {}
                        }
                        j += 1;
                    }
                    if j >= bytes.len() {
                        return Err(format!("Unclosed start tag at byte offset {begin}"));
                    }
                    let attrs = &s[i + 1 + name.len()..j];
                    if name == "span" && !attrs.contains("tg-spoiler") {
                        return Err("Tag \"span\" must have class \"tg-spoiler\"".to_owned());
                    }
                    stack.push(name);
                    i = j + 1;
                }
            }
            b'&' => {
                // &lt; &gt; &amp; &quot; and numeric entities count as one character;
                // anything else is a literal '&'.
                let rest = &s[i..];
                let entity_len = rest.find(';').filter(|&end| end <= 10).filter(|&end| {
                    let body = &rest[1..end];
                    matches!(body, "lt" | "gt" | "amp" | "quot")
                        || body.strip_prefix('#').is_some_and(|n| {
                            n.strip_prefix(['x', 'X']).map_or_else(
                                || !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()),
                                |h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()),
                            )
                        })
                });
                visible += 1;
                i += entity_len.map_or(1, |end| end + 1);
            }
            b => {
                // count characters, not bytes
                if b & 0xC0 != 0x80 {
                    visible += 1;
                }
                i += 1;
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{open}\""
        ));
    }
    Ok(visible)
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// What an edit changes: a text message's text or a media message's caption.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Words {
    Text,
    Caption,
}

impl Words {
    fn field(self) -> &'static str {
        match self {
            Words::Text => "text",
            Words::Caption => "caption",
        }
    }
}

fn canonical_method(name: &str) -> Option<&'static str> {
    const METHODS: &[&str] = &[
        "getUpdates",
        "getMe",
        "logOut",
        "close",
        "deleteWebhook",
        "getWebhookInfo",
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "copyMessage",
        "sendChatAction",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "deleteMessages",
        "answerCallbackQuery",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
        "getChatMenuButton",
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
        "getFile",
        "pinChatMessage",
        "unpinChatMessage",
        "leaveChat",
    ];
    METHODS
        .iter()
        .copied()
        .find(|m| m.eq_ignore_ascii_case(name))
}

fn is_rate_limited(method: &str) -> bool {
    (method.starts_with("send") && method != "sendChatAction") || method == "copyMessage"
}

fn status_description(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Request Entity Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

fn require_chat(p: &Value) -> Result<i64, ApiErr> {
    match p.get("chat_id") {
        None => Err(ApiErr::bad("chat_id is empty")),
        Some(v) => value_i64(v).ok_or_else(|| ApiErr::bad("chat not found")),
    }
}

/// `reply_markup` as an object (also accepts a JSON-encoded string).
fn reply_markup_param(p: &Value) -> Option<Value> {
    match p.get("reply_markup")? {
        Value::String(s) => serde_json::from_str(s).ok(),
        Value::Null => None,
        v => Some(v.clone()),
    }
}

/// Telegram only echoes inline keyboards in the returned `Message` (teloxide's
/// `Message::reply_markup` can only hold an inline keyboard).
fn put_inline_markup(m: &mut Map<String, Value>, markup: Option<&Value>) {
    if let Some(markup) = markup.filter(|m| m.get("inline_keyboard").is_some()) {
        m.insert("reply_markup".into(), markup.clone());
    }
}

/// Only inline keyboards belong to a message (reply keyboards live on the client).
fn inline_only(markup: Option<&Value>) -> Option<&Value> {
    markup.filter(|m| m.get("inline_keyboard").is_some())
}

fn put_text(m: &mut Map<String, Value>, text: &str) {
    m.insert("text".into(), json!(text));
    let command = text.split_whitespace().next().unwrap_or("");
    if command.len() > 1 && command.starts_with('/') {
        let length = command.encode_utf16().count();
        m.insert(
            "entities".into(),
            json!([{"type": "bot_command", "offset": 0, "length": length}]),
        );
    }
}

fn put_opt(m: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        m.insert(key.into(), json!(v));
    }
}

fn commands_key(p: &Value) -> String {
    let scope = match p.get("scope") {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    let scope = if scope.get("type").and_then(Value::as_str) == Some("default") {
        Value::Null
    } else {
        scope
    };
    let lang = p.get("language_code").and_then(Value::as_str).unwrap_or("");
    format!("{scope}|{lang}")
}

fn value_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn value_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn bot_user_json() -> Value {
    json!({
        "id": BOT_ID,
        "is_bot": true,
        "first_name": BOT_FIRST_NAME,
        "username": BOT_USERNAME,
    })
}

fn me_json() -> Value {
    json!({
        "id": BOT_ID,
        "is_bot": true,
        "first_name": BOT_FIRST_NAME,
        "username": BOT_USERNAME,
        "can_join_groups": true,
        "can_read_all_group_messages": false,
        "supports_inline_queries": false,
        "can_connect_to_business": false,
        "has_main_web_app": false,
    })
}

fn guess_mime(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => "text/csv",
        "txt" => "text/plain",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls" => "application/vnd.ms-excel",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
