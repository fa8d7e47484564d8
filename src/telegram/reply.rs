//! Sending with Telegram's refusals handled: a user who blocked the bot is marked, not retried.

use teloxide::prelude::*;
use teloxide::types::UpdateKind;
use teloxide::{ApiError, RequestError};

use super::{App, Caller, HandlerResult};
use crate::app::users;
use crate::args;
use crate::i18n::Lang;

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
            users::mark_unreachable(app, user_id).await?;
            Ok(())
        }
        Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Sends `text` to `chat` on behalf of a handler serving `caller`.
pub async fn say(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    text: String,
) -> HandlerResult {
    sent(app, caller.id, bot.send_message(chat, text).await).await
}

/// A button that no longer means anything (an old message, a finished step, a forged
/// payload): the spinner stops with a short note, nothing else happens.
pub async fn stale(bot: &Bot, q: &CallbackQuery, lang: Lang) -> HandlerResult {
    bot.answer_callback_query(q.id.clone())
        .text(lang.t("callback-stale"))
        .await?;
    Ok(())
}

/// Someone without the role a command or button needs: one polite line, nothing about what
/// it would have done. The caller logs why.
pub async fn refuse(bot: &Bot, app: &App, caller: &Caller, chat: ChatId) -> HandlerResult {
    say(bot, app, caller, chat, caller.lang.t("refused-role")).await
}

/// A short note in a private chat; in groups the bot stays quiet, the message may not even
/// be meant for it.
pub async fn note_in_private(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    key: &str,
) -> HandlerResult {
    if !caller.private {
        return Ok(());
    }
    say(bot, app, caller, chat, caller.lang.t(key)).await
}

/// Tells the person something went wrong on our side, so a failed handler never leaves a
/// message or a button press without an answer (a pressed button also stops spinning). In
/// their saved language when the store can still say, else in their Telegram language.
pub async fn apologise(bot: &Bot, app: &App, update: &Update) {
    let user = update.from();
    let telegram = Lang::from_telegram(
        user.and_then(|u| u.language_code.as_deref()),
        app.config.default_locale,
    );
    let saved = match user.and_then(|u| i64::try_from(u.id.0).ok()) {
        Some(id) => users::get(app, id).await.ok().flatten(),
        None => None,
    };
    let lang = saved.map_or(telegram, |u| u.language);
    let text = lang.t_args(
        "error-generic",
        args!["helpdesk" => &app.config.helpdesk_contact],
    );
    if let UpdateKind::CallbackQuery(q) = &update.kind
        && let Err(e) = bot.answer_callback_query(q.id.clone()).text(&text).await
    {
        tracing::debug!(error = %e, "cannot answer the button with the apology");
    }
    if let Some(chat) = update.chat().map(|c| c.id)
        && let Err(e) = bot.send_message(chat, text).await
    {
        tracing::warn!(error = %e, "cannot send the apology either");
    }
}
