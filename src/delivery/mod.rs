//! The delivery worker: sends the outbox (broadcasts, reminders and pledge receipts) at
//! `BROADCAST_RATE`, several requests in flight.
//!
//! One task claims small batches of rows (one transaction for a tenth of a second's worth,
//! receipts first) right before sending, so a cancellation or a 429 takes effect within
//! that batch, and a crash leaves at most the claimed and in-flight rows `sending` (they go
//! back to pending on start-up). Outcomes are written back in batches by a recorder task:
//! at 1,000 sends a second a transaction per row would be the bottleneck. A row sent but
//! not yet recorded is still `sending`, so a crash repeats at most the rows the database
//! shows in flight. No chat gets two outbox messages within a second (Telegram's per-chat
//! limit): a row for a chat served a moment ago waits its turn.

pub mod pacer;
mod record;
mod report;
pub mod scheduler;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use pacer::Ticket;
pub use pacer::{SharedPacer, paced};

use crate::app::App;
use crate::domain::broadcast::Progress;
use crate::store::StoreError;
use crate::store::broadcasts::{self, Broadcast, Content};
use crate::store::outbox::{self, Claimed, Done, Recorded};

/// Requests in flight at least. At 30/s and ~100 ms per request three would do; more
/// covers slow moments without letting a burst through (the pacer still spaces them).
pub const MAX_IN_FLIGHT: usize = 8;
/// Transient failures (5xx, network) before a recipient counts as failed.
pub const MAX_ATTEMPTS: i64 = 5;
/// A receipt is tried for longer: the pledge is stored and the user is waiting for proof
/// (backoff capped at a minute: about 15 minutes of Telegram being down).
pub const RECEIPT_MAX_ATTEMPTS: i64 = 20;
/// How often the HR officer's progress message may change.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(3);
/// Telegram allows about one message a second to one chat.
pub const PER_CHAT_GAP: Duration = Duration::from_secs(1);
/// How long an idle worker sleeps before looking for due retries and new work by itself.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How often the worker re-checks that a running broadcast's author still holds the role:
/// each second's batch of rows starts with a fresh check, so a role lost some other way than
/// `/revoke_hr` (e.g. removed from `HR_IDS` before a restart) stops the broadcast at once.
const AUTHOR_RECHECK: Duration = Duration::from_secs(1);
/// How long a stop waits for requests in flight before leaving them to the restart.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Rows claimed per transaction: a tenth of a second's worth, so a cancellation still
/// stops a broadcast within that much.
fn batch_size(rate: u32) -> usize {
    (rate as usize / 10).clamp(1, 100)
}

/// Receipts claimed per transaction: they are replies, not paced like a broadcast, and on
/// election eve they come by the thousand a second.
const RECEIPT_BATCH: usize = 100;

/// Requests in flight: enough for 50 ms answers at the configured rate.
fn in_flight_limit(rate: u32) -> usize {
    (rate as usize / 20).max(MAX_IN_FLIGHT)
}

/// Wakes the worker when a broadcast or a receipt was queued, so it starts without waiting
/// for a poll.
#[derive(Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    pub fn new() -> Wakeup {
        Wakeup::default()
    }

    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    Blocked(String),
    RetryAfter(Duration),
    Retry(String),
    Failed(String),
}

/// The messenger as the worker sees it: one request per outbox row, and the HR officer's
/// progress message. The Telegram layer implements it; the worker never sees a `Bot`.
pub trait Outlet: Send + Sync + 'static {
    /// Sends one recipient's copy of a broadcast and sorts the answer.
    fn send(&self, row: &Claimed, content: &Content) -> impl Future<Output = Outcome> + Send;

    /// Sends the receipt of the user's pledge for `election` and sorts the answer.
    fn send_receipt(&self, row: &Claimed, election: &str) -> impl Future<Output = Outcome> + Send;

    /// Shows how far a running broadcast got. Each request waits for a slot of `pacer`, so
    /// reports can't push the outbox over Telegram's limit.
    fn progress(
        &self,
        b: &Broadcast,
        p: &Progress,
        pacer: &SharedPacer,
    ) -> impl Future<Output = ()> + Send;

    /// Tells the officer a broadcast is over, paced like [`Outlet::progress`].
    fn finished(
        &self,
        b: &Broadcast,
        p: &Progress,
        pacer: &SharedPacer,
    ) -> impl Future<Output = ()> + Send;
}

