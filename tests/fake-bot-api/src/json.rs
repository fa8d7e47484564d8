//! Bot API objects the server answers with, and readers for request parameters.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::error::ApiErr;
use crate::{BOT_FIRST_NAME, BOT_ID, BOT_USERNAME};

pub(crate) fn require_chat(p: &Value) -> Result<i64, ApiErr> {
    match p.get("chat_id") {
        None => Err(ApiErr::bad("chat_id is empty")),
        Some(v) => value_i64(v).ok_or_else(|| ApiErr::bad("chat not found")),
    }
}

/// `reply_markup` as an object (also accepts a JSON-encoded string).
pub(crate) fn reply_markup_param(p: &Value) -> Option<Value> {
    match p.get("reply_markup")? {
        Value::String(s) => serde_json::from_str(s).ok(),
        Value::Null => None,
        v => Some(v.clone()),
    }
}

/// Telegram only echoes inline keyboards in the returned `Message` (teloxide's
/// `Message::reply_markup` can only hold an inline keyboard).
pub(crate) fn put_inline_markup(m: &mut Map<String, Value>, markup: Option<&Value>) {
    if let Some(markup) = markup.filter(|m| m.get("inline_keyboard").is_some()) {
        m.insert("reply_markup".into(), markup.clone());
    }
}

/// Only inline keyboards belong to a message (reply keyboards live on the client).
pub(crate) fn inline_only(markup: Option<&Value>) -> Option<&Value> {
    markup.filter(|m| m.get("inline_keyboard").is_some())
}

pub(crate) fn put_opt(m: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        m.insert(key.into(), json!(v));
    }
}

pub(crate) fn value_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) fn value_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

pub(crate) fn bot_user_json() -> Value {
    json!({
        "id": BOT_ID,
        "is_bot": true,
        "first_name": BOT_FIRST_NAME,
        "username": BOT_USERNAME,
    })
}

pub(crate) fn me_json() -> Value {
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

pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
