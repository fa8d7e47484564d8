//! The people the bot knows: first contact, what Telegram says about reaching them, and
//! the language to write to them in.

use super::App;
use crate::i18n::Lang;
use crate::store::users::UserRecord;
use crate::store::{self, users};

/// Records that a user wrote to the bot (created on first contact in the language their
/// Telegram app uses; the name refreshed; `blocked` cleared, they evidently came back).
pub async fn seen(
    app: &App,
    id: i64,
    name: String,
    username: Option<String>,
    lang: Lang,
) -> store::Result<UserRecord> {
    // Nearly every update comes from someone on file whose name is unchanged: answer it
    // from a read on this thread and skip the blocking hand-off and the write.
    if let Some(Ok(Some(known))) = app.store.read_now(|c| users::get(c, id))
        && users::is_current(&known, &name, username.as_deref())
    {
        return Ok(known);
    }
    let now = app.now();
    app.store
        .run(move |c| users::touch(c, id, &name, username.as_deref(), lang, now))
        .await
}

pub async fn get(app: &App, id: i64) -> store::Result<Option<UserRecord>> {
    app.store.run(move |c| users::get(c, id)).await
}

/// Telegram said this chat can't receive from us any more: broadcasts leave it out.
pub async fn mark_unreachable(app: &App, id: i64) -> store::Result<()> {
    app.store.run(move |c| users::mark_blocked(c, id)).await?;
    tracing::info!(user_id = id, "user is unreachable; marked blocked");
    Ok(())
}

/// The user's saved language, or the deployment's default when the store can't say.
pub async fn language_of(app: &App, id: i64) -> Lang {
    match get(app, id).await {
        Ok(Some(u)) => u.language,
        _ => app.config.default_locale,
    }
}
