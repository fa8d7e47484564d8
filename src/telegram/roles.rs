//! Role management in the chat: /grant_admin, /revoke_admin (owners), /grant_hr, /revoke_hr
//! (admins), /roles, and the per-chat command menus that follow a role.
//!
//! The rules and the change itself are the use case in `app::roles`; this file parses the
//! command, renders the outcome and keeps each officer's menu in step with their role.

use std::collections::BTreeSet;
use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{BotCommandScope, InlineKeyboardMarkup, Recipient};

use super::callback::{CallbackData, GrantAction};
use super::commands::{self, AdminCommand};
use super::keyboards::button;
use super::reply::{self, say, sent, stale};
use super::{App, Caller, HandlerResult};
use crate::app::roles::{
    Change, Changed, Refusal, RoleError, Target, change_role, display_name, parse_target, preview,
};
use crate::args;
use crate::domain::Role;
use crate::i18n::Lang;
use crate::store::StoreError;
use crate::store::users;

pub fn role_label(lang: Lang, role: Role) -> String {
    lang.t(match role {
        Role::Owner => "role-owner",
        Role::Admin => "role-admin",
        Role::Hr => "role-hr",
        Role::Asn => "role-asn",
    })
}

fn refusal_text(lang: Lang, r: &Refusal, change: Change) -> String {
    match r {
        Refusal::Usage => lang.t_args("roles-usage", args!["command" => change.command()]),
        Refusal::NotAUser(t) => lang.t_args("roles-not-a-user", args!["target" => t]),
        Refusal::UnknownUser(t) => lang.t_args("roles-unknown-user", args!["target" => t]),
        Refusal::SelfChange => lang.t("roles-self"),
        Refusal::LastAdmin(n) => lang.t_args("roles-last-admin", args!["name" => n]),
        Refusal::OwnerConfig(n) => lang.t_args("roles-owner-config", args!["name" => n]),
        Refusal::HrConfig(n) => lang.t_args("roles-hr-config", args!["name" => n]),
        Refusal::Already(n, role) => lang.t_args(
            "roles-already",
            args!["name" => n, "role" => role_label(lang, *role)],
        ),
        Refusal::Higher(n, role) => lang.t_args(
            "roles-higher",
            args!["name" => n, "role" => role_label(lang, *role)],
        ),
        Refusal::NotHolder(n, role) => lang.t_args(
            "roles-not-holder",
            args!["name" => n, "role" => role_label(lang, *role)],
        ),
        Refusal::Ambiguous(name, ids) => lang.t_args(
            "roles-ambiguous",
            args![
                "name" => name,
                "ids" => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
                "command" => change.command(),
                "example" => ids.first().copied().unwrap_or_default().to_string(),
            ],
        ),
    }
}

/// Whether `role` may make `change`: whoever may run the command that makes it, as its enum
/// declares (owners appoint admins, admins appoint HR).
fn may_change(role: Role, change: Change) -> bool {
    let command = match change {
        Change::Grant(Role::Admin | Role::Owner) => AdminCommand::GrantAdmin(String::new()),
        Change::Revoke(Role::Admin | Role::Owner) => AdminCommand::RevokeAdmin(String::new()),
        Change::Grant(_) => AdminCommand::GrantHr(String::new()),
        Change::Revoke(_) => AdminCommand::RevokeHr(String::new()),
    };
    role >= command.required_role()
}

/// Handles the four grant/revoke commands. The schema has already checked that the caller
/// may (owners for admin, admins for HR). A grant is only previewed here: the officer sees
/// whom it would reach and confirms with a button. A revocation takes effect at once:
/// taking a power away should never wait.
pub async fn change(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    chat: ChatId,
    change: Change,
    raw: String,
) -> HandlerResult {
    let target = match parse_target(&raw) {
        Ok(target) => target,
        Err(r) => return refused(&bot, &app, &caller, chat, change, &r).await,
    };
    match change {
        Change::Grant(role) => ask_to_confirm(bot, app, caller, chat, role, target).await,
        Change::Revoke(_) => {
            let outcome = change_role(&app, caller.id, target, change).await;
            render_outcome(&bot, &app, &caller, chat, change, outcome).await
        }
    }
}

async fn refused(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    change: Change,
    r: &Refusal,
) -> HandlerResult {
    tracing::info!(user_id = caller.id, command = change.command(), refusal = ?refusal_kind(r), "role change refused");
    say(bot, app, caller, chat, refusal_text(caller.lang, r, change)).await
}

