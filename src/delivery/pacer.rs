//! The outbox's own pacing: a token schedule shared by every outbox request, not teloxide's
//! `Throttle`, so interactive replies never queue behind a broadcast and a 429 pauses only
//! the outbox.
//!
//! Telegram counts sends in a sliding second, at the moment each request reaches it. We
//! can't see that moment, but we can bound it: it lies between the request leaving and its
//! answer arriving. So a request counts from the moment it leaves until a second after its
//! answer came back (less half the shortest round trip seen lately, the part of the trip
//! back that every answer takes). No `rate + 1`-th request can then land inside Telegram's
//! second, however late the machine or the network made the others, and a slow moment costs
//! the milliseconds it lasted instead of a 429's pause of a second or more.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

/// The grid spaces `rate` requests over a second plus this margin: the window below is the
/// guarantee, the grid keeps requests evenly spread so the window rarely has to hold one.
const WINDOW_MARGIN: Duration = Duration::from_millis(5);
const SECOND: Duration = Duration::from_secs(1);
const GRID: Duration = SECOND.saturating_add(WINDOW_MARGIN);
/// How far behind the grid a sender may be and still keep its place.
const CATCH_UP: Duration = Duration::from_millis(50);
/// How often a sender looks again when every request of the last second is still in
/// flight (only at tiny rates, or when Telegram stalls).
const IN_FLIGHT_POLL: Duration = Duration::from_millis(10);
/// Round trips remembered for the shortest one.
const RTT_SAMPLES: usize = 64;
/// The share of Telegram's second left to requests the pacer doesn't see (the bot's
/// replies to users asking during a paid broadcast): one in fifty. At the free 30/s a
/// fiftieth is less than one request, so a broadcast there takes the whole second.
const UNPACED_SHARE: usize = 50;

/// Spaces outbox requests evenly at `rate` per [`GRID`], never lets Telegram see more than
/// `rate` within a second, and holds them all during a 429's `retry_after`.
#[derive(Debug)]
pub struct Pacer {
    /// How many requests of ours Telegram may see within a second.
    room: usize,
    period: Duration,
    next: Instant,
    paused_until: Instant,
    /// Requests sent and not yet answered.
    in_flight: usize,
    /// The latest instant Telegram can have counted each answered request of the last
    /// second, oldest first (kept in order: a later answer never counts as earlier).
    answered: VecDeque<Instant>,
    /// The last round trips, to find the shortest.
    rtts: VecDeque<Duration>,
    shortest: Duration,
}

impl Pacer {
    pub fn new(rate: u32) -> Pacer {
        let now = Instant::now();
        let rate = rate.clamp(1, crate::config::MAX_PAID_BROADCAST_RATE);
        Pacer {
            room: rate as usize - rate as usize / UNPACED_SHARE,
            period: GRID / rate,
            next: now,
            paused_until: now,
            in_flight: 0,
            answered: VecDeque::with_capacity(rate as usize),
            rtts: VecDeque::with_capacity(RTT_SAMPLES),
            shortest: Duration::ZERO,
        }
    }

    /// Reserves the next slot on the grid. A sender woken a little late keeps its place
    /// (half a period of slack, and at least [`CATCH_UP`]), so timer jitter and a busy
    /// moment of the machine don't slow the whole broadcast down: at 1,000/s a period is
    /// shorter than the timer's millisecond. Catching up can't overshoot Telegram's limit,
    /// [`Pacer::take`]'s window sees to that.
    pub fn reserve(&mut self, now: Instant) -> Instant {
        let slack = now
            .checked_sub((self.period / 2).max(CATCH_UP))
            .unwrap_or(now);
        let slot = self.next.max(slack).max(self.paused_until);
        self.next = slot + self.period;
        slot
    }

    /// The request leaves now if the window and any pause allow it (and counts as in
    /// flight); otherwise the instant to try again.
    pub fn take(&mut self, now: Instant) -> Result<(), Instant> {
        if self.paused_until > now {
            return Err(self.paused_until);
        }
        while self.answered.front().is_some_and(|t| *t + SECOND <= now) {
            self.answered.pop_front();
        }
        if self.in_flight + self.answered.len() >= self.room {
            return Err(match self.answered.front() {
                Some(t) => *t + SECOND,
                None => now + IN_FLIGHT_POLL,
            });
        }
        self.in_flight += 1;
        Ok(())
    }

    /// A request that doesn't wait for the window (a receipt is a reply) still counts in it,
    /// so the broadcast running beside it leaves room.
    fn count(&mut self) {
        self.in_flight += 1;
    }