/// Seconds to wait before retry number `attempts + 1`: 1, 2, 4, 8 … capped at a minute.
fn backoff(attempts: i64) -> chrono::Duration {
    chrono::Duration::seconds(1i64 << attempts.clamp(0, 6)).min(chrono::Duration::seconds(60))
}

/// Shared by the worker's tasks.
struct Ctx<O> {
    outlet: O,
    app: Arc<App>,
    pacer: SharedPacer,
}

/// The running worker and scheduler, stoppable together.
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts the delivery worker, the progress reporter and the reminder scheduler.
    pub fn spawn<O: Outlet>(outlet: O, app: Arc<App>, wakeup: Wakeup) -> Workers {
        let (stop, stopped) = watch::channel(false);
        let ctx = Arc::new(Ctx {
            pacer: pacer::shared(app.config.broadcast_rate),
            outlet,
            app,
        });
        let tasks = vec![
            tokio::spawn(run(ctx.clone(), wakeup.clone(), stopped.clone())),
            tokio::spawn(report::run(ctx.clone(), stopped.clone())),
            tokio::spawn(scheduler::run(ctx.app.clone(), wakeup, stopped)),
        ];
        Workers { stop, tasks }
    }

    /// Stops claiming, lets requests in flight finish (briefly), and waits up to `grace`
    /// for the tasks.
    pub async fn stop(mut self, grace: Duration) {
        let _ = self.stop.send(true);
        let tasks = &mut self.tasks;
        let graceful = async move {
            for task in tasks.iter_mut() {
                let _ = task.await;
            }
        };
        // Never hang a shutdown: rows a worker was sending when aborted are reset to
        // pending at the next start.
        if tokio::time::timeout(grace, graceful).await.is_err() {
            tracing::warn!("delivery workers did not stop in time; aborting them");
            for task in &self.tasks {
                task.abort();
            }
        }
    }
}

async fn stopped(rx: &mut watch::Receiver<bool>) {
    // An error means the sender is gone: treat it as a stop too.
    let _ = rx.wait_for(|s| *s).await;
}

/// When each chat last got an outbox message, forgotten after [`PER_CHAT_GAP`].
#[derive(Default)]
struct RecentChats {
    at: HashMap<i64, Instant>,
    pruned: Option<Instant>,
}

impl RecentChats {
    /// When the chat may get its next message, if not now.
    fn busy_until(&self, chat: i64, now: Instant) -> Option<Instant> {
        let next = *self.at.get(&chat)? + PER_CHAT_GAP;
        (next > now).then_some(next)
    }

    fn sent(&mut self, chat: i64, now: Instant) {
        self.at.insert(chat, now);
        if self
            .pruned
            .is_none_or(|p| now.duration_since(p) >= PER_CHAT_GAP)
        {
            self.at.retain(|_, t| now.duration_since(*t) < PER_CHAT_GAP);
            self.pruned = Some(now);
        }
    }
}

/// The worker's state between batches.
struct Claims {
    batch: VecDeque<Claimed>,
    contents: HashMap<i64, Arc<Content>>,
    /// When each running broadcast's author was last confirmed to hold the role.
    authors: HashMap<i64, Instant>,
    recent: RecentChats,
}

