//! The server's state behind one mutex, and the dispatch of a call to its method.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{Map, Value, json};

use crate::TestUser;
use crate::commands::commands_key;
use crate::error::{ApiErr, ApiResult};
use crate::faults::Faults;
use crate::files::StoredFile;
use crate::json::{bot_user_json, me_json, now_unix, value_bool, value_i64};
use crate::log::CallLog;
use crate::messages::StoredMessage;
use crate::rate_limit::{RateLimit, is_rate_limited};

pub(crate) struct ServerState {
    pub(crate) next_update_id: u32,
    /// Updates not yet confirmed by a `getUpdates` offset.
    pub(crate) updates: VecDeque<Value>,
    pub(crate) next_message_id: i32,
    pub(crate) next_callback_id: u64,
    pub(crate) next_file_id: u64,
    pub(crate) log: CallLog,
    /// Bot messages by (chat, message id).
    pub(crate) messages: HashMap<(i64, i32), StoredMessage>,
    /// Bot message ids per chat, in send order.
    pub(crate) chat_order: HashMap<i64, Vec<i32>>,
    /// Messages users sent (built by the update builders): (chat, message id).
    pub(crate) incoming: HashSet<(i64, i32)>,
    /// (chat, message id) of each copy → the (chat, message id) it copies.
    pub(crate) copies: HashMap<(i64, i32), (i64, i32)>,
    pub(crate) last_incoming: HashMap<(i64, i64), i32>,
    pub(crate) users: HashMap<i64, TestUser>,
    pub(crate) open_callbacks: HashSet<String>,
    pub(crate) files: HashMap<String, StoredFile>,
    pub(crate) commands: HashMap<String, Value>,
    pub(crate) menu_button: Option<Value>,
    pub(crate) faults: Faults,
    pub(crate) rate: RateLimit,
    pub(crate) strict: bool,
}

impl ServerState {
    pub(crate) fn new() -> Self {
        Self {
            next_update_id: 1,
            updates: VecDeque::new(),
            next_message_id: 1,
            next_callback_id: 1,
            next_file_id: 1,
            log: CallLog::new(),
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
            faults: Faults::new(),
            rate: RateLimit::new(),
            strict: true,
        }
    }

    pub(crate) fn message_id(&mut self) -> i32 {
        let id = self.next_message_id;
        self.next_message_id += 1;
        id
    }

    pub(crate) fn chat_json(&self, chat_id: i64) -> Value {
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

    pub(crate) fn base_message(&self, message_id: i32, chat_id: i64) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("message_id".into(), json!(message_id));
        m.insert("from".into(), bot_user_json());
        m.insert("chat".into(), self.chat_json(chat_id));
        m.insert("date".into(), json!(now_unix()));
        m
    }

    pub(crate) fn execute(
        &mut self,
        method: &'static str,
        p: &Value,
        file: Option<&(String, Vec<u8>)>,
    ) -> ApiResult {
        if let Some(err) = self.faults.next_failure(method) {
            return Err(err);
        }
        let chat_id = p.get("chat_id").and_then(value_i64);
        if let Some(err) = self.faults.chat_error(chat_id) {
            return Err(err);
        }
        let limited = is_rate_limited(method);
        let paid = limited && p.get("allow_paid_broadcast").and_then(value_bool) == Some(true);
        if limited {
            self.rate.admit(chat_id, paid)?;
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
            "deleteMessages" => self.delete_messages(p),
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
        if let Ok(sent) = &result {
            if limited {
                self.rate.record(chat_id, paid);
            }
            if paid {
                self.log.paid_sends += 1;
                let id = sent.get("message_id").and_then(value_i64);
                if let (Some(c), Some(id)) = (chat_id, id)
                    && let Some(m) = self.messages.get_mut(&(c, id as i32))
                {
                    m.paid = true;
                }
            }
            if matches!(
                method,
                "sendMessage" | "sendPhoto" | "sendDocument" | "copyMessage"
            ) && let Some(c) = chat_id
            {
                *self.log.deliveries.entry(c).or_default() += 1;
            }
        }
        result
    }
}
