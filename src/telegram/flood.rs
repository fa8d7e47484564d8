//! Flood control in front of the dispatcher: one user who sends hundreds of updates at once
//! must not slow the replies to everyone else.
//!
//! The gate wraps the update listener (polling and webhook alike), so an excess update is
//! dropped before teloxide queues it and before anything touches the database: the only work
//! done for it is one hash-map lookup under a short lock.
//!
//! Why this keeps the dispatcher from blocking: teloxide gives every chat a queue of 64
//! updates and the dispatcher *waits* when one is full, which stalls every other chat. Two
//! guards keep each chat below that:
//! - a token bucket per user (`FLOOD_BURST`, `FLOOD_RATE`) bounds what one person can queue;
//!   in a private chat, the only chat where a user can start a dialogue, that alone keeps the
//!   queue at `FLOOD_BURST` plus what arrives while it drains;
//! - a count of the updates admitted and not yet finished per chat, capped at
//!   [`CHAT_IN_FLIGHT`] (below 64), covers groups, where many users share one queue, and
//!   handlers slowed down by Telegram: the gate drops instead of letting the queue fill.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{Stream, StreamExt};
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, ChatId, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};
use tokio::time::Instant;

use crate::config::FloodLimits;
use crate::i18n::Lang;

/// Updates admitted for one chat and not yet finished, at most. teloxide's per-chat queue
/// holds 64; staying below it means the dispatcher never waits on a full queue.
pub const CHAT_IN_FLIGHT: u32 = 48;

/// How often idle buckets are looked for. Between two sweeps a bucket lives at most this
/// long after it has refilled, so memory is bounded by the users active in a window of
/// `FLOOD_BURST / FLOOD_RATE` plus this.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

struct Bucket {
    tokens: f64,
    last: Instant,
    /// The "slow down" notice went out for the current burst.
    noticed: bool,
}

struct State {
    users: HashMap<UserId, Bucket>,
    in_flight: HashMap<ChatId, u32>,
    last_sweep: Instant,
}

/// What the gate decided for one update.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Admit,
    /// Dropped; the first drop of a burst also tells the user once.
    Drop {
        notify: bool,
    },
}

/// Per-user token buckets and per-chat in-flight counts, shared by the listener (admits)
/// and the handler tree (finishes).
pub struct FloodGate {
    limits: FloodLimits,
    state: Mutex<State>,
}

impl FloodGate {
    pub fn new(limits: FloodLimits) -> Arc<FloodGate> {
        Arc::new(FloodGate {
            limits,
            state: Mutex::new(State {
                users: HashMap::new(),
                in_flight: HashMap::new(),
                last_sweep: Instant::now(),
            }),
        })
    }

    /// Decides for an update from `user` in `chat` (either may be absent: channel posts,
    /// inline queries) at `now`.
    pub fn check(&self, user: Option<UserId>, chat: Option<ChatId>, now: Instant) -> Verdict {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.sweep(&mut state, now);
        let burst = f64::from(self.limits.burst);
        let mut notify = false;
        if let Some(user) = user {
            let bucket = state.users.entry(user).or_insert(Bucket {
                tokens: burst,
                last: now,
                noticed: false,
            });
            let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
            bucket.tokens = (bucket.tokens + elapsed * self.limits.per_second).min(burst);
            bucket.last = now;
            if bucket.tokens < 1.0 {
                notify = !bucket.noticed;
                bucket.noticed = true;
                return Verdict::Drop { notify };
            }
            bucket.tokens -= 1.0;
            bucket.noticed = false;
        }
        if let Some(chat) = chat {
            let count = state.in_flight.entry(chat).or_insert(0);
            if *count >= CHAT_IN_FLIGHT {
                return Verdict::Drop { notify };
            }
            *count += 1;
        }
        Verdict::Admit
    }

    /// An admitted update of `chat` has been handled (or has failed, or panicked).
    pub fn finished(&self, chat: ChatId) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = state.in_flight.get_mut(&chat) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                state.in_flight.remove(&chat);
            }
        }
    }

    /// Users whose bucket is full again are forgotten: a new bucket would start full too.
    fn sweep(&self, state: &mut State, now: Instant) {
        if now.saturating_duration_since(state.last_sweep) < SWEEP_EVERY {
            return;
        }
        state.last_sweep = now;
        let burst = f64::from(self.limits.burst);
        let rate = self.limits.per_second;
        state.users.retain(|_, b| {
            let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
            b.tokens + elapsed * rate < burst
        });
    }

    /// How many users are tracked now (for tests of the memory bound).
    #[cfg(test)]
    pub fn tracked_users(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .users
            .len()
    }
}

/// Tells the gate, when dropped, that an admitted update is finished: dropped rather than
/// called, so a handler that fails, panics or is aborted at a stop still counts as done.
pub struct Finished {
    gate: Arc<FloodGate>,
    chat: Option<ChatId>,
}

impl Finished {
    pub fn new(gate: Arc<FloodGate>, chat: Option<ChatId>) -> Finished {
        Finished { gate, chat }
    }
}