async fn run<O: Outlet>(ctx: Arc<Ctx<O>>, wakeup: Wakeup, mut stop: watch::Receiver<bool>) {
    match ctx.app.store.run(|c| outbox::reset_in_flight(c)).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(rows = n, "outbox rows left in flight go out again"),
        Err(e) => tracing::error!(error = %e, "cannot reset in-flight outbox rows"),
    }
    let rate = ctx.app.config.broadcast_rate;
    let (done, results) = mpsc::unbounded_channel();
    let recorder = tokio::spawn(record::run(ctx.app.clone(), results));
    let slots = Arc::new(Semaphore::new(in_flight_limit(rate)));
    let mut in_flight: JoinSet<()> = JoinSet::new();
    let mut claims = Claims {
        batch: VecDeque::new(),
        contents: HashMap::new(),
        authors: HashMap::new(),
        recent: RecentChats::default(),
    };
    loop {
        while in_flight.try_join_next().is_some() {}
        if claims.batch.is_empty() {
            let now = ctx.app.now();
            let limit = batch_size(rate);
            match ctx
                .app
                .store
                .run(move |c| outbox::claim_batch(c, now, RECEIPT_BATCH, limit))
                .await
            {
                Ok(rows) if rows.is_empty() => {
                    let sleep = idle_sleep(&ctx).await;
                    tokio::select! {
                        _ = wakeup.0.notified() => {}
                        _ = tokio::time::sleep(sleep) => {}
                        _ = stopped(&mut stop) => break,
                    }
                    continue;
                }
                Ok(rows) => claims.batch.extend(rows),
                Err(e) => {
                    tracing::error!(error = %e, "cannot claim from the outbox");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = stopped(&mut stop) => break,
                    }
                    continue;
                }
            }
        }
        let Some(row) = claims.batch.pop_front() else {
            continue;
        };
        if let Some(until) = claims.recent.busy_until(row.user_id, Instant::now()) {
            let at = ctx.app.now()
                + chrono::Duration::from_std(until.saturating_duration_since(Instant::now()))
                    .unwrap_or_default();
            let _ = done.send(Done {
                row,
                result: Recorded::Later(at),
                at: ctx.app.now(),
            });
            continue;
        }
        let message = match &row.receipt_for {
            Some(election) => Message::Receipt(election.clone()),
            None => match content_of(&ctx, &mut claims.contents, row.broadcast_id).await {
                Some(c) => {
                    if !author_may_send(&ctx, &mut claims, &row).await {
                        continue;
                    }
                    Message::Broadcast(c)
                }
                None => {
                    let _ = done.send(Done {
                        row,
                        result: Recorded::Failed("broadcast not found".into()),
                        at: ctx.app.now(),
                    });
                    continue;
                }
            },
        };
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => { claims.batch.push_front(row); break } },
            _ = stopped(&mut stop) => { claims.batch.push_front(row); break },
        };
        // A receipt is a reply, sent at once like any other (only a 429's pause holds it);
        // a broadcast waits for its slot.
        let slot = async {
            match &message {
                Message::Receipt(_) => pacer::unpaused(&ctx.pacer).await,
                Message::Broadcast(_) => paced(&ctx.pacer).await,
            }
        };
        let ticket = tokio::select! {
            t = slot => t,
            _ = stopped(&mut stop) => { claims.batch.push_front(row); break },
        };
        claims.recent.sent(row.user_id, Instant::now());
        in_flight.spawn(deliver(
            ctx.clone(),
            row,
            message,
            (permit, ticket),
            done.clone(),
        ));
    }
    // A receipt confirms a pledge that is already stored: the ones due go out before the
    // stop (the user is looking at their phone), the rest at the next start.
    let mut receipts: Vec<Claimed> = Vec::new();
    claims.batch.retain(|r| {
        let receipt = r.receipt_for.is_some();
        if receipt {
            receipts.push(r.clone());
        }
        !receipt
    });
    let now = ctx.app.now();
    if let Ok(more) = ctx
        .app
        .store
        .run(move |c| outbox::claim_batch(c, now, RECEIPT_BATCH, 0))
        .await
    {
        receipts.extend(more);
    }
    for row in receipts {
        let Some(election) = row.receipt_for.clone() else {
            continue;
        };
        match slots.clone().acquire_owned().await {
            Ok(permit) => {
                let message = Message::Receipt(election);
                let sending = (permit, pacer::leaving_now(&ctx.pacer));
                in_flight.spawn(deliver(ctx.clone(), row, message, sending, done.clone()));
            }
            Err(_) => claims.batch.push_back(row),
        }
    }
    // Claimed but never sent: back to pending now rather than at the next start.
    let unsent: Vec<Claimed> = claims.batch.drain(..).collect();
    if !unsent.is_empty()
        && let Err(e) = ctx
            .app
            .store
            .run(move |c| outbox::release_all(c, &unsent))
            .await
    {
        tracing::warn!(error = %e, "cannot release claimed outbox rows; the restart will");
    }
    // Requests already sent get their answer recorded; anything slower is left `sending`
    // and goes out again after the restart.
    let drain = async { while in_flight.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN_TIMEOUT, drain).await.is_err() {
        tracing::warn!("outbox requests still in flight at stop; they will be retried");
    }
    in_flight.abort_all();
    drop(done);
    if tokio::time::timeout(DRAIN_TIMEOUT, recorder).await.is_err() {
        tracing::warn!("outbox results not recorded in time; those rows will be retried");
    }
    tracing::info!("delivery worker stopped");
}

