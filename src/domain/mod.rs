//! The domain: what a pledge, a NIP, a unit, a role and a broadcast are. No Telegram here.

pub mod broadcast;
pub mod nip;
pub mod person;
pub mod pledge;
pub mod receipt;
pub mod redact;
pub mod unit;

pub use nip::{Nip, NipError};
pub use person::{Employment, FullName, NameError, Role};
pub use pledge::PledgeText;
pub use unit::{Unit, UnitCode, Units};
