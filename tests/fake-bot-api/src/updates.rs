//! The updates queue: users' messages built for tests, and `getUpdates` with Telegram's
//! offset confirmation, long polling and 409 for a superseded poll.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::error::ApiErr;
use crate::json::{now_unix, value_i64};
use crate::server::{Inner, api_response};
use crate::state::ServerState;
use crate::{Call, FakeBotApi, TestUser};

/// Longest `getUpdates` long poll the server honours (Telegram's own cap is 50 s).
const MAX_LONG_POLL: Duration = Duration::from_secs(50);
const CONFLICT: &str = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

impl ServerState {
    /// Forgets updates below `offset` (negative: keeps only the last `-offset` updates).
    pub(crate) fn confirm(&mut self, offset: i64) {
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
}

impl FakeBotApi {
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

    pub(crate) fn incoming_message(&self, user: &TestUser, chat_id: i64) -> Map<String, Value> {
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
}

pub(crate) async fn get_updates(inner: &Arc<Inner>, params: Value, at: Instant) -> Response {
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
        let failure = st.faults.next_failure("getUpdates");
        let status = failure.as_ref().map_or(200, |e| e.status);
        st.log.calls.push(Call {
            method: "getUpdates".to_owned(),
            params,
            file: None,
            at,
            status,
        });
        if let Some(err) = failure {
            st.log.count_status(err.status);
            drop(st);
            inner.changed.notify_waiters();
            return api_response(err.status, &err.body());
        }
        st.log.calls.len() - 1
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
                if let Some(c) = st.log.calls.get_mut(index) {
                    c.status = 409;
                }
                st.log.count_status(409);
            }
            inner.changed.notify_waiters();
            return api_response(409, &err.body());
        }
        let batch: Vec<Value> = {
            let st = inner.lock();
            st.updates.iter().take(limit).cloned().collect()
        };
        if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
            inner.lock().log.count_status(200);
            return api_response(200, &json!({"ok": true, "result": batch}));
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

pub(crate) fn put_text(m: &mut Map<String, Value>, text: &str) {
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
