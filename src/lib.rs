//! netralitas-bot: election-neutrality pledges and Q&A for Indonesian civil servants, on Telegram.

pub mod app;
pub mod cli;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod i18n;
pub mod knowledge;
pub mod launch;
pub mod reminders;
pub mod reports;
pub mod startup;
pub mod store;
pub mod telegram;
pub mod webhook;
