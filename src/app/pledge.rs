//! Registration and the pledge: the two steps every ASN takes, and the user's settings.

use super::App;
use crate::domain::{UnitCode, pledge};
use crate::i18n::Lang;
use crate::store::outbox;
use crate::store::pledges::{self, Pledge};
use crate::store::users::{self, Registration};
use crate::store::{self, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum PledgeError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, PledgeError>;

/// Stores what the user told the registration dialogue; re-registering updates it.
pub async fn register(app: &App, user: i64, r: Registration) -> Result<()> {
    let now = app.now();
    app.store
        .run(move |c| users::register(c, user, r.employment, &r.name, r.nip.as_ref(), &r.unit, now))
        .await?;
    tracing::info!(user_id = user, "registered");
    Ok(())
}

/// The user's pledge for the current election, if any.
pub async fn current(app: &App, user: i64) -> Result<Option<Pledge>> {
    let election = app.config.election_name.clone();
    Ok(app
        .store
        .run(move |c| pledges::get(c, user, &election))
        .await?)
}

/// Logs the pledge the user read in `lang` and, in the same transaction, queues its receipt
/// in the outbox: once the pledge is stored the receipt can't be lost to a crash or a 429.
/// The caller wakes the delivery worker. Idempotent: a repeat returns the first pledge with
/// `false` and queues nothing (its receipt was queued with it).
pub async fn confirm(app: &App, user: i64, lang: Lang) -> Result<(Pledge, bool)> {
    let election = app.config.election_name.clone();
    let hash = pledge::text_hash(&app.pledge_text.render(lang, &election));
    let now = app.now();
    let (p, created) = app
        .store
        .run(move |c| {
            let tx = c
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(StoreError::from)?;
            let (p, created) = pledges::confirm(&tx, user, &election, &hash, now)?;
            if created {
                outbox::enqueue_receipt(&tx, user, &election, lang, now)?;
            }
            tx.commit().map_err(StoreError::from)?;
            Ok::<_, StoreError>((p, created))
        })
        .await?;
    if created {
        tracing::info!(user_id = user, "pledge confirmed");
    }
    Ok((p, created))
}

/// A unit chosen through a deep link, offered first when the user registers.
pub async fn preselect_unit(app: &App, user: i64, unit: UnitCode) -> store::Result<()> {
    app.store
        .run(move |c| users::preselect_unit(c, user, &unit))
        .await
}

pub async fn set_language(app: &App, user: i64, lang: Lang) -> store::Result<()> {
    app.store
        .run(move |c| users::set_language(c, user, lang))
        .await
}

pub async fn set_reminders_muted(app: &App, user: i64, mute: bool) -> store::Result<()> {
    app.store
        .run(move |c| users::set_reminders_muted(c, user, mute))
        .await?;
    tracing::info!(user_id = user, muted = mute, "reminder preference changed");
    Ok(())
}
