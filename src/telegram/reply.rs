//! Sending with Telegram's refusals handled: a user who blocked the bot is marked, not retried.

use std::time::Duration;

use teloxide::prelude::*;
use teloxide::requests::{Output, Request};
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

/// Attempts after the first for a reply that matters.
const REPLY_RETRIES: u32 = 4;
/// The longest wait for one retry. A longer `retry_after` means Telegram is out of reach
/// for a while; the handler then fails and the user gets the apology when it goes through.
const REPLY_MAX_WAIT: Duration = Duration::from_secs(30);

/// Sends a reply, honouring a 429's `retry_after` exactly and retrying server and network
/// trouble after 1, 2, 4, 8 s; any other refusal is returned at once (it would fail again).
///
/// A wrapper around the one request rather than teloxide's `Throttle` adaptor: `Throttle`
/// paces every request of the bot through one queue (the outbox has its own pacer and must
/// not share the interactive replies' budget) and changes the `Bot` type in every handler.
/// The wait happens in the handler of this one chat: the dispatcher runs each chat in its own
/// worker, so other chats are served meanwhile.
pub async fn persistently<R>(request: R) -> Result<Output<R>, RequestError>
where
    R: Request<Err = RequestError>,
{
    let mut attempt = 0;
    loop {
        let err = match request.send_ref().await {
            Ok(out) => return Ok(out),
            Err(e) => e,
        };
        let wait = match &err {
            RequestError::RetryAfter(s) => s.duration(),
            RequestError::Network(_)
            | RequestError::Io(_)
            | RequestError::Api(ApiError::Unknown(_)) => Duration::from_secs(1 << attempt.min(3)),
            _ => return Err(err),
        };
        if attempt >= REPLY_RETRIES || wait > REPLY_MAX_WAIT {
            return Err(err);
        }
        attempt += 1;
        tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, error = %err, "reply refused; sending again");
        tokio::time::sleep(wait).await;
    }
}

/// Sends `text` to `chat` on behalf of a handler serving `caller`, through a 429 or a
/// passing server error (see [`persistently`]): receipts, refusals and notes go this way.
pub async fn say(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    text: String,
) -> HandlerResult {
    sent(
        app,
        caller.id,
        persistently(bot.send_message(chat, text)).await,
    )
    .await
}

/// A button that no longer means anything (an old message, a finished step, a forged
/// payload): the spinner stops with a short note, nothing else happens.
pub async fn stale(bot: &Bot, q: &CallbackQuery, lang: Lang) -> HandlerResult {
    bot.answer_callback_query(q.id.clone())
        .text(lang.t("callback-stale"))
        .await?;
    Ok(())
}

/// The gate of an officer's button, checked when it is pressed: a presser without the role
/// (`allowed` false) or outside a private chat gets a short note on the spinner and `false`.
/// `what` names the button in the log line.
pub async fn officer_button_allowed(
    bot: &Bot,
    q: &CallbackQuery,
    caller: &Caller,
    allowed: bool,
    what: &str,
) -> Result<bool, RequestError> {
    let note = if !allowed {
        tracing::warn!(
            user_id = caller.id,
            role = caller.role.code(),
            button = what,
            "refused an officer's button"
        );
        "refused-role"
    } else if !caller.private {
        // What these buttons show (questions users typed, names) stays in private chats.
        "reports-private-only"
    } else {
        return Ok(true);
    };
    bot.answer_callback_query(q.id.clone())
        .text(caller.lang.t(note))
        .await?;
    Ok(false)
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
