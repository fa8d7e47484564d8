//! Role management: who may grant or revoke which role, and the change with its audit
//! entry in one transaction.
//!
//! The decision is a pure function ([`decide`]) so every refusal is tested without a
//! database or Telegram.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::App;
use crate::config::Config;
use crate::domain::Role;
use crate::store::broadcasts;
use crate::store::usernames::{self, UsernameMatch};
use crate::store::users::{self, UserRecord};
use crate::store::{StoreError, audit};

/// The role someone holds right now: owners from `ADMIN_IDS`, HR bootstrapped from
/// `HR_IDS`, otherwise what was granted in the bot.
pub fn effective_role(config: &Config, user_id: i64, granted: Role) -> Role {
    if config.admin_ids.contains(&user_id) {
        Role::Owner
    } else if config.hr_ids.contains(&user_id) {
        granted.max(Role::Hr)
    } else {
        granted
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Grant(Role),
    Revoke(Role),
}

impl Change {
    pub fn role(self) -> Role {
        match self {
            Change::Grant(r) | Change::Revoke(r) => r,
        }
    }

    pub fn command(self) -> &'static str {
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
    /// Several users have used this @username (the name without `@`, their ids ascending):
    /// the officer must name the person by numeric id.
    Ambiguous(String, Vec<i64>),
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
        .registration
        .as_ref()
        .map_or_else(|| u.display_name.clone(), |r| r.name.as_str().to_owned());
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
    let effective = effective_role(config, target.id, target.granted_role);
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

/// The one person `target` names. Usernames change hands, so a username that has ever
/// meant more than one known user is refused rather than guessed.
fn find(c: &Connection, target: &Target) -> Result<UserRecord, RoleError> {
    let found = match target {
        Target::Id(id) => users::get(c, *id)?,
        Target::Username(name) => match usernames::resolve(c, name)? {
            UsernameMatch::Unknown => None,
            UsernameMatch::One(user) => Some(user),
            UsernameMatch::Ambiguous(ids) => {
                return Err(RoleError::Refused(Refusal::Ambiguous(name.clone(), ids)));
            }
        },
    };
    found.ok_or_else(|| {
        let shown = match target {
            Target::Id(id) => id.to_string(),
            Target::Username(n) => format!("@{n}"),
        };
        RoleError::Refused(Refusal::UnknownUser(shown))
    })
}

/// Holders of admin powers now: owners from the configuration and granted admins.
fn admins(config: &Config, c: &Connection) -> crate::store::Result<BTreeSet<i64>> {
    let mut set: BTreeSet<i64> = config.admin_ids.iter().copied().collect();
    set.extend(
        users::with_roles(c)?
            .into_iter()
            .filter(|u| u.granted_role >= Role::Admin)
            .map(|u| u.id),
    );
    Ok(set)
}

/// A role change that was made.
#[derive(Debug)]
pub struct Changed {
    pub target: UserRecord,
    /// The granted role now stored for the target.
    pub stored: Role,
    /// Broadcasts of the target cancelled because the revocation left them without the HR
    /// role: cancelled rather than held, so nothing a former officer queued goes out.
    pub cancelled_broadcasts: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum RoleError {
    /// The rules say no; the refusal says why.
    #[error("role change refused: {0:?}")]
    Refused(Refusal),
    #[error("user {0} vanished during a role change")]
    Vanished(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who a change would be made to, and that the rules allow it now: what the officer is
/// shown before confirming a grant. Nothing is written; [`change_role`] decides again.
pub async fn preview(
    app: &App,
    actor: i64,
    target: Target,
    change: Change,
) -> Result<UserRecord, RoleError> {
    let config = app.config.clone();
    app.store
        .read(move |c| {
            let record = find(c, &target)?;
            let admins = admins(&config, c)?;
            decide(&config, actor, &record, &admins, change).map_err(RoleError::Refused)?;
            Ok(record)
        })
        .await
}

/// Grants or revokes `change` for `target` on behalf of `actor`. The caller has checked
/// that the actor may run the command at all (owners for admin, admins for HR); the rules
/// here decide whether this change to this person is allowed.
pub async fn change_role(
    app: &App,
    actor: i64,
    target: Target,
    change: Change,
) -> Result<Changed, RoleError> {
    let config = app.config.clone();
    let now = app.now();
    app.store
        .run(move |c| {
            let record = find(c, &target)?;
            let tx = c.transaction().map_err(StoreError::from)?;
            let admins = admins(&config, &tx)?;
            let stored =
                decide(&config, actor, &record, &admins, change).map_err(RoleError::Refused)?;
            if !users::set_role(&tx, record.id, stored)? {
                return Err(RoleError::Vanished(record.id));
            }
            audit::record(
                &tx,
                actor,
                change.command(),
                &format!("user={}", record.id),
                now,
            )?;
            // Same transaction: the role and the right to reach every ASN end together.
            let cancelled_broadcasts = match change {
                Change::Revoke(_) if !effective_role(&config, record.id, stored).is_hr() => {
                    broadcasts::cancel_all_by(&tx, record.id, actor, now)?
                }
                _ => 0,
            };
            tx.commit().map_err(StoreError::from)?;
            Ok(Changed {
                target: record,
                stored,
                cancelled_broadcasts,
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

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
            registration: None,
            preselected_unit: None,
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
}