/// What a claimed row carries.
enum Message {
    Broadcast(Arc<Content>),
    /// The receipt of the pledge for this election.
    Receipt(String),
}

/// Until the next retry falls due, but never longer than the idle poll.
async fn idle_sleep<O>(ctx: &Ctx<O>) -> Duration {
    let next = ctx
        .app
        .store
        .run(|c| outbox::next_due(c))
        .await
        .ok()
        .flatten();
    next.and_then(|at| (at - ctx.app.now()).to_std().ok())
        .map_or(IDLE_POLL, |d| d.min(IDLE_POLL))
}

async fn content_of<O>(
    ctx: &Ctx<O>,
    cache: &mut HashMap<i64, Arc<Content>>,
    id: i64,
) -> Option<Arc<Content>> {
    if let Some(c) = cache.get(&id) {
        return Some(c.clone());
    }
    let b = ctx
        .app
        .store
        .run(move |c| broadcasts::get(c, id))
        .await
        .ok()??;
    let content = Arc::new(b.content);
    cache.insert(id, content.clone());
    Some(content)
}

/// Whether the claimed row may go out: a reminder always, an HR broadcast only while its
/// author still is HR or admin. Otherwise the broadcast is cancelled (audited) with the row
/// and every other row of it in the claimed batch.
async fn author_may_send<O>(ctx: &Ctx<O>, claims: &mut Claims, row: &Claimed) -> bool {
    let bid = row.broadcast_id;
    let fresh = claims
        .authors
        .get(&bid)
        .is_some_and(|checked| checked.elapsed() < AUTHOR_RECHECK);
    if fresh {
        return true;
    }
    let app = ctx.app.clone();
    let checked = ctx
        .app
        .store
        .run(move |c| {
            let Some(b) = broadcasts::get(c, bid)? else {
                return Ok::<_, StoreError>((None, true));
            };
            if b.system_made {
                return Ok((None, true));
            }
            let granted = crate::store::users::get(c, b.created_by)?
                .map_or(crate::domain::Role::Asn, |u| u.granted_role);
            Ok((
                Some(b.created_by),
                app.role_of(b.created_by, granted).is_hr(),
            ))
        })
        .await;
    match checked {
        Ok((_, true)) => {
            claims.authors.insert(bid, Instant::now());
            true
        }
        Ok((id, false)) => {
            claims.authors.remove(&bid);
            let now = ctx.app.now();
            let mut rows = vec![row.id];
            claims.batch.retain(|r| {
                let same = r.receipt_for.is_none() && r.broadcast_id == bid;
                if same {
                    rows.push(r.id);
                }
                !same
            });
            let cancelled = ctx
                .app
                .store
                .run(move |c| broadcasts::cancel_orphaned(c, bid, &rows, now))
                .await;
            match cancelled {
                Ok(unsent) => tracing::warn!(
                    broadcast = bid,
                    user_id = id.unwrap_or_default(),
                    unsent,
                    "broadcast cancelled: its author is no longer HR"
                ),
                Err(e) => tracing::error!(error = %e, broadcast = bid, "cannot cancel a broadcast"),
            }
            false
        }
        Err(e) => {
            // Unknown is not "allowed": put the row back and try again on the next round.
            tracing::error!(error = %e, broadcast = bid, "cannot check a broadcast's author");
            let rows = vec![row.clone()];
            let _ = ctx
                .app
                .store
                .run(move |c| outbox::release_all(c, &rows))
                .await;
            false
        }
    }
}

