//! Personal replies (status, the user's own data) and the privacy notice.

use teloxide::prelude::*;
use teloxide::types::{ChatId, Me};

use super::reply::say;
use super::{App, Caller, HandlerResult};
use crate::args;

/// In a group, a personal reply would show the caller's name, unit, masked NIP and receipt
/// to everyone there: instead a short note points to the private chat. True when the note
/// was sent and the caller's handler must stop.
pub async fn redirected_to_private(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    me: &Me,
    chat: ChatId,
) -> Result<bool, crate::telegram::HandlerError> {
    if caller.private {
        return Ok(false);
    }
    let link = format!("https://t.me/{}", me.username());
    let text = caller
        .lang
        .t_args("personal-private-only", args!["link" => link]);
    say(bot, app, caller, chat, text).await?;
    Ok(true)
}

/// Personal status, private chats only.
pub async fn status(
    bot: Bot,
    app: std::sync::Arc<App>,
    caller: Caller,
    me: Me,
    chat: ChatId,
) -> HandlerResult {
    if redirected_to_private(&bot, &app, &caller, &me, chat).await? {
        return Ok(());
    }
    super::pledge::status(bot, app, caller, chat).await
}
