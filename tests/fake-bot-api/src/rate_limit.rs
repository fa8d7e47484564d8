//! Telegram's limits on sending: a global sliding one-second window over successful sends
//! (30/s, or 1,000/s for sends with `allow_paid_broadcast`), and, when switched on, the
//! per-chat limits (about one message a second in a private chat with short bursts allowed,
//! 20 a minute in a group).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::FakeBotApi;
use crate::error::ApiErr;

/// Telegram's ceiling for paid broadcasts.
pub const PAID_PER_SECOND: usize = 1_000;
/// Messages a private chat may receive back to back before the one-a-second limit bites.
pub const PRIVATE_BURST: f64 = 3.0;
/// Messages a group may receive at once; the allowance refills at 20 a minute.
pub const GROUP_BURST: f64 = 20.0;

pub(crate) struct RateLimit {
    /// The free limit; `None` disables every global limit.
    pub(crate) per_second: Option<usize>,
    /// The limit for sends carrying `allow_paid_broadcast` (all sends count towards it).
    pub(crate) paid_per_second: usize,
    pub(crate) retry_after: u64,
    /// Successful sends without `allow_paid_broadcast` in the last second.
    pub(crate) window: VecDeque<Instant>,
    /// Every successful send in the last second, paid or not.
    pub(crate) all: VecDeque<Instant>,
    pub(crate) per_chat: bool,
    /// Each chat's allowance: (tokens, when last refilled).
    pub(crate) chats: HashMap<i64, (f64, Instant)>,
}

fn too_many(seconds: u64) -> ApiErr {
    ApiErr {
        status: 429,
        description: format!("Too Many Requests: retry after {seconds}"),
        retry_after: Some(seconds),
    }
}

fn prune(window: &mut VecDeque<Instant>, now: Instant) {
    while window
        .front()
        .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
    {
        window.pop_front();
    }
}

/// (burst, refill per second) of a chat: groups and channels have negative ids.
fn chat_limit(chat_id: i64) -> (f64, f64) {
    if chat_id < 0 {
        (GROUP_BURST, 20.0 / 60.0)
    } else {
        (PRIVATE_BURST, 1.0)
    }
}

impl RateLimit {
    pub(crate) fn new() -> Self {
        Self {
            per_second: None,
            paid_per_second: PAID_PER_SECOND,
            retry_after: 1,
            window: VecDeque::new(),
            all: VecDeque::new(),
            per_chat: false,
            chats: HashMap::new(),
        }
    }

    /// A 429 if the send would go over a limit that is switched on.
    pub(crate) fn admit(&mut self, chat_id: Option<i64>, paid: bool) -> Result<(), ApiErr> {
        let now = Instant::now();
        if let Some(per_second) = self.per_second {
            prune(&mut self.window, now);
            prune(&mut self.all, now);
            let over = if paid {
                self.all.len() >= self.paid_per_second
            } else {
                self.window.len() >= per_second || self.all.len() >= self.paid_per_second
            };
            if over {
                return Err(too_many(self.retry_after));
            }
        }
        if self.per_chat
            && let Some(chat) = chat_id
        {
            let (burst, refill) = chat_limit(chat);
            let (tokens, at) = self.chats.entry(chat).or_insert((burst, now));
            *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * refill).min(burst);
            *at = now;
            if *tokens < 1.0 {
                let wait = ((1.0 - *tokens) / refill).ceil().max(1.0) as u64;
                return Err(too_many(wait));
            }
        }
        Ok(())
    }

    /// Counts a successful send against the windows and its chat's allowance.
    pub(crate) fn record(&mut self, chat_id: Option<i64>, paid: bool) {
        let now = Instant::now();
        if self.per_second.is_some() {
            if !paid {
                self.window.push_back(now);
            }
            self.all.push_back(now);
        }
        if self.per_chat
            && let Some((tokens, _)) = chat_id.and_then(|c| self.chats.get_mut(&c))
        {
            *tokens -= 1.0;
        }
    }
}

impl FakeBotApi {
    /// At most `per_second` successful `send*` calls without `allow_paid_broadcast` (all
    /// chats together, `sendChatAction` excluded) per sliding second, and 1,000 in all
    /// counting paid ones, like Telegram; more answer 429 with `retry_after`. `None`
    /// disables both.
    pub fn set_rate_limit(&self, per_second: Option<usize>) {
        let mut st = self.inner.lock();
        st.rate.per_second = per_second;
        st.rate.window.clear();
        st.rate.all.clear();
    }

    /// Telegram's per-chat limits: a private chat gets [`PRIVATE_BURST`] messages at once
    /// and then one a second, a group [`GROUP_BURST`] and then 20 a minute; more answer 429
    /// with the wait. Off by default so scenario tests can play a conversation at full speed.
    pub fn set_per_chat_limits(&self, on: bool) {
        let mut st = self.inner.lock();
        st.rate.per_chat = on;
        st.rate.chats.clear();
    }

    /// The `retry_after` (seconds) of 429 answers of the global limit; default 1.
    pub fn set_retry_after(&self, seconds: u64) {
        self.inner.lock().rate.retry_after = seconds;
    }
}

pub(crate) fn is_rate_limited(method: &str) -> bool {
    (method.starts_with("send") && method != "sendChatAction") || method == "copyMessage"
}
