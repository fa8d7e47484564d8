//! The delivery worker: sends the outbox at `BROADCAST_RATE`, a few requests in flight.
//!
//! One task claims rows one at a time (an atomic `UPDATE … RETURNING`), right before
//! sending, so a cancellation or a 429 takes effect at once and a crash leaves at most the
//! in-flight rows `sending` (they go back to pending on start-up). Pacing is our own token
//! schedule shared by every outbox request, not teloxide's `Throttle`: interactive replies
//! never queue behind a broadcast, and a 429 pauses only the outbox.

pub mod scheduler;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use crate::app::App;
use crate::domain::broadcast::Progress;
use crate::store::StoreError;
use crate::store::broadcasts::{self, Broadcast, Content};
use crate::store::outbox::{self, Claimed};

/// Requests in flight at once. At 30/s and ~100 ms per request three would do; more
/// covers slow moments without letting a burst through (the pacer still spaces them).
pub const MAX_IN_FLIGHT: usize = 8;
/// Transient failures (5xx, network) before a recipient counts as failed.
pub const MAX_ATTEMPTS: i64 = 5;
/// How often the HR officer's progress message may change.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(3);
/// How long an idle worker sleeps before looking for due retries and new work by itself.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How often the worker re-checks that a running broadcast's author still holds the role:
/// each second's batch of rows starts with a fresh check, so a role lost some other way than
/// `/revoke_hr` (e.g. removed from `HR_IDS` before a restart) stops the broadcast at once.
const AUTHOR_RECHECK: Duration = Duration::from_secs(1);
/// How long a stop waits for requests in flight before leaving them to the restart.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Wakes the worker when a broadcast was queued, so it starts without waiting for a poll.
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

/// Spaces outbox requests `1 / rate` apart and holds them all during a 429's `retry_after`.
/// Callers reserve a slot and sleep until it, so concurrent senders never share one.
#[derive(Debug)]
pub struct Pacer {
    period: Duration,
    next: Instant,
    paused_until: Instant,
}

impl Pacer {
    pub fn new(rate: u32) -> Pacer {
        let now = Instant::now();
        Pacer {
            period: Duration::from_secs(1) / rate.clamp(1, 30),
            next: now,
            paused_until: now,
        }
    }

    /// Reserves the next slot. A sender woken a little late keeps its place on the grid
    /// (half a period of slack), so timer jitter doesn't slow the whole broadcast down;
    /// after an idle spell at most two requests go out close together.
    pub fn reserve(&mut self, now: Instant) -> Instant {
        let slack = now.checked_sub(self.period / 2).unwrap_or(now);
        let slot = self.next.max(slack).max(self.paused_until);
        self.next = slot + self.period;
        slot
    }

    /// Telegram said 429: nothing leaves before `until`.
    pub fn pause(&mut self, until: Instant) {
        self.paused_until = self.paused_until.max(until);
        self.next = self.next.max(until);
    }

    pub fn is_paused(&self, now: Instant) -> bool {
        self.paused_until > now
    }
}

pub type SharedPacer = Arc<Mutex<Pacer>>;

/// Waits for a slot of the shared pacer.
pub async fn paced(pacer: &SharedPacer) {
    loop {
        let slot = pacer.lock().await.reserve(Instant::now());
        tokio::time::sleep_until(slot).await;
        // A 429 may have arrived while we slept: then take a new slot after the pause.
        if !pacer.lock().await.is_paused(Instant::now()) {
            return;
        }
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
    /// Sends one recipient's copy and sorts the answer.
    fn send(&self, row: &Claimed, content: &Content) -> impl Future<Output = Outcome> + Send;

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
            pacer: Arc::new(Mutex::new(Pacer::new(app.config.broadcast_rate))),
            outlet,
            app,
        });
        let tasks = vec![
            tokio::spawn(run(ctx.clone(), wakeup.clone(), stopped.clone())),
            tokio::spawn(report(ctx.clone(), stopped.clone())),
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

async fn run<O: Outlet>(ctx: Arc<Ctx<O>>, wakeup: Wakeup, mut stop: watch::Receiver<bool>) {
    match ctx.app.store.run(|c| outbox::reset_in_flight(c)).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(rows = n, "outbox rows left in flight go out again"),
        Err(e) => tracing::error!(error = %e, "cannot reset in-flight outbox rows"),
    }
    let slots = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut in_flight: JoinSet<()> = JoinSet::new();
    let mut contents: HashMap<i64, Arc<Content>> = HashMap::new();
    // When each running broadcast's author was last confirmed to hold the role.
    let mut authors: HashMap<i64, Instant> = HashMap::new();
    loop {
        while in_flight.try_join_next().is_some() {}
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = stopped(&mut stop) => break,
        };
        tokio::select! {
            _ = paced(&ctx.pacer) => {}
            _ = stopped(&mut stop) => break,
        }
        let now = ctx.app.now();
        let claimed = ctx.app.store.run(move |c| outbox::claim_next(c, now)).await;
        match claimed {
            Ok(Some(row)) => {
                let content = match content_of(&ctx, &mut contents, row.broadcast_id).await {
                    Some(c) => c,
                    None => {
                        let id = row.id;
                        let _ = ctx
                            .app
                            .store
                            .run(move |c| outbox::mark_failed(c, id, "broadcast not found"))
                            .await;
                        continue;
                    }
                };
                if !author_may_send(&ctx, &mut authors, &row).await {
                    drop(permit);
                    continue;
                }
                in_flight.spawn(deliver(ctx.clone(), row, content, permit));
            }
            Ok(None) => {
                drop(permit);
                let sleep = idle_sleep(&ctx).await;
                tokio::select! {
                    _ = wakeup.0.notified() => {}
                    _ = tokio::time::sleep(sleep) => {}
                    _ = stopped(&mut stop) => break,
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot claim from the outbox");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stopped(&mut stop) => break,
                }
            }
        }
    }
    // Requests already sent get their answer recorded; anything slower is left `sending`
    // and goes out again after the restart.
    let drain = async { while in_flight.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN_TIMEOUT, drain).await.is_err() {
        tracing::warn!("outbox requests still in flight at stop; they will be retried");
    }
    tracing::info!("delivery worker stopped");
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
/// author still is HR or admin. Otherwise the broadcast is cancelled (audited) with the row.
async fn author_may_send<O>(
    ctx: &Ctx<O>,
    authors: &mut HashMap<i64, Instant>,
    row: &Claimed,
) -> bool {
    let bid = row.broadcast_id;
    let fresh = authors
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
            if b.is_reminder {
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
            authors.insert(bid, Instant::now());
            true
        }
        Ok((id, false)) => {
            authors.remove(&bid);
            let now = ctx.app.now();
            let row_id = row.id;
            let cancelled = ctx
                .app
                .store
                .run(move |c| broadcasts::cancel_orphaned(c, bid, row_id, now))
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
            let row_id = row.id;
            let _ = ctx.app.store.run(move |c| outbox::release(c, row_id)).await;
            false
        }
    }
}

