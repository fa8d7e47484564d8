//! Sending with Telegram's refusals handled: a user who blocked the bot is marked, not retried.

use teloxide::ApiError;
use teloxide::RequestError;

use super::{App, HandlerResult};
use crate::store::users;

/// True when Telegram says this chat can never receive from us again (until they return).
pub fn is_unreachable(err: &RequestError) -> bool {
    matches!(
        err,
        RequestError::Api(
            ApiError::BotBlocked
                | ApiError::UserDeactivated
                | ApiError::BotKicked
                | ApiError::BotKickedFromSupergroup
                | ApiError::ChatNotFound
                | ApiError::CantInitiateConversation
        )
    )
}

/// Finishes a send: a 403 marks the user blocked and is not an error of the handler;
/// "message is not modified" (a double tap editing to the same text) is harmless.
pub async fn sent<T>(app: &App, user_id: i64, result: Result<T, RequestError>) -> HandlerResult {
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_unreachable(&e) => {
            tracing::info!(user_id, "user is unreachable; marked blocked");
            app.store
                .run(move |c| users::mark_blocked(c, user_id))
                .await?;
            Ok(())
        }
        Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
