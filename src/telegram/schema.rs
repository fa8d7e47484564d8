//! Every path an update can take, in one tree.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, Location};
use std::sync::Arc;

use dptree::di::DependencyMap;
use dptree::{HandlerDescription, HandlerSignature, Type};
use futures::FutureExt;
use teloxide::dispatching::{DpHandlerDescription, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{ChatId, Me};

use super::callback::{CallbackData, MenuAction};
use super::commands::Command;
use super::flood::{self, FloodGate};
use super::pledge::{self, State};
use super::reply;
use super::storage::SqliteDialogues;
use super::{
    App, Caller, HandlerError, HandlerResult, PledgeDialogue, admin, broadcast, caller, commands,
    privacy, qa, reminders, roles, teach,
};

/// The whole flow, composed from each feature's own sub-tree (commands, dialogue steps,
/// buttons), so adding to a feature touches that feature's module.
pub fn schema() -> UpdateHandler<HandlerError> {
    let messages = dptree::entry()
        .branch(teloxide::filter_command::<Command, _>().endpoint(commands::on_command))
        .branch(admin::commands())
        .branch(broadcast::commands())
        .branch(dptree::filter(|msg: Message| looks_like_command(&msg)).endpoint(unknown_command))
        .branch(pledge::dialogue_steps())
        .branch(dptree::endpoint(qa::on_text));

    let callbacks = Update::filter_callback_query()
        .branch(
            dptree::filter_map(|q: CallbackQuery| q.data.as_deref().and_then(CallbackData::parse))
                .branch(broadcast::buttons())
                .endpoint(on_callback),
        )
        .endpoint(|bot: Bot, q: CallbackQuery, caller: Caller| async move {
            reply::stale(&bot, &q, caller.lang).await
        });

    dptree::entry()
        .chain(apologise_on_error())
        .filter_map_async(caller::load)
        .enter_dialogue::<Update, SqliteDialogues, State>()
        .branch(Update::filter_message().chain(messages.clone()))
        // An edited NIP or question is read again; the dialogue decides what it means. An
        // edited command is not run again: a second /broadcast draft or a repeated grant
        // would surprise the officer who only fixed a typo.
        .branch(
            Update::filter_edited_message()
                .branch(
                    dptree::filter(|msg: Message| looks_like_command(&msg))
                        .endpoint(edited_command),
                )
                .branch(messages),
        )
        .branch(callbacks)
}

/// Runs the rest of the tree and, when a handler fails or panics, apologises before the
/// error is logged: teloxide's error handler sees only the error, not whom to tell. A panic
/// is caught here, per update: uncaught, it would end the chat's worker and then the
/// dispatcher. It also tells the flood gate that the update is finished, whatever happened.
fn apologise_on_error() -> UpdateHandler<HandlerError> {
    // Written by hand (dptree has no combinator that sees the result), so its signature is
    // too: it needs what the apology needs and provides nothing new.
    let here = Location::caller();
    let sig = HandlerSignature::Other {
        obligations: [
            Type::of::<Bot>(),
            Type::of::<Arc<App>>(),
            Type::of::<Update>(),
            Type::of::<Arc<FloodGate>>(),
        ]
        .into_iter()
        .map(|t| (t, here))
        .collect(),
        guaranteed_outcomes: BTreeSet::new(),
        conditional_outcomes: BTreeSet::new(),
        continues: true,
    };
    dptree::from_fn_with_description(
        DpHandlerDescription::entry(),
        |deps: DependencyMap, cont| async move {
            let (bot, app, update, gate) = (
                deps.get::<Bot>(),
                deps.get::<Arc<App>>(),
                deps.get::<Update>(),
                deps.get::<Arc<FloodGate>>(),
            );
            let _finished = flood::Finished::new((*gate).clone(), flood::chat_of(&update));
            let run = async {
                injected_panic(&app, &update);
                cont(deps).await
            };
            let out = match AssertUnwindSafe(run).catch_unwind().await {
                Ok(out) => out,
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    tracing::error!(update = update.id.0, panic = %what, "an update handler panicked");
                    reply::apologise(&bot, &app, &update).await;
                    return ControlFlow::Break(Ok(()));
                }
            };
            if matches!(out, ControlFlow::Break(Err(_))) {
                reply::apologise(&bot, &app, &update).await;
            }
            out
        },
        sig,
    )
}

