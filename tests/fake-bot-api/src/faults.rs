//! Injected faults: unreachable chats, failing methods and answers held back after delivery.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::FakeBotApi;
use crate::error::ApiErr;
use crate::server::canonical_method;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChatFault {
    Blocked,
    Deactivated,
    NotFound,
}

impl ChatFault {
    pub(crate) fn error(self) -> ApiErr {
        match self {
            Self::Blocked => ApiErr::new(403, "Forbidden: bot was blocked by the user"),
            Self::Deactivated => ApiErr::new(403, "Forbidden: user is deactivated"),
            Self::NotFound => ApiErr::new(400, "Bad Request: chat not found"),
        }
    }
}

/// What tests asked to go wrong.
pub(crate) struct Faults {
    pub(crate) chats: HashMap<i64, ChatFault>,
    /// Answers for the next calls of a method, by canonical method name.
    pub(crate) failures: HashMap<String, VecDeque<ApiErr>>,
    /// How long a send takes to answer after it has been delivered, like a slow network.
    pub(crate) send_delay: Duration,
    /// Every n-th rate-limited request reaches the API this much late, like a request held
    /// up by a busy machine or a slow network on its way out.
    pub(crate) late_arrivals: Option<(usize, Duration)>,
    pub(crate) arrivals: usize,
}

impl Faults {
    pub(crate) fn new() -> Self {
        Self {
            chats: HashMap::new(),
            failures: HashMap::new(),
            send_delay: Duration::ZERO,
            late_arrivals: None,
            arrivals: 0,
        }
    }

    /// How late this rate-limited request arrives.
    pub(crate) fn arrival_delay(&mut self) -> Option<Duration> {
        let (every, delay) = self.late_arrivals?;
        self.arrivals += 1;
        self.arrivals.is_multiple_of(every.max(1)).then_some(delay)
    }

    /// The failure queued for this call of `method`, if any.
    pub(crate) fn next_failure(&mut self, method: &str) -> Option<ApiErr> {
        self.failures.get_mut(method).and_then(VecDeque::pop_front)
    }

    /// The error every call to `chat_id` answers, if the chat is unreachable.
    pub(crate) fn chat_error(&self, chat_id: Option<i64>) -> Option<ApiErr> {
        chat_id
            .and_then(|c| self.chats.get(&c))
            .map(|fault| fault.error())
    }
}

impl FakeBotApi {
    /// Answers every send `delay` after delivering it, so requests stay in flight that long.
    pub fn set_send_delay(&self, delay: Duration) {
        self.inner.lock().faults.send_delay = delay;
    }

    /// Every `every`-th send reaches the API `delay` after the client sent it: it is counted
    /// against the rate limits then, later than the client can know.
    pub fn set_late_arrivals(&self, every: usize, delay: Duration) {
        let mut inner = self.inner.lock();
        inner.faults.late_arrivals = Some((every, delay));
        inner.faults.arrivals = 0;
    }

    /// Everything to `chat_id` answers 403 `Forbidden: bot was blocked by the user`.
    pub fn block_chat(&self, chat_id: i64) {
        self.inner
            .lock()
            .faults
            .chats
            .insert(chat_id, ChatFault::Blocked);
    }

    /// Everything to `chat_id` answers 403 `Forbidden: user is deactivated`.
    pub fn deactivate_chat(&self, chat_id: i64) {
        self.inner
            .lock()
            .faults
            .chats
            .insert(chat_id, ChatFault::Deactivated);
    }

    /// Everything to `chat_id` answers 400 `Bad Request: chat not found`.
    pub fn chat_not_found(&self, chat_id: i64) {
        self.inner
            .lock()
            .faults
            .chats
            .insert(chat_id, ChatFault::NotFound);
    }

    /// Removes a fault set by `block_chat` / `deactivate_chat` / `chat_not_found`.
    pub fn unblock_chat(&self, chat_id: i64) {
        self.inner.lock().faults.chats.remove(&chat_id);
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
        let queue = st.faults.failures.entry(name).or_default();
        queue.extend((0..count).map(|_| ApiErr::new(http_status, description)));
    }

    /// The next `count` calls of `method` answer 429 with `retry_after` seconds, as Telegram
    /// does when one chat is sent to too fast.
    pub fn throttle_next(&self, method: &str, count: usize, retry_after: u64) {
        let name = canonical_method(method).map_or_else(|| method.to_owned(), str::to_owned);
        let mut st = self.inner.lock();
        let queue = st.faults.failures.entry(name).or_default();
        queue.extend((0..count).map(|_| {
            let mut err = ApiErr::new(429, "Too Many Requests: retry later");
            err.retry_after = Some(retry_after);
            err
        }));
    }
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
