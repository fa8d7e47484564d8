//! netralitas-bot: election-neutrality pledges and Q&A for Indonesian civil servants, on Telegram.

pub mod cli;
pub mod config;
pub mod domain;
pub mod i18n;
pub mod startup;
pub mod store;
pub mod telegram;