/// The preview of a grant: name, unit and id of the one person it would reach, with the
/// buttons that make it or drop it.
async fn ask_to_confirm(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    chat: ChatId,
    role: Role,
    target: Target,
) -> HandlerResult {
    let lang = caller.lang;
    let change = Change::Grant(role);
    let record = match preview(&app, caller.id, target, change).await {
        Ok(record) => record,
        Err(RoleError::Refused(r)) => return refused(&bot, &app, &caller, chat, change, &r).await,
        Err(e) => return Err(e.into()),
    };
    let unit = record.registration.as_ref().map_or_else(
        || lang.t("roles-no-unit"),
        |r| app.units.name_or_code(r.unit.as_str()),
    );
    let label = role_label(lang, role);
    let text = lang.t_args(
        "roles-confirm-grant",
        args![
            "role" => &label,
            "name" => display_name(&record),
            "unit" => unit,
            "id" => record.id.to_string(),
        ],
    );
    let officer = caller.id;
    let buttons = InlineKeyboardMarkup::new([[
        button(
            lang.t_args("btn-roles-confirm", args!["role" => label]),
            CallbackData::Grant(GrantAction::Confirm {
                role,
                target: record.id,
                officer,
            }),
        ),
        button(
            lang.t("btn-roles-cancel"),
            CallbackData::Grant(GrantAction::Cancel { officer }),
        ),
    ]]);
    let result = bot.send_message(chat, text).reply_markup(buttons).await;
    sent(&app, caller.id, result).await
}

/// A press on a grant's preview. The data can be forged, so everything is checked again
/// now: the presser's role, the private chat, that the presser is the officer who asked,
/// and (in the use case) every rule about the target.
pub async fn on_grant_button(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    q: CallbackQuery,
    action: GrantAction,
) -> HandlerResult {
    let lang = caller.lang;
    let needed = match action {
        GrantAction::Confirm { role, .. } => Change::Grant(role),
        GrantAction::Cancel { .. } => Change::Grant(Role::Hr),
    };
    if !reply::officer_button_allowed(&bot, &q, &caller, may_change(caller.role, needed), "grant")
        .await?
    {
        return Ok(());
    }
    let Some(message) = q.regular_message() else {
        return stale(&bot, &q, lang).await;
    };
    if action.officer() != caller.id {
        tracing::warn!(
            user_id = caller.id,
            "a role grant button of another officer"
        );
        return stale(&bot, &q, lang).await;
    }
    let chat = message.chat.id;
    bot.answer_callback_query(q.id.clone()).await?;
    // The preview's buttons go, so the grant can't be pressed twice.
    if let Err(e) = bot.edit_message_reply_markup(chat, message.id).await {
        tracing::debug!(error = %e, "grant preview buttons not removed");
    }
    match action {
        GrantAction::Cancel { .. } => {
            say(&bot, &app, &caller, chat, lang.t("roles-grant-cancelled")).await
        }
        GrantAction::Confirm { role, target, .. } => {
            let change = Change::Grant(role);
            let outcome = change_role(&app, caller.id, Target::Id(target), change).await;
            render_outcome(&bot, &app, &caller, chat, change, outcome).await
        }
    }
}

async fn render_outcome(
    bot: &Bot,
    app: &Arc<App>,
    caller: &Caller,
    chat: ChatId,
    change: Change,
    outcome: Result<Changed, RoleError>,
) -> HandlerResult {
    let lang = caller.lang;
    let actor = caller.id;
    match outcome {
        Err(RoleError::Refused(r)) => refused(bot, app, caller, chat, change, &r).await,
        Err(e) => Err(e.into()),
        Ok(Changed {
            target,
            stored,
            cancelled_broadcasts,
        }) => {
            tracing::info!(
                user_id = actor,
                target = target.id,
                command = change.command(),
                "role changed"
            );
            let now = app.role_of(target.id, stored);
            refresh_menu(bot, target.id, target.language, now).await;
            let name = display_name(&target);
            let role = role_label(lang, change.role());
            let text = match change {
                Change::Grant(_) => {
                    lang.t_args("roles-granted", args!["name" => name, "role" => role])
                }
                Change::Revoke(_) => {
                    let mut text =
                        lang.t_args("roles-revoked", args!["name" => name, "role" => role]);
                    if cancelled_broadcasts > 0 {
                        text.push('\n');
                        text.push_str(&lang.t_args(
                            "revoke-broadcasts-cancelled",
                            args!["count" => cancelled_broadcasts],
                        ));
                    }
                    text
                }
            };
            say(bot, app, caller, chat, text).await
        }
    }
}

