//! The Telegram layer: parse the update, call the domain, render the reply.

pub mod admin;
pub mod broadcast;
pub mod callback;
pub mod caller;
pub mod commands;
pub mod keyboards;
pub mod pledge;
pub mod qa;
pub mod reminders;
pub mod reply;
pub mod roles;
pub mod schema;
pub mod storage;

use std::sync::Arc;

use crate::config::Config;
use crate::domain::{PledgeText, Role, Units};
use crate::store::{Store, users};

pub use caller::Caller;
pub use pledge::State;

pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;
pub type HandlerResult = Result<(), HandlerError>;
pub type PledgeDialogue =
    teloxide::dispatching::dialogue::Dialogue<State, storage::SqliteDialogues>;

/// Everything a handler may need, shared by all of them.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub units: Units,
    pub pledge_text: PledgeText,
}

impl App {
    pub fn new(config: Config, store: Store, units: Units, pledge_text: PledgeText) -> Arc<App> {
        Arc::new(App {
            config,
            store,
            units,
            pledge_text,
        })
    }

    /// The caller's role right now: owners from `ADMIN_IDS`, HR bootstrapped from `HR_IDS`,
    /// otherwise what was granted in the bot. Read at every use, so a revocation takes
    /// effect on the next button press.
    pub fn role_of(&self, user_id: i64, granted: Role) -> Role {
        if self.config.admin_ids.contains(&user_id) {
            Role::Owner
        } else if self.config.hr_ids.contains(&user_id) {
            granted.max(Role::Hr)
        } else {
            granted
        }
    }

    /// Reads the role fresh from the store (for buttons pressed long after a message).
    pub async fn current_role(&self, user_id: i64) -> Role {
        let granted = self
            .store
            .run(move |c| users::get(c, user_id))
            .await
            .ok()
            .flatten()
            .map(|u| u.granted_role)
            .unwrap_or(Role::Asn);
        self.role_of(user_id, granted)
    }
}
