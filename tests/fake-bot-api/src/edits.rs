//! Edits of the bot's messages: text, caption and inline keyboard.

use serde_json::{Value, json};

use crate::SentKind;
use crate::error::{ApiErr, ApiResult};
use crate::json::{
    inline_only, now_unix, put_inline_markup, reply_markup_param, require_chat, value_i64,
};
use crate::messages::StoredMessage;
use crate::state::ServerState;
use crate::validate::{Content, MAX_TEXT, check_caption, check_markup, check_text};

const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

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

impl ServerState {
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

    /// The stored message a chat message's edit changes; None for an inline message's
    /// edit, which Telegram answers with `true` and this server does not store.
    fn edited(&mut self, p: &Value) -> Result<Option<&mut StoredMessage>, ApiErr> {
        if p.get("inline_message_id").is_some() {
            return Ok(None);
        }
        let key = self.edit_target(p)?;
        Ok(Some(
            self.messages.get_mut(&key).expect("edit target exists"),
        ))
    }

    pub(crate) fn edit_message_text(&mut self, p: &Value) -> ApiResult {
        self.edit_words(p, Words::Text)
    }

    pub(crate) fn edit_message_caption(&mut self, p: &Value) -> ApiResult {
        self.edit_words(p, Words::Caption)
    }

    /// editMessageText and editMessageCaption: the same edit, of a text message's text or of
    /// a media message's caption, with Telegram's errors for each.
    fn edit_words(&mut self, p: &Value, words: Words) -> ApiResult {
        let field = words.field();
        let Content {
            words: new,
            parse_mode,
            markup,
        } = Content::read(p, field, self.strict, |new, parse_mode| match words {
            Words::Text => check_text(new, parse_mode, MAX_TEXT, "MESSAGE_TOO_LONG"),
            Words::Caption => check_caption(new, parse_mode),
        })?;
        let strict = self.strict;
        let Some(m) = self.edited(p)? else {
            return Ok(json!(true));
        };
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
        m.text = new.clone();
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

    pub(crate) fn edit_message_reply_markup(&mut self, p: &Value) -> ApiResult {
        let markup = reply_markup_param(p);
        if self.strict {
            check_markup(markup.as_ref())?;
        }
        let strict = self.strict;
        let Some(m) = self.edited(p)? else {
            return Ok(json!(true));
        };
        if strict && inline_only(m.reply_markup.as_ref()) == inline_only(markup.as_ref()) {
            return Err(ApiErr::new(400, NOT_MODIFIED));
        }
        m.edits += 1;
        finish_edit(m, markup);
        Ok(m.json.clone())
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