impl Drop for Finished {
    fn drop(&mut self) {
        if let Some(chat) = self.chat {
            self.gate.finished(chat);
        }
    }
}

/// The update's chat for the in-flight count: the same key teloxide's dispatcher queues by.
pub fn chat_of(update: &Update) -> Option<ChatId> {
    update.chat().map(|c| c.id)
}

/// A listener whose stream lets through only what the [`FloodGate`] admits.
pub struct Guarded<L> {
    inner: L,
    gate: Arc<FloodGate>,
    bot: Bot,
    default_lang: Lang,
}

impl<L> Guarded<L> {
    pub fn new(inner: L, gate: Arc<FloodGate>, bot: Bot, default_lang: Lang) -> Self {
        Guarded {
            inner,
            gate,
            bot,
            default_lang,
        }
    }
}

impl<'a, L> AsUpdateStream<'a> for Guarded<L>
where
    L: UpdateListener + 'static,
    L::Err: Send + 'static,
{
    type StreamErr = L::Err;
    type Stream = Pin<Box<dyn Stream<Item = Result<Update, L::Err>> + Send + 'a>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let gate = self.gate.clone();
        let bot = self.bot.clone();
        let default_lang = self.default_lang;
        self.inner
            .as_stream()
            .filter(move |item| {
                let admit = match item {
                    Ok(update) => admit(&gate, &bot, default_lang, update),
                    Err(_) => true,
                };
                std::future::ready(admit)
            })
            .boxed()
    }
}

impl<L> UpdateListener for Guarded<L>
where
    L: UpdateListener + 'static,
    L::Err: Send + 'static,
{
    type Err = L::Err;

    fn stop_token(&mut self) -> StopToken {
        self.inner.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.inner.hint_allowed_updates(hint);
    }
}

fn admit(gate: &FloodGate, bot: &Bot, default_lang: Lang, update: &Update) -> bool {
    // teloxide drops an update it cannot parse before any handler, so it must not count
    // towards a chat's in-flight updates either (nothing would ever finish it).
    if matches!(update.kind, UpdateKind::Error(_)) {
        return true;
    }
    let user = update.from();
    let chat = chat_of(update);
    match gate.check(user.map(|u| u.id), chat, Instant::now()) {
        Verdict::Admit => true,
        Verdict::Drop { notify } => {
            // Only in the user's private chat: a notice in a group would add to the noise.
            let private = update.chat().is_none_or(|c| c.is_private());
            if notify
                && private
                && let Some(user) = user
            {
                let lang = Lang::from_telegram(user.language_code.as_deref(), default_lang);
                let to = ChatId::from(user.id);
                let bot = bot.clone();
                tokio::spawn(async move {
                    if let Err(e) = bot.send_message(to, lang.t("flood-slow-down")).await {
                        tracing::debug!(error = %e, "cannot send the flood notice");
                    }
                });
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(burst: u32, per_second: f64) -> Arc<FloodGate> {
        FloodGate::new(FloodLimits { burst, per_second })
    }

    #[test]
    fn a_burst_is_admitted_then_dropped_with_one_notice() {
        let g = gate(3, 1.0);
        let t = Instant::now();
        let u = Some(UserId(1));
        let c = Some(ChatId(1));
        for _ in 0..3 {
            assert_eq!(g.check(u, c, t), Verdict::Admit);
            g.finished(ChatId(1));
        }
        assert_eq!(g.check(u, c, t), Verdict::Drop { notify: true });
        assert_eq!(g.check(u, c, t), Verdict::Drop { notify: false });
        // Another user is not affected.
        assert_eq!(g.check(Some(UserId(2)), Some(ChatId(2)), t), Verdict::Admit);
        // One second refills one token, and the next burst gets its own notice.
        let later = t + Duration::from_secs(1);
        assert_eq!(g.check(u, c, later), Verdict::Admit);
        assert_eq!(g.check(u, c, later), Verdict::Drop { notify: true });
    }

    #[test]
    fn a_chat_never_holds_more_than_its_in_flight_cap() {
        let g = gate(1_000, 1.0);
        let t = Instant::now();
        let chat = Some(ChatId(-100));
        for i in 0..CHAT_IN_FLIGHT {
            let user = Some(UserId(u64::from(i)));
            assert_eq!(g.check(user, chat, t), Verdict::Admit);
        }
        assert_eq!(
            g.check(Some(UserId(999)), chat, t),
            Verdict::Drop { notify: false }
        );
        g.finished(ChatId(-100));
        assert_eq!(g.check(Some(UserId(999)), chat, t), Verdict::Admit);
    }

    #[test]
    fn idle_users_are_forgotten() {
        let g = gate(2, 1.0);
        let t = Instant::now();
        for i in 0..100 {
            g.check(Some(UserId(i)), None, t);
        }
        assert_eq!(g.tracked_users(), 100);
        g.check(Some(UserId(1_000)), None, t + SWEEP_EVERY);
        assert_eq!(g.tracked_users(), 1);
    }
}