/// One request for one recipient, and its result written back.
async fn deliver<O: Outlet>(
    ctx: Arc<Ctx<O>>,
    row: Claimed,
    content: Arc<Content>,
    _slot: OwnedSemaphorePermit,
) {
    let outcome = ctx.outlet.send(&row, &content).await;
    if let Outcome::RetryAfter(wait) = &outcome {
        // Exactly retry_after, for every outbox request, from the moment we learned it.
        ctx.pacer.lock().await.pause(Instant::now() + *wait);
        tracing::warn!(retry_after = wait.as_secs(), "Telegram asked to slow down");
    }
    let now = ctx.app.now();
    let id = row.id;
    let user = row.user_id;
    let attempts = row.attempts;
    let stored = ctx
        .app
        .store
        .run(move |c| match outcome {
            Outcome::Sent => outbox::mark_sent(c, id, now),
            Outcome::Blocked(e) => outbox::mark_blocked(c, id, user, &e),
            Outcome::RetryAfter(_) => outbox::release(c, id),
            Outcome::Retry(e) => {
                outbox::mark_retry(c, id, &e, now + backoff(attempts), MAX_ATTEMPTS).map(|_| ())
            }
            Outcome::Failed(e) => outbox::mark_failed(c, id, &e),
        })
        .await;
    if let Err(e) = stored {
        // The row stays `sending` and goes out again after a restart: a repeat, not a loss.
        tracing::error!(error = %e, row = id, "cannot record a delivery");
    }
}

/// Keeps each HR officer's progress message current and closes finished broadcasts.
async fn report<O: Outlet>(ctx: Arc<Ctx<O>>, mut stop: watch::Receiver<bool>) {
    let mut shown: HashMap<i64, (Instant, Progress)> = HashMap::new();
    loop {
        if let Err(e) = report_once(&ctx, &mut shown).await {
            tracing::error!(error = %e, "cannot report broadcast progress");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stopped(&mut stop) => break,
        }
    }
}

async fn report_once<O: Outlet>(
    ctx: &Ctx<O>,
    shown: &mut HashMap<i64, (Instant, Progress)>,
) -> crate::store::Result<()> {
    let ids = ctx.app.store.run(|c| broadcasts::queued_ids(c)).await?;
    for id in ids {
        let now = ctx.app.now();
        let (b, p, finished) = ctx
            .app
            .store
            .run(move |c| {
                let finished = broadcasts::finish_if_done(c, id, now)?;
                Ok::<_, StoreError>((
                    broadcasts::get(c, id)?,
                    broadcasts::progress(c, id)?,
                    finished,
                ))
            })
            .await?;
        let Some(b) = b else { continue };
        if finished {
            shown.remove(&id);
            tracing::info!(
                broadcast = id,
                sent = p.sent,
                failed = p.failed,
                blocked = p.blocked,
                "broadcast finished"
            );
            ctx.outlet.finished(&b, &p, &ctx.pacer).await;
            continue;
        }
        let due = shown
            .get(&id)
            .is_none_or(|(at, last)| *last != p && at.elapsed() >= PROGRESS_EVERY);
        if due {
            shown.insert(id, (Instant::now(), p));
            ctx.outlet.progress(&b, &p, &ctx.pacer).await;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pacer_spaces_slots_and_honours_a_pause() {
        let mut p = Pacer::new(25);
        let t0 = Instant::now();
        let a = p.reserve(t0);
        let b = p.reserve(t0);
        assert_eq!(b - a, Duration::from_millis(40));
        p.pause(t0 + Duration::from_secs(3));
        assert!(p.is_paused(t0 + Duration::from_secs(2)));
        let c = p.reserve(t0);
        assert_eq!(c, t0 + Duration::from_secs(3));
        let d = p.reserve(t0);
        assert_eq!(d - c, Duration::from_millis(40));
    }

    #[test]
    fn a_late_sender_keeps_its_place_on_the_grid() {
        let mut p = Pacer::new(20);
        let t0 = Instant::now();
        let a = p.reserve(t0);
        // Woken 10 ms late: the next slot is still 50 ms after the first, not 60.
        let b = p.reserve(a + Duration::from_millis(60));
        assert_eq!(b - a, Duration::from_millis(50));
    }

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        assert_eq!(backoff(0).num_seconds(), 1);
        assert_eq!(backoff(3).num_seconds(), 8);
        assert_eq!(backoff(10).num_seconds(), 60);
    }
}
