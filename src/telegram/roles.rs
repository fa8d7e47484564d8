//! Role management in the chat: /grant_admin, /revoke_admin (owners), /grant_hr, /revoke_hr
//! (admins), /roles, and the per-chat command menus that follow a role.
//!
//! The decision is a pure function ([`decide`]) so every refusal is tested without Telegram;
//! the change and its audit entry are written in one transaction.

use std::collections::BTreeSet;
use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{BotCommandScope, Recipient};

use super::reply::say;
use super::{App, Caller, HandlerResult, commands};
use crate::args;
use crate::config::Config;
use crate::domain::Role;
use crate::i18n::Lang;
use crate::store::users::{self, UserRecord};
use crate::store::{StoreError, audit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Grant(Role),
    Revoke(Role),
}

impl Change {
    fn role(self) -> Role {
        match self {
            Change::Grant(r) | Change::Revoke(r) => r,
        }
    }

    fn command(self) -> &'static str {
        match self {
            Change::Grant(Role::Admin) => "grant_admin",
            Change::Revoke(Role::Admin) => "revoke_admin",
            Change::Grant(_) => "grant_hr",
            Change::Revoke(_) => "revoke_hr",
        }
    }
}

/// Who the command is about, as written: a numeric id or an @username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Id(i64),
    Username(String),
}

/// Why a role change was not made. Each maps to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Usage,
    NotAUser(String),
    UnknownUser(String),
    SelfChange,
    LastAdmin(String),
    OwnerConfig(String),
    HrConfig(String),
    Already(String, Role),
    Higher(String, Role),
    NotHolder(String, Role),
}

/// Parses the command argument. Usernames are 3-32 letters, digits or `_` after an `@`.
pub fn parse_target(raw: &str) -> Result<Target, Refusal> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Refusal::Usage);
    }
    if let Ok(id) = raw.parse::<i64>() {
        return if id > 0 {
            Ok(Target::Id(id))
        } else {
            Err(Refusal::NotAUser(shown(raw)))
        };
    }
    match raw.strip_prefix('@') {
        Some(name)
            if (3..=32).contains(&name.len())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            Ok(Target::Username(name.to_owned()))
        }
        _ => Err(Refusal::NotAUser(shown(raw))),
    }
}

/// Echoed input is cut, so a pasted paragraph doesn't come back whole.
fn shown(raw: &str) -> String {
    raw.chars().take(40).collect()
}

pub fn display_name(u: &UserRecord) -> String {
    let name = u
        .full_name
        .clone()
        .unwrap_or_else(|| u.display_name.clone());
    match &u.username {
        Some(handle) => format!("{name} @{handle}"),
        None => name,
    }
}

/// Decides a change for `target`, whose stored record is given, and returns the role to
/// store. `admins` are everyone holding admin powers now: the owners and granted admins.
pub fn decide(
    config: &Config,
    actor: i64,
    target: &UserRecord,
    admins: &BTreeSet<i64>,
    change: Change,
) -> Result<Role, Refusal> {
    let name = display_name(target);
    let is_owner = config.admin_ids.contains(&target.id);
    let effective = if is_owner {
        Role::Owner
    } else if config.hr_ids.contains(&target.id) {
        target.granted_role.max(Role::Hr)
    } else {
        target.granted_role
    };
    if let Change::Revoke(Role::Admin) = change {
        // Checked before "yourself": an owner alone must hear why, not a generic no.
        let remaining = admins.iter().filter(|id| **id != target.id).count();
        if admins.contains(&target.id) && remaining == 0 {
            return Err(Refusal::LastAdmin(name));
        }
    }
    if target.id == actor {
        return Err(Refusal::SelfChange);
    }
    match change {
        Change::Grant(role) => {
            if effective == role {
                Err(Refusal::Already(name, role))
            } else if effective > role {
                Err(Refusal::Higher(name, effective))
            } else {
                Ok(role)
            }
        }
        Change::Revoke(role) => {
            if is_owner {
                Err(Refusal::OwnerConfig(name))
            } else if role == Role::Hr && config.hr_ids.contains(&target.id) {
                Err(Refusal::HrConfig(name))
            } else if target.granted_role != role {
                Err(Refusal::NotHolder(name, role))
            } else {
                Ok(Role::Asn)
            }
        }
    }
}

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
    }
}

