//! The outbox's own pacing: a token schedule shared by every outbox request, not teloxide's
//! `Throttle`, so interactive replies never queue behind a broadcast and a 429 pauses only
//! the outbox.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Telegram counts sends in a sliding second. The grid spaces `rate` requests over a second
/// plus this margin, so the jitter between our clock and the request reaching Telegram does
/// not put the `rate + 1`-th send inside someone else's second: at 30/s that costs 2 % of
/// the rate, far less than one 429 (a pause of at least a second).
pub const WINDOW_MARGIN: Duration = Duration::from_millis(20);
const WINDOW: Duration = Duration::from_secs(1).saturating_add(WINDOW_MARGIN);
/// The hard cap: never more than `rate` requests leave within this span. Shorter than the
/// grid's, so a sender that left a few ms late doesn't push the request `rate` places after
/// it late too: with equal spans every delay would carry over, second after second, and a
/// long broadcast would drift below its rate.
const CAP: Duration = Duration::from_millis(1_008);
/// How far behind the grid a sender may be and still keep its place.
const CATCH_UP: Duration = Duration::from_millis(50);

/// Spaces outbox requests evenly at `rate` per [`WINDOW`], never lets more than `rate` leave
/// within [`CAP`], and holds them all during a 429's `retry_after`.
#[derive(Debug)]
pub struct Pacer {
    rate: usize,
    period: Duration,
    next: Instant,
    paused_until: Instant,
    /// When each of the last `rate` requests left.
    sent: VecDeque<Instant>,
}

impl Pacer {
    pub fn new(rate: u32) -> Pacer {
        let now = Instant::now();
        let rate = rate.clamp(1, crate::config::MAX_PAID_BROADCAST_RATE);
        Pacer {
            rate: rate as usize,
            period: WINDOW / rate,
            next: now,
            paused_until: now,
            sent: VecDeque::with_capacity(rate as usize),
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

    /// The request leaves now if the window and any pause allow it (and is counted);
    /// otherwise the instant to try again. The grid alone would let a late sender and an
    /// on-time one land `rate + 1` requests in one second; this check can't be fooled by
    /// lateness because it looks at when requests really left.
    pub fn take(&mut self, now: Instant) -> Result<(), Instant> {
        if self.paused_until > now {
            return Err(self.paused_until);
        }
        if self.sent.len() >= self.rate
            && let Some(oldest) = self.sent.front()
            && *oldest + CAP > now
        {
            return Err(*oldest + CAP);
        }
        if self.sent.len() >= self.rate {
            self.sent.pop_front();
        }
        self.sent.push_back(now);
        Ok(())
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

/// Waits for a slot of the shared pacer; returns when the request may leave.
pub async fn paced(pacer: &SharedPacer) {
    let slot = pacer.lock().await.reserve(Instant::now());
    tokio::time::sleep_until(slot).await;
    loop {
        // A 429 may have arrived while we slept, or the window may be full.
        let retry = match pacer.lock().await.take(Instant::now()) {
            Ok(()) => return,
            Err(at) => at,
        };
        tokio::time::sleep_until(retry).await;
    }
}

/// Waits out a 429's pause, without taking a slot.
pub async fn unpaused(pacer: &SharedPacer) {
    loop {
        let until = pacer.lock().await.paused_until;
        if until <= Instant::now() {
            return;
        }
        tokio::time::sleep_until(until).await;
    }
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
        assert_eq!(b - a, WINDOW / 25);
        p.pause(t0 + Duration::from_secs(3));
        assert!(p.is_paused(t0 + Duration::from_secs(2)));
        assert_eq!(p.take(t0), Err(t0 + Duration::from_secs(3)));
        let c = p.reserve(t0);
        assert_eq!(c, t0 + Duration::from_secs(3));
        let d = p.reserve(t0);
        assert_eq!(d - c, WINDOW / 25);
    }

    #[test]
    fn a_late_sender_keeps_its_place_on_the_grid() {
        let mut p = Pacer::new(20);
        let t0 = Instant::now();
        let a = p.reserve(t0);
        // Woken a few ms late: the next slot is still one period after the first.
        let b = p.reserve(a + WINDOW / 20 + Duration::from_millis(10));
        assert_eq!(b - a, WINDOW / 20);
    }

    #[test]
    fn a_fast_rate_catches_up_after_a_busy_moment() {
        let mut p = Pacer::new(1000);
        let t0 = Instant::now();
        let a = p.reserve(t0);
        // 40 ms late: the grid is kept, so the next slots are already due.
        let b = p.reserve(a + Duration::from_millis(40));
        assert_eq!(b - a, WINDOW / 1000);
    }

    #[test]
    fn never_more_than_the_rate_leave_within_a_second() {
        let mut p = Pacer::new(3);
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(p.take(t0 + Duration::from_millis(i)), Ok(()));
        }
        // The fourth waits until the first is a window old, however late the others were.
        let at = t0 + Duration::from_millis(500);
        assert_eq!(p.take(at), Err(t0 + CAP));
        assert_eq!(p.take(t0 + CAP), Ok(()));
    }

    #[test]
    fn a_thousand_a_second_is_possible() {
        let p = Pacer::new(1000);
        assert_eq!(p.period, WINDOW / 1000);
        assert_eq!(Pacer::new(5000).rate, 1000);
    }
}
