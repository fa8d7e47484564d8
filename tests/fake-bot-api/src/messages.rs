//! Messages the bot sends, copies and deletes, and the queries over what each chat received.

use std::time::Duration;

use serde_json::{Value, json};

use crate::FakeBotApi;
use crate::error::{ApiErr, ApiResult};
use crate::json::{put_inline_markup, reply_markup_param, require_chat, value_i64};
use crate::state::ServerState;
use crate::validate::{Content, MAX_TEXT, check_text};

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
    /// Sent with `allow_paid_broadcast: true` (a paid broadcast, charged in Stars).
    pub paid: bool,
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

pub(crate) struct StoredMessage {
    pub(crate) chat_id: i64,
    pub(crate) message_id: i32,
    pub(crate) kind: SentKind,
    pub(crate) text: String,
    pub(crate) parse_mode: Option<String>,
    pub(crate) reply_markup: Option<Value>,
    pub(crate) file_name: Option<String>,
    pub(crate) edits: u32,
    pub(crate) deleted: bool,
    pub(crate) paid: bool,
    /// The Bot API `Message` object in its current state.
    pub(crate) json: Value,
}

impl StoredMessage {
    /// A fresh, unedited message; callers fill in what their kind carries.
    pub(crate) fn new(chat_id: i64, message_id: i32, kind: SentKind, json: Value) -> StoredMessage {
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
            paid: false,
            json,
        }
    }

    pub(crate) fn public(&self) -> SentMessage {
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
            paid: self.paid,
        }
    }
}

impl ServerState {
    pub(crate) fn store(&mut self, msg: StoredMessage) {
        self.chat_order
            .entry(msg.chat_id)
            .or_default()
            .push(msg.message_id);
        self.messages.insert((msg.chat_id, msg.message_id), msg);
    }

    pub(crate) fn visible_messages(&self, chat_id: i64, kinds: &[SentKind]) -> Vec<SentMessage> {
        self.chat_order
            .get(&chat_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.messages.get(&(chat_id, *id)))
            .filter(|m| kinds.contains(&m.kind))
            .map(StoredMessage::public)
            .collect()
    }

    pub(crate) fn send_message(&mut self, p: &Value) -> ApiResult {
        let chat_id = require_chat(p)?;
        let Content {
            words: text,
            parse_mode,
            markup,
        } = Content::read(p, "text", self.strict, |text, parse_mode| {
            check_text(text, parse_mode, MAX_TEXT, "message is too long")
        })?;
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
            text,
            parse_mode,
            reply_markup: markup,
            ..StoredMessage::new(chat_id, id, SentKind::Text, json.clone())
        });
        Ok(json)
    }

    /// Copies a message a user sent (or one of the bot's); answers with the new `MessageId`.
    pub(crate) fn copy_message(&mut self, p: &Value) -> ApiResult {
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

    pub(crate) fn delete_message(&mut self, p: &Value) -> ApiResult {
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

    pub(crate) fn delete_messages(&mut self, p: &Value) -> ApiResult {
        let chat_id = p.get("chat_id").and_then(value_i64);
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
}

impl FakeBotApi {
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

    /// The (chat, message id) of each message copied to `chat_id`, in order.
    pub fn copies_to(&self, chat_id: i64) -> Vec<(i64, i32)> {
        let st = self.inner.lock();
        st.visible_messages(chat_id, &[SentKind::Copy])
            .iter()
            .filter_map(|m| st.copies.get(&(chat_id, m.message_id)).copied())
            .collect()
    }

    /// The newest message to `chat_id` with an inline button whose label contains `label`:
    /// (message id, callback data). Panics when there is none, naming the label.
    pub fn newest_button(&self, chat_id: i64, label: &str) -> (i32, String) {
        self.messages_to(chat_id)
            .iter()
            .rev()
            .find_map(|m| m.button_data(label).map(|d| (m.message_id, d)))
            .unwrap_or_else(|| panic!("no button labelled {label:?} in chat {chat_id}"))
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
}