    /// The answer to a request that left at `sent` arrived at `now`.
    pub fn answered(&mut self, sent: Instant, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if self.rtts.len() == RTT_SAMPLES {
            self.rtts.pop_front();
        }
        self.rtts.push_back(now.saturating_duration_since(sent));
        self.shortest = self.rtts.iter().copied().min().unwrap_or_default();
        let counted = now.checked_sub(self.shortest / 2).unwrap_or(now).max(sent);
        let counted = self.answered.back().map_or(counted, |b| counted.max(*b));
        self.answered.push_back(counted);
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

pub fn shared(rate: u32) -> SharedPacer {
    Arc::new(Mutex::new(Pacer::new(rate)))
}

/// The pacer's state stays consistent between calls, so a sender that panicked while
/// holding it leaves nothing half-done behind.
fn lock(pacer: &SharedPacer) -> MutexGuard<'_, Pacer> {
    pacer
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A request that left: hold it until the answer is in (dropping it records the answer).
#[must_use = "the ticket must live until Telegram has answered"]
pub struct Ticket {
    pacer: SharedPacer,
    sent: Instant,
}

impl Ticket {
    fn new(pacer: &SharedPacer, sent: Instant) -> Ticket {
        Ticket {
            pacer: pacer.clone(),
            sent,
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        lock(&self.pacer).answered(self.sent, Instant::now());
    }
}

/// Waits for a slot of the shared pacer; returns when the request may leave.
pub async fn paced(pacer: &SharedPacer) -> Ticket {
    let slot = lock(pacer).reserve(Instant::now());
    tokio::time::sleep_until(slot).await;
    loop {
        // A 429 may have arrived while we slept, or the window may be full.
        let now = Instant::now();
        let retry = match lock(pacer).take(now) {
            Ok(()) => return Ticket::new(pacer, now),
            Err(at) => at,
        };
        tokio::time::sleep_until(retry).await;
    }
}

/// Waits out a 429's pause, without waiting for a slot, and counts the request.
pub async fn unpaused(pacer: &SharedPacer) -> Ticket {
    loop {
        let paused_until = {
            let p = lock(pacer);
            p.is_paused(Instant::now()).then_some(p.paused_until)
        };
        match paused_until {
            Some(until) => tokio::time::sleep_until(until).await,
            None => return leaving_now(pacer),
        }
    }
}

/// Counts a request leaving now, without waiting even for a pause: the receipts a stop
/// sends last can't wait out a long `retry_after` within the stop's grace.
pub fn leaving_now(pacer: &SharedPacer) -> Ticket {
    let now = Instant::now();
    lock(pacer).count();
    Ticket::new(pacer, now)
}

/// Holds every outbox request until `until` (Telegram's `retry_after`).
pub fn pause(pacer: &SharedPacer, until: Instant) {
    lock(pacer).pause(until);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_pacer_spaces_slots_and_honours_a_pause() {
        let mut p = Pacer::new(25);
        let t0 = Instant::now();
        let a = p.reserve(t0);
        let b = p.reserve(t0);
        assert_eq!(b - a, GRID / 25);
        p.pause(t0 + Duration::from_secs(3));
        assert!(p.is_paused(t0 + Duration::from_secs(2)));
        assert_eq!(p.take(t0), Err(t0 + Duration::from_secs(3)));
        let c = p.reserve(t0);
        assert_eq!(c, t0 + Duration::from_secs(3));
        let d = p.reserve(t0);
        assert_eq!(d - c, GRID / 25);
    }

    #[test]
    fn a_late_sender_keeps_its_place_on_the_grid() {
        let mut p = Pacer::new(20);
        let t0 = Instant::now();
        let a = p.reserve(t0);
        // Woken a few ms late: the next slot is still one period after the first.
        let b = p.reserve(a + GRID / 20 + ms(10));
        assert_eq!(b - a, GRID / 20);
    }

    #[test]
    fn a_fast_rate_catches_up_after_a_busy_moment() {
        let mut p = Pacer::new(1000);
        let t0 = Instant::now();
        let a = p.reserve(t0);
        // 40 ms late: the grid is kept, so the next slots are already due.
        let b = p.reserve(a + ms(40));
        assert_eq!(b - a, GRID / 1000);
    }

    #[test]
    fn a_request_counts_until_a_second_after_its_answer() {
        let mut p = Pacer::new(3);
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(p.take(t0 + ms(i)), Ok(()));
        }
        // All three in flight: nobody knows yet when they reach Telegram.
        assert_eq!(p.take(t0 + ms(500)), Err(t0 + ms(500) + IN_FLIGHT_POLL));
        // Quick answers set the shortest round trip (2 ms); the first one was slow, so it
        // may have reached Telegram as late as 39 ms after it left.
        p.answered(t0 + ms(1), t0 + ms(3));
        p.answered(t0 + ms(2), t0 + ms(4));
        p.answered(t0, t0 + ms(40));
        let first = t0 + ms(2);
        assert_eq!(p.take(t0 + ms(900)), Err(first + SECOND));
        assert_eq!(p.take(first + SECOND), Ok(()));
        // The slow answer keeps its place behind the quick ones: counted until 39 ms + 1 s.
        assert_eq!(p.take(first + SECOND), Err(t0 + ms(3) + SECOND));
        assert_eq!(p.take(t0 + ms(39) + SECOND), Ok(()));
    }

    #[test]
    fn a_reply_counts_in_the_window_without_waiting_for_it() {
        let mut p = Pacer::new(1);
        let t0 = Instant::now();
        p.count();
        assert!(p.take(t0).is_err());
        p.answered(t0, t0 + ms(4));
        assert_eq!(p.take(t0 + ms(10)), Err(t0 + ms(2) + SECOND));
    }

    #[test]
    fn a_thousand_a_second_is_possible() {
        let p = Pacer::new(1000);
        assert_eq!(p.period, GRID / 1000);
        // Room for the replies that aren't paced, but not at the free rate.
        assert_eq!((p.room, Pacer::new(30).room), (980, 30));
        assert_eq!(Pacer::new(5000).room, 980);
    }

    #[tokio::test]
    async fn a_dropped_ticket_is_an_answer() {
        let pacer = shared(1);
        let ticket = paced(&pacer).await;
        assert_eq!(lock(&pacer).in_flight, 1);
        drop(ticket);
        let p = lock(&pacer);
        assert_eq!((p.in_flight, p.answered.len()), (0, 1));
    }
}
