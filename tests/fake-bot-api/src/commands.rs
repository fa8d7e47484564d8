//! The command menus: `setMyCommands` / `getMyCommands` per scope and language.

use serde_json::{Value, json};

use crate::FakeBotApi;
use crate::error::{ApiErr, ApiResult};
use crate::state::ServerState;

impl ServerState {
    pub(crate) fn set_my_commands(&mut self, p: &Value) -> ApiResult {
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
}

impl FakeBotApi {
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
}

pub(crate) fn commands_key(p: &Value) -> String {
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
