//! Telegram's global flood limit: a sliding one-second window over successful sends.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::FakeBotApi;
use crate::error::ApiErr;

pub(crate) struct RateLimit {
    pub(crate) per_second: Option<usize>,
    pub(crate) retry_after: u64,
    pub(crate) window: VecDeque<Instant>,
}

impl RateLimit {
    pub(crate) fn new() -> Self {
        Self {
            per_second: None,
            retry_after: 1,
            window: VecDeque::new(),
        }
    }

    /// A 429 if the sends of the last second already reached the limit.
    pub(crate) fn admit(&mut self) -> Result<(), ApiErr> {
        let Some(per_second) = self.per_second else {
            return Ok(());
        };
        let now = Instant::now();
        while self
            .window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            self.window.pop_front();
        }
        if self.window.len() >= per_second {
            let s = self.retry_after;
            return Err(ApiErr {
                status: 429,
                description: format!("Too Many Requests: retry after {s}"),
                retry_after: Some(s),
            });
        }
        Ok(())
    }

    /// Counts a successful send against the window.
    pub(crate) fn record(&mut self) {
        if self.per_second.is_some() {
            self.window.push_back(Instant::now());
        }
    }
}

impl FakeBotApi {
    /// At most `per_second` successful `send*` calls (all chats together, `sendChatAction`
    /// excluded) per sliding second; more answer 429 with `retry_after`. `None` disables.
    pub fn set_rate_limit(&self, per_second: Option<usize>) {
        let mut st = self.inner.lock();
        st.rate.per_second = per_second;
        st.rate.window.clear();
    }

    /// The `retry_after` (seconds) of 429 answers; default 1.
    pub fn set_retry_after(&self, seconds: u64) {
        self.inner.lock().rate.retry_after = seconds;
    }
}

pub(crate) fn is_rate_limited(method: &str) -> bool {
    (method.starts_with("send") && method != "sendChatAction") || method == "copyMessage"
}
