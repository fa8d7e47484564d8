//! HR broadcasts: compose, choose the audience, preview, confirm; list and cancel; progress.
//!
//! The role gate is in the schema (message and callback branches). Every button re-checks
//! that the draft belongs to the officer pressing it; the store refuses anything that is no
//! longer an open draft, so a replayed or forged button changes nothing.
//!
//! One file per concern: [`compose`] reads the command, [`buttons`] runs the draft's state
//! machine, [`keyboards`] draws it, [`list`] is `/broadcasts`, [`progress`] the officer's
//! progress message.

pub mod buttons;
pub mod compose;
pub mod keyboards;
pub mod list;
pub mod progress;

use std::sync::Arc;

use teloxide::prelude::*;

use super::callback::CallbackData;
use super::commands::HrCommand;
use super::reply::{self, say};
use super::{App, Caller, HandlerError, HandlerResult};
use crate::args;
use crate::domain::broadcast::Audience;
use crate::i18n::Lang;
use teloxide::dispatching::UpdateHandler;

pub use buttons::on_callback;

/// HR commands: served to HR officers and admins, refused politely to anyone else.
pub fn commands() -> UpdateHandler<HandlerError> {
    teloxide::filter_command::<HrCommand, _>()
        .branch(
            dptree::filter(|c: Caller, cmd: HrCommand| c.role >= cmd.required_role())
                .endpoint(on_command),
        )
        .endpoint(refuse)
}

/// Broadcast buttons, under the parsed callback data: the role is the one loaded for this
/// very update, so a revoked officer's old buttons are refused.
pub fn buttons() -> UpdateHandler<HandlerError> {
    dptree::filter_map(|d: CallbackData| d.broadcast_action())
        .branch(dptree::filter(|c: Caller| c.role.is_hr()).endpoint(on_callback))
        .endpoint(refuse_button)
}

pub async fn on_command(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    msg: Message,
    cmd: HrCommand,
) -> HandlerResult {
    let chat = msg.chat.id;
    if !caller.private {
        return say(&bot, &app, &caller, chat, caller.lang.t("bc-private-only")).await;
    }
    match cmd {
        HrCommand::Broadcast(_) => compose::compose(bot, app, caller, msg, false).await,
        HrCommand::BroadcastAt(_) => compose::compose(bot, app, caller, msg, true).await,
        HrCommand::Broadcasts => list::list(bot, app, caller, chat, 0).await,
        HrCommand::CancelBroadcast(raw) => {
            list::cancel_by_command(bot, app, caller, chat, raw).await
        }
    }
}

/// Anyone without the HR or admin role: one line, and a log entry without the text.
pub async fn refuse(bot: Bot, app: Arc<App>, caller: Caller, msg: Message) -> HandlerResult {
    tracing::warn!(user_id = caller.id, "refused a broadcast command");
    reply::refuse(&bot, &app, &caller, msg.chat.id).await
}

/// A broadcast button pressed by someone without the role (now).
pub async fn refuse_button(bot: Bot, caller: Caller, q: CallbackQuery) -> HandlerResult {
    tracing::warn!(user_id = caller.id, "refused a broadcast button");
    bot.answer_callback_query(q.id.clone())
        .text(caller.lang.t("refused-role"))
        .show_alert(true)
        .await?;
    Ok(())
}

pub fn audience_label(app: &App, lang: Lang, a: Option<&Audience>) -> String {
    match a {
        None => "-".into(),
        Some(Audience::All) => lang.t("bc-audience-all"),
        Some(Audience::Unpledged) => lang.t("bc-audience-unpledged"),
        Some(Audience::RegisteredUnpledged) => lang.t("bc-audience-reg-unpledged"),
        Some(Audience::Unit(code)) => {
            let name = app.units.name_or_code(code);
            lang.t_args("bc-audience-unit", args!["unit" => name])
        }
    }
}

fn local_time(app: &App, at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&app.config.timezone)
        .format("%d-%m-%Y %H:%M %Z")
        .to_string()
}