/// One request for one recipient; its result goes to the recorder.
async fn deliver<O: Outlet>(
    ctx: Arc<Ctx<O>>,
    row: Claimed,
    message: Message,
    // Its place among the requests in flight, and in the pacer's second until answered.
    (_slot, ticket): (OwnedSemaphorePermit, Ticket),
    done: mpsc::UnboundedSender<Done>,
) {
    let outcome = match &message {
        Message::Broadcast(content) => ctx.outlet.send(&row, content).await,
        Message::Receipt(election) => ctx.outlet.send_receipt(&row, election).await,
    };
    drop(ticket);
    if let Outcome::RetryAfter(wait) = &outcome {
        // Exactly retry_after, for every outbox request, from the moment we learned it.
        pacer::pause(&ctx.pacer, Instant::now() + *wait);
        tracing::warn!(retry_after = wait.as_secs(), "Telegram asked to slow down");
    }
    let now = ctx.app.now();
    let max_attempts = if row.receipt_for.is_some() {
        RECEIPT_MAX_ATTEMPTS
    } else {
        MAX_ATTEMPTS
    };
    let result = match outcome {
        Outcome::Sent => Recorded::Sent,
        Outcome::Blocked(e) => Recorded::Blocked(e),
        Outcome::RetryAfter(wait) => {
            Recorded::Later(now + chrono::Duration::from_std(wait).unwrap_or_default())
        }
        Outcome::Retry(error) => Recorded::Retry {
            error,
            at: now + backoff(row.attempts),
            max_attempts,
        },
        Outcome::Failed(e) => Recorded::Failed(e),
    };
    // The recorder only goes away after every sender is done; an error here can't happen
    // but would leave the row `sending`: a repeat after a restart, not a loss.
    let _ = done.send(Done {
        row,
        result,
        at: now,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_and_in_flight_follow_the_rate() {
        assert_eq!(
            (batch_size(2), batch_size(30), batch_size(1000)),
            (1, 3, 100)
        );
        assert_eq!((in_flight_limit(30), in_flight_limit(1000)), (8, 50));
    }

    #[test]
    fn a_chat_served_a_moment_ago_waits_a_second() {
        let mut r = RecentChats::default();
        let t0 = Instant::now();
        r.sent(1, t0);
        assert_eq!(
            r.busy_until(1, t0 + Duration::from_millis(300)),
            Some(t0 + PER_CHAT_GAP)
        );
        assert_eq!(r.busy_until(2, t0), None);
        assert_eq!(r.busy_until(1, t0 + PER_CHAT_GAP), None);
    }

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        assert_eq!(backoff(0).num_seconds(), 1);
        assert_eq!(backoff(3).num_seconds(), 8);
        assert_eq!(backoff(10).num_seconds(), 60);
    }
}