fn find(c: &rusqlite::Connection, target: &Target) -> crate::store::Result<Option<UserRecord>> {
    match target {
        Target::Id(id) => users::get(c, *id),
        Target::Username(name) => users::find_by_username(c, name),
    }
}

/// Holders of admin powers now: owners from the configuration and granted admins.
fn admins(config: &Config, c: &rusqlite::Connection) -> crate::store::Result<BTreeSet<i64>> {
    let mut set: BTreeSet<i64> = config.admin_ids.iter().copied().collect();
    set.extend(
        users::with_roles(c)?
            .into_iter()
            .filter(|u| u.granted_role >= Role::Admin)
            .map(|u| u.id),
    );
    Ok(set)
}

enum Outcome {
    Refused(Refusal),
    Changed { target: UserRecord, stored: Role },
}

/// Handles the four grant/revoke commands. The schema has already checked that the caller
/// may (owners for admin, admins for HR).
pub async fn change(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    chat: ChatId,
    change: Change,
    raw: String,
) -> HandlerResult {
    let lang = caller.lang;
    let target = match parse_target(&raw) {
        Ok(t) => t,
        Err(r) => return say(&bot, &app, &caller, chat, refusal_text(lang, &r, change)).await,
    };
    let a = app.clone();
    let (actor, now) = (caller.id, app.now());
    let outcome = app
        .store
        .run(move |c| {
            let Some(record) = find(c, &target)? else {
                let shown = match &target {
                    Target::Id(id) => id.to_string(),
                    Target::Username(n) => format!("@{n}"),
                };
                return Ok(Outcome::Refused(Refusal::UnknownUser(shown)));
            };
            let tx = c.transaction()?;
            let admins = admins(&a.config, &tx)?;
            let stored = match decide(&a.config, actor, &record, &admins, change) {
                Ok(role) => role,
                Err(r) => return Ok(Outcome::Refused(r)),
            };
            if !users::set_role(&tx, record.id, stored)? {
                return Err(StoreError::Malformed(
                    "user vanished during a role change".into(),
                ));
            }
            audit::record(
                &tx,
                actor,
                change.command(),
                &format!("user={}", record.id),
                now,
            )?;
            tx.commit()?;
            Ok(Outcome::Changed {
                target: record,
                stored,
            })
        })
        .await?;
    match outcome {
        Outcome::Refused(r) => {
            tracing::info!(user_id = actor, command = change.command(), refusal = ?refusal_kind(&r), "role change refused");
            say(&bot, &app, &caller, chat, refusal_text(lang, &r, change)).await
        }
        Outcome::Changed { target, stored } => {
            tracing::info!(
                user_id = actor,
                target = target.id,
                command = change.command(),
                "role changed"
            );
            let now = app.role_of(target.id, stored);
            refresh_menu(&bot, target.id, target.language, now).await;
            let name = display_name(&target);
            let role = role_label(lang, change.role());
            let text = match change {
                Change::Grant(_) => {
                    lang.t_args("roles-granted", args!["name" => name, "role" => role])
                }
                Change::Revoke(_) => {
                    lang.t_args("roles-revoked", args!["name" => name, "role" => role])
                }
            };
            say(&bot, &app, &caller, chat, text).await
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

    fn config(owners: &[i64], hr: &[i64]) -> Config {
        let owners = owners
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let hr = hr.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        Config::from_lookup(|k| match k {
            "ADMIN_IDS" => Some(owners.clone()),
            "HR_IDS" => Some(hr.clone()),
            _ => None,
        })
        .unwrap()
    }

    fn user(id: i64, granted: Role) -> UserRecord {
        UserRecord {
            id,
            display_name: format!("User {id}"),
            username: None,
            language: Lang::Id,
            granted_role: granted,
            employment: None,
            full_name: None,
            nip: None,
            unit_code: None,
            registered: false,
            blocked: false,
            reminders_muted: false,
        }
    }

    fn set(ids: &[i64]) -> BTreeSet<i64> {
        ids.iter().copied().collect()
    }

    #[test]
    fn targets_are_numeric_ids_or_usernames() {
        assert_eq!(parse_target(" 123 "), Ok(Target::Id(123)));
        assert_eq!(
            parse_target("@sari_hr"),
            Ok(Target::Username("sari_hr".into()))
        );
        assert_eq!(parse_target(""), Err(Refusal::Usage));
        for bad in ["sari", "-5", "0", "@a", "@bad name", "12abc", "@ümlaut"] {
            assert!(
                matches!(parse_target(bad), Err(Refusal::NotAUser(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn grants_follow_the_rules() {
        let c = config(&[1], &[50]);
        let admins = set(&[1]);
        let grant_hr = Change::Grant(Role::Hr);
        assert_eq!(
            decide(&c, 1, &user(7, Role::Asn), &admins, grant_hr),
            Ok(Role::Hr)
        );
        assert_eq!(
            decide(
                &c,
                1,
                &user(7, Role::Asn),
                &admins,
                Change::Grant(Role::Admin)
            ),
            Ok(Role::Admin)
        );
        // Granting HR to an admin would demote them.
        assert!(matches!(
            decide(&c, 1, &user(7, Role::Admin), &admins, grant_hr),
            Err(Refusal::Higher(_, Role::Admin))
        ));
        assert!(matches!(
            decide(&c, 1, &user(50, Role::Asn), &admins, grant_hr),
            Err(Refusal::Already(_, Role::Hr))
        ));
        assert_eq!(
            decide(&c, 7, &user(7, Role::Admin), &admins, grant_hr),
            Err(Refusal::SelfChange)
        );
        assert_eq!(
            decide(
                &c,
                1,
                &user(1, Role::Asn),
                &admins,
                Change::Grant(Role::Admin)
            ),
            Err(Refusal::SelfChange)
        );
    }

    #[test]
    fn revocations_keep_at_least_one_admin_and_leave_configured_roles_alone() {
        let c = config(&[1], &[50]);
        let revoke_admin = Change::Revoke(Role::Admin);
        // The only admin is the owner themself.
        assert!(matches!(
            decide(&c, 1, &user(1, Role::Asn), &set(&[1]), revoke_admin),
            Err(Refusal::LastAdmin(_))
        ));
        // With another admin around, revoking oneself is simply not allowed.
        assert_eq!(
            decide(&c, 1, &user(1, Role::Asn), &set(&[1, 2]), revoke_admin),
            Err(Refusal::SelfChange)
        );
        let two_owners = config(&[1, 3], &[]);
        assert!(matches!(
            decide(
                &two_owners,
                1,
                &user(3, Role::Asn),
                &set(&[1, 3]),
                revoke_admin
            ),
            Err(Refusal::OwnerConfig(_))
        ));
        assert_eq!(
            decide(&c, 1, &user(2, Role::Admin), &set(&[1, 2]), revoke_admin),
            Ok(Role::Asn)
        );
        // No owners configured and one granted admin left: that one stays.
        let no_owner = config(&[], &[]);
        assert!(matches!(
            decide(
                &no_owner,
                9,
                &user(2, Role::Admin),
                &set(&[2]),
                revoke_admin
            ),
            Err(Refusal::LastAdmin(_))
        ));
        let revoke_hr = Change::Revoke(Role::Hr);
        assert!(matches!(
            decide(&c, 1, &user(50, Role::Asn), &set(&[1]), revoke_hr),
            Err(Refusal::HrConfig(_))
        ));
        assert!(matches!(
            decide(&c, 1, &user(2, Role::Admin), &set(&[1, 2]), revoke_hr),
            Err(Refusal::NotHolder(_, Role::Hr))
        ));
        assert_eq!(
            decide(&c, 1, &user(7, Role::Hr), &set(&[1]), revoke_hr),
            Ok(Role::Asn)
        );
    }

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
