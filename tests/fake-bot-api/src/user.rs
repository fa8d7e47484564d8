//! The users who talk to the bot, as the Bot API shows them.

use serde_json::{Map, Value, json};

use crate::json::put_opt;

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