/// Tests prove that a panicking handler leaves the bot running: in a debug build (never in
/// `cargo build --release`, what deployments run), a message whose text is exactly
/// `DEBUG_PANIC_TEXT` makes its handler panic. Release builds do not compile this in.
#[cfg(debug_assertions)]
fn injected_panic(app: &App, update: &Update) {
    if let (Some(trigger), teloxide::types::UpdateKind::Message(msg)) =
        (&app.config.debug_panic_text, &update.kind)
        && msg.text() == Some(trigger.as_str())
    {
        panic!("injected by DEBUG_PANIC_TEXT");
    }
}

#[cfg(not(debug_assertions))]
fn injected_panic(_: &App, _: &Update) {}

fn looks_like_command(msg: &Message) -> bool {
    msg.text().is_some_and(|t| t.starts_with('/'))
}

/// A slash command we don't know. In groups it may belong to another bot: stay quiet there,
/// and for `/cmd@OtherBot` anywhere.
async fn unknown_command(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    me: Me,
    msg: Message,
) -> HandlerResult {
    let text = msg.text().unwrap_or_default();
    let first = text.split_whitespace().next().unwrap_or_default();
    let addressed_elsewhere = first
        .split_once('@')
        .is_some_and(|(_, bot_name)| !bot_name.eq_ignore_ascii_case(me.username()));
    if addressed_elsewhere {
        return Ok(());
    }
    reply::note_in_private(&bot, &app, &caller, msg.chat.id, "unknown-command").await
}

/// Says why nothing happened.
async fn edited_command(bot: Bot, app: Arc<App>, caller: Caller, msg: Message) -> HandlerResult {
    reply::note_in_private(&bot, &app, &caller, msg.chat.id, "edited-command").await
}

#[allow(clippy::too_many_arguments)]
async fn on_callback(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    me: Me,
    dialogue: PledgeDialogue,
    state: State,
    q: CallbackQuery,
    data: CallbackData,
    wakeup: crate::delivery::Wakeup,
) -> HandlerResult {
    let chat: ChatId = dialogue.chat_id();
    match data {
        CallbackData::Menu(action) => {
            bot.answer_callback_query(q.id.clone()).await?;
            match action {
                MenuAction::Pledge => pledge::ikrar(bot, app, caller, me, dialogue, chat).await,
                MenuAction::Status => privacy::status(bot, app, caller, me, chat).await,
                MenuAction::Ask => qa::show_topics(&bot, &app, &caller, chat, None).await,
            }
        }
        CallbackData::Lang(to) => {
            bot.answer_callback_query(q.id.clone()).await?;
            pledge::switch_lang(bot, app, caller, chat, to).await
        }
        CallbackData::Reminders { mute } => reminders::set_muted(bot, app, caller, q, mute).await,
        CallbackData::Erase { step, user } => {
            privacy::on_erase(bot, app, caller, q, step, user).await
        }
        data @ (CallbackData::Topics
        | CallbackData::Topic(_)
        | CallbackData::Rule(_)
        | CallbackData::Feedback { .. }
        | CallbackData::Pick { .. }
        | CallbackData::NoneFits(_)) => qa::on_callback(bot, app, caller, q, data).await,
        CallbackData::Teach(action) => teach::on_callback(bot, app, caller, q, action).await,
        CallbackData::Grant(action) => roles::on_grant_button(bot, app, caller, q, action).await,
        other => pledge::on_callback(bot, app, caller, dialogue, state, q, other, wakeup).await,
    }
}
