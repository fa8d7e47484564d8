//! netralitas-bot: election-neutrality pledges and Q&A for Indonesian civil servants, on Telegram.

pub mod i18n;
