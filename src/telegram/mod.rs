//! The Telegram layer: parse the update, call the domain, render the reply.

pub mod admin;
pub mod broadcast;
pub mod callback;
pub mod caller;
pub mod commands;
pub mod flood;
pub mod keyboards;
pub mod outlet;
pub mod pledge;
pub mod privacy;
pub mod qa;
pub mod reminders;
pub mod reply;
pub mod roles;
pub mod schema;
pub mod storage;
pub mod teach;

use crate::app::App;
pub use caller::Caller;
pub use pledge::State;

pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;
pub type HandlerResult = Result<(), HandlerError>;
pub type PledgeDialogue =
    teloxide::dispatching::dialogue::Dialogue<State, storage::SqliteDialogues>;
