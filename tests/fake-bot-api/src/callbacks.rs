//! Inline button presses: the `callback_query` updates and `answerCallbackQuery`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::error::{ApiErr, ApiResult};
use crate::state::ServerState;
use crate::{FakeBotApi, TestUser};

impl FakeBotApi {
    /// `push_update(callback(user, message_id, data))`.
    pub fn push_callback(&self, user: &TestUser, message_id: i32, data: &str) -> u32 {
        self.push_update(self.callback(user, message_id, data))
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
}

impl ServerState {
    pub(crate) fn answer_callback_query(&mut self, p: &Value) -> ApiResult {
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
}
