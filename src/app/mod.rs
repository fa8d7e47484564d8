//! The application layer: what the bot does, independent of how it is asked.
//!
//! [`App`] holds configuration, store, the deployment's files and the one [`Clock`]. The
//! Telegram handlers, the CLI and the workers are adapters around it: they parse input,
//! call one use case here, and render its result.

pub mod backup;
pub mod broadcasts;
pub mod clock;
pub mod pledge;
pub mod privacy;
pub mod questions;
pub mod reports;
pub mod retention;
pub mod roles;
pub mod users;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use crate::config::Config;
use crate::domain::{PledgeText, Role, Units};
use crate::store::Store;

pub use clock::Clock;

/// Everything a use case may need, shared by all adapters.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub units: Units,
    pub pledge_text: PledgeText,
    pub clock: Clock,
}

impl App {
    pub fn new(
        config: Config,
        store: Store,
        units: Units,
        pledge_text: PledgeText,
        clock: Clock,
    ) -> Arc<App> {
        Arc::new(App {
            config,
            store,
            units,
            pledge_text,
            clock,
        })
    }

    /// The caller's role right now: owners from `ADMIN_IDS`, HR bootstrapped from `HR_IDS`,
    /// otherwise what was granted in the bot. Read at every use, so a revocation takes
    /// effect on the next button press.
    pub fn role_of(&self, user_id: i64, granted: Role) -> Role {
        roles::effective_role(&self.config, user_id, granted)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in the deployment's time zone: reports and file names use local dates.
    pub fn today(&self) -> NaiveDate {
        self.clock.today(self.config.timezone)
    }
}
