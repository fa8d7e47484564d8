//! The recorded call log, the answer counters and the queries tests make over them.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::FakeBotApi;
use crate::json::value_i64;

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

/// Every request and answer, for tests to look back at.
pub(crate) struct CallLog {
    pub(crate) calls: Vec<Call>,
    /// Off in long benchmarks: the call log would dominate the process's memory.
    pub(crate) record: bool,
    pub(crate) status_counts: HashMap<u16, usize>,
    pub(crate) deliveries: HashMap<i64, usize>,
    /// Successful sends that carried `allow_paid_broadcast`.
    pub(crate) paid_sends: usize,
}

impl CallLog {
    pub(crate) fn new() -> Self {
        Self {
            calls: Vec::new(),
            record: true,
            status_counts: HashMap::new(),
            deliveries: HashMap::new(),
            paid_sends: 0,
        }
    }

    pub(crate) fn count_status(&mut self, status: u16) {
        *self.status_counts.entry(status).or_default() += 1;
    }

    /// The calls to `method`, in order (method names are case-insensitive).
    fn to<'a>(&'a self, method: &'a str) -> impl Iterator<Item = &'a Call> {
        self.calls
            .iter()
            .filter(move |c| c.method.eq_ignore_ascii_case(method))
    }
}

impl FakeBotApi {
    /// Stops logging calls (counters and messages are still kept), so a benchmark's memory
    /// figure measures the bot rather than this log.
    pub fn set_record_calls(&self, on: bool) {
        self.inner.lock().log.record = on;
    }

    pub fn calls(&self) -> Vec<Call> {
        self.inner.lock().log.calls.clone()
    }

    /// How many calls to `method` so far, without copying them: cheap enough to poll.
    pub fn count_calls_to(&self, method: &str) -> usize {
        self.inner.lock().log.to(method).count()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.inner.lock().log.to(method).cloned().collect()
    }

    /// Number of calls so far; pass to [`FakeBotApi::wait_for_call_since`] to only consider
    /// calls made after this point.
    pub fn mark(&self) -> usize {
        self.inner.lock().log.calls.len()
    }

    /// Calls made since `mark`.
    pub fn calls_since(&self, mark: usize) -> Vec<Call> {
        let st = self.inner.lock();
        st.log.calls[mark.min(st.log.calls.len())..].to_vec()
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
            let start = cursor.min(st.log.calls.len());
            let found = st.log.calls[start..].iter().find(|c| pred(c)).cloned();
            cursor = st.log.calls.len();
            found
        })
        .await
    }

    pub fn count_429(&self) -> usize {
        self.count_by_status(429)
    }

    /// Answers with this HTTP status so far (all methods, `getUpdates` included).
    pub fn count_by_status(&self, status: u16) -> usize {
        self.inner
            .lock()
            .log
            .status_counts
            .get(&status)
            .copied()
            .unwrap_or(0)
    }

    /// All answers by HTTP status.
    pub fn status_counts(&self) -> HashMap<u16, usize> {
        self.inner.lock().log.status_counts.clone()
    }

    /// Successful `sendMessage` / `sendPhoto` / `sendDocument` per chat.
    pub fn deliveries_per_chat(&self) -> HashMap<i64, usize> {
        self.inner.lock().log.deliveries.clone()
    }

    /// Successful sends with `allow_paid_broadcast: true`, counted even when calls are not
    /// recorded.
    pub fn paid_sends(&self) -> usize {
        self.inner.lock().log.paid_sends
    }

    /// How many chats with an id in `ids` got at least one message, without copying the
    /// per-chat map: cheap enough to poll during a 100,000-recipient benchmark.
    pub fn chats_delivered_in(&self, ids: std::ops::Range<i64>) -> usize {
        self.inner
            .lock()
            .log
            .deliveries
            .keys()
            .filter(|k| ids.contains(k))
            .count()
    }

    /// Successful `sendMessage` / `sendPhoto` / `sendDocument` in total.
    pub fn total_deliveries(&self) -> usize {
        self.inner.lock().log.deliveries.values().sum()
    }
}
