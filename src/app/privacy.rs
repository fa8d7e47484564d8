//! Trust and privacy: checking a receipt code, the ledger's head, the user's own data and
//! erasing it. Each use case is one store transaction; the store audits the erasure.

use chrono::{DateTime, Utc};

use super::App;
use crate::domain::receipt;
use crate::store::StoreError;
use crate::store::ledger::{self, Broken, Verified};
use crate::store::privacy::{self, Erased, UserData};

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    /// The text cannot be a receipt code at all; no lookup was made.
    #[error("not a receipt code")]
    Malformed,
    /// Well formed, but no pledge of this deployment has it.
    #[error("no such receipt")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, PrivacyError>;

/// What anyone may learn from a genuine code: the election, the unit's name, the local date
/// and the initials, never more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenuineReceipt {
    pub code: String,
    pub election: String,
    /// The unit's name, or `None` when the pledger has no unit on record.
    pub unit: Option<String>,
    pub date: chrono::NaiveDate,
    pub initials: Option<String>,
}

/// Whether `raw` is the receipt code of a pledge made in this deployment.
pub async fn check_receipt(app: &App, raw: &str) -> Result<GenuineReceipt> {
    let code = receipt::normalize(raw).ok_or(PrivacyError::Malformed)?;
    let found = app
        .store
        .run(move |c| ledger::check_receipt(c, &code))
        .await?
        .ok_or(PrivacyError::NotFound)?;
    let unit = found.unit_code.map(|code| {
        app.units
            .find(&code)
            .map_or_else(|| code.clone(), |u| u.name.clone())
    });
    Ok(GenuineReceipt {
        code: found.receipt_code,
        election: found.election,
        unit,
        date: found
            .confirmed_at
            .with_timezone(&app.config.timezone)
            .date_naive(),
        initials: found.initials,
    })
}

/// The whole chain checked, with its head: what admins are shown and owners get daily.
pub async fn verify_chain(app: &App) -> Result<std::result::Result<Verified, Broken>> {
    Ok(app.store.run(|c| ledger::verify(c)).await?)
}

/// Everything stored about `user`, for themselves.
pub async fn my_data(app: &App, user: i64) -> Result<UserData> {
    Ok(app.store.run(move |c| privacy::user_data(c, user)).await?)
}

/// Erases `user`'s personal data at their own request. `None` when the bot doesn't know
/// them. The audit entry (written by the store in the same transaction) holds counts only.
pub async fn erase_me(app: &App, user: i64) -> Result<Option<Erased>> {
    let at: DateTime<Utc> = app.now();
    let erased = app
        .store
        .run(move |c| privacy::erase_user(c, user, at))
        .await?;
    if erased.is_some() {
        tracing::info!(user_id = user, "personal data erased at the user's request");
    }
    Ok(erased)
}
