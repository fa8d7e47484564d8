//! HR broadcasts as use cases: drafts, audience, confirmation (recipients queued in the same
//! transaction), cancellation, and what the officer sees of them. Each stamps the App's
//! clock and writes its audit entry in the store's transaction.

use chrono::{DateTime, Utc};
use teloxide::types::MessageEntity;

use super::App;
use crate::domain::broadcast::{Audience, BroadcastText, Progress};
use crate::store::broadcasts::{self, Broadcast, Cancelled, Confirmed};
use crate::store::{self, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum BroadcastError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, BroadcastError>;

/// What a new draft sends.
#[derive(Debug, Clone)]
pub enum Draft {
    /// A text with its formatting.
    Text(BroadcastText, Vec<MessageEntity>),
    /// One of the officer's own messages (media with a caption), copied as is.
    Copy { chat: i64, message: i32 },
}

/// Saves a new draft of `author`, to go out at `at` (or on confirmation), and returns its id.
pub async fn create_draft(
    app: &App,
    author: i64,
    draft: Draft,
    at: Option<DateTime<Utc>>,
) -> Result<i64> {
    let now = app.now();
    let id = app
        .store
        .run(move |c| match draft {
            Draft::Text(text, entities) => {
                broadcasts::create_text_draft(c, author, text.as_str(), &entities, at, now)
            }
            Draft::Copy { chat, message } => {
                broadcasts::create_copy_draft(c, author, chat, message, at, now)
            }
        })
        .await?;
    tracing::info!(user_id = author, broadcast = id, "broadcast draft created");
    Ok(id)
}

pub async fn get(app: &App, id: i64) -> Result<Option<Broadcast>> {
    Ok(app.store.run(move |c| broadcasts::get(c, id)).await?)
}

/// Sets the audience of the actor's own draft; false when it isn't one.
pub async fn set_audience(app: &App, id: i64, actor: i64, audience: Audience) -> Result<bool> {
    Ok(app
        .store
        .run(move |c| broadcasts::set_audience(c, id, actor, &audience))
        .await?)
}

pub async fn toggle_mandatory(app: &App, id: i64, actor: i64) -> Result<bool> {
    Ok(app
        .store
        .run(move |c| broadcasts::toggle_mandatory(c, id, actor))
        .await?)
}

/// A draft with the number of recipients it would have right now.
pub async fn preview(app: &App, id: i64) -> Result<Option<(Broadcast, i64)>> {
    let election = app.config.election_name.clone();
    Ok(app
        .store
        .run(move |c| {
            let Some(b) = broadcasts::get(c, id)? else {
                return Ok(None);
            };
            let count = match &b.audience {
                Some(a) => broadcasts::count_audience(c, a, b.mandatory, &election)?,
                None => 0,
            };
            Ok::<_, StoreError>(Some((b, count)))
        })
        .await?)
}

/// Confirms the actor's draft: queued now (recipients in the same transaction) or scheduled.
/// `status` is the officer's message that will show the progress.
pub async fn confirm(
    app: &App,
    id: i64,
    actor: i64,
    status: Option<(i64, i32)>,
) -> Result<Confirmed> {
    let election = app.config.election_name.clone();
    let now = app.now();
    let outcome = app
        .store
        .run(move |c| broadcasts::confirm(c, id, actor, &election, now, status))
        .await?;
    match outcome {
        Confirmed::Queued(n) => tracing::info!(
            user_id = actor,
            broadcast = id,
            recipients = n,
            "broadcast confirmed"
        ),
        Confirmed::Scheduled(_) => {
            tracing::info!(user_id = actor, broadcast = id, "broadcast scheduled")
        }
        Confirmed::NoAudience | Confirmed::NotADraft => {}
    }
    Ok(outcome)
}

/// Cancels an open broadcast: its creator, or anyone `may_cancel_others` (every HR officer
/// and admin, checked by the caller at the moment it runs). Rows already in flight finish.
pub async fn cancel(app: &App, id: i64, actor: i64, may_cancel_others: bool) -> Result<Cancelled> {
    let now = app.now();
    let outcome = app
        .store
        .run(move |c| broadcasts::cancel(c, id, actor, may_cancel_others, now))
        .await?;
    if let Cancelled::Done(n) = outcome {
        tracing::info!(
            user_id = actor,
            broadcast = id,
            unsent = n,
            "broadcast cancelled"
        );
    }
    Ok(outcome)
}

/// Page `page` of `/broadcasts` (open ones first, `size` to a page) with progress, how many
/// there are in all, and which page it is: one past the end (the list shrank since the
/// button was drawn) shows the last. One read, on the reader connection.
pub async fn page(
    app: &App,
    page: usize,
    size: usize,
) -> Result<(Vec<(Broadcast, Progress)>, usize, usize)> {
    let size = size.max(1);
    Ok(app
        .store
        .read(move |c| {
            let (mut items, total) = broadcasts::list_page(c, page * size, size)?;
            let mut page = page;
            if items.is_empty() && total > 0 {
                page = (total - 1) / size;
                items = broadcasts::list_page(c, page * size, size)?.0;
            }
            let items = items
                .into_iter()
                .map(|b| {
                    let p = broadcasts::progress(c, b.id)?;
                    Ok((b, p))
                })
                .collect::<store::Result<Vec<_>>>()?;
            Ok::<_, StoreError>((items, total, page))
        })
        .await?)
}