/// The refusal without the person's name, for logs.
fn refusal_kind(r: &Refusal) -> &'static str {
    match r {
        Refusal::Usage => "usage",
        Refusal::NotAUser(_) => "not_a_user",
        Refusal::UnknownUser(_) => "unknown_user",
        Refusal::SelfChange => "self",
        Refusal::LastAdmin(_) => "last_admin",
        Refusal::OwnerConfig(_) => "owner_config",
        Refusal::HrConfig(_) => "hr_config",
        Refusal::Already(..) => "already",
        Refusal::Higher(..) => "higher",
        Refusal::NotHolder(..) => "not_holder",
        Refusal::Ambiguous(..) => "ambiguous",
    }
}

/// Gives one user's private chat the menu of their role; a plain ASN gets the chat menu
/// removed so the default (language-specific) ASN menu shows again. Failures only log:
/// the role change itself has been made.
pub async fn refresh_menu(bot: &Bot, user_id: i64, lang: Lang, role: Role) {
    let result = if role == Role::Asn {
        bot.delete_my_commands()
            .scope(BotCommandScope::Chat {
                chat_id: Recipient::Id(ChatId(user_id)),
            })
            .await
            .map(|_| ())
    } else {
        commands::publish_menu_for(bot, user_id, lang, role).await
    };
    if let Err(e) = result {
        tracing::warn!(user_id, error = %e, "could not refresh the command menu");
    }
}

/// At start-up: every owner, HR officer and granted role holder gets their chat menu.
pub async fn publish_officer_menus(bot: &Bot, app: &Arc<App>) {
    let a = app.clone();
    let people = app
        .store
        .run(move |c| {
            let mut ids: BTreeSet<i64> = a.config.admin_ids.iter().copied().collect();
            ids.extend(a.config.hr_ids.iter().copied());
            ids.extend(users::with_roles(c)?.into_iter().map(|u| u.id));
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let record = users::get(c, id)?;
                let granted = record.as_ref().map_or(Role::Asn, |u| u.granted_role);
                let lang = record
                    .as_ref()
                    .map_or(a.config.default_locale, |u| u.language);
                out.push((id, lang, a.role_of(id, granted)));
            }
            Ok::<_, StoreError>(out)
        })
        .await;
    match people {
        Ok(people) => {
            for (id, lang, role) in people {
                if role > Role::Asn {
                    refresh_menu(bot, id, lang, role).await;
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not list officers for their menus"),
    }
}

/// `/roles`: owners, admins and HR officers with names and ids.
pub async fn list(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let a = app.clone();
    let lines = app
        .store
        .run(move |c| {
            let mut holders: Vec<(Role, i64, String)> = Vec::new();
            let mut ids: BTreeSet<i64> = a.config.admin_ids.iter().copied().collect();
            ids.extend(a.config.hr_ids.iter().copied());
            ids.extend(users::with_roles(c)?.into_iter().map(|u| u.id));
            for id in ids {
                let record = users::get(c, id)?;
                let granted = record.as_ref().map_or(Role::Asn, |u| u.granted_role);
                let role = a.role_of(id, granted);
                if role > Role::Asn {
                    let name = record.as_ref().map_or_else(|| "—".to_owned(), display_name);
                    holders.push((role, id, name));
                }
            }
            holders.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            Ok::<_, StoreError>(holders
                .into_iter()
                .map(|(role, id, name)| {
                    lang.t_args(
                        "roles-line",
                        args!["role" => role_label(lang, role), "name" => name, "id" => id.to_string()],
                    )
                })
                .collect::<Vec<_>>())
        })
        .await?;
    let text = if lines.is_empty() {
        lang.t("roles-none")
    } else {
        format!("{}\n{}", lang.t("roles-title"), lines.join("\n"))
    };
    say(&bot, &app, &caller, chat, super::admin::cut(text)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_a_message_in_both_languages() {
        let all = [
            Refusal::Usage,
            Refusal::NotAUser("x".into()),
            Refusal::UnknownUser("1".into()),
            Refusal::SelfChange,
            Refusal::LastAdmin("n".into()),
            Refusal::OwnerConfig("n".into()),
            Refusal::HrConfig("n".into()),
            Refusal::Already("n".into(), Role::Hr),
            Refusal::Higher("n".into(), Role::Admin),
            Refusal::NotHolder("n".into(), Role::Hr),
            Refusal::Ambiguous("kepegawaian".into(), vec![1, 2]),
        ];
        for lang in Lang::ALL {
            for r in &all {
                let text = refusal_text(lang, r, Change::Grant(Role::Hr));
                assert!(
                    !text.is_empty() && !text.contains("roles-"),
                    "{r:?}: {text}"
                );
            }
        }
    }
}
