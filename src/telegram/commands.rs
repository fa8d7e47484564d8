//! Typed commands. Descriptions come from the locales (keys `cmd-<name>`), so the
//! Telegram menu, /help and the parser list the same commands in both languages.

use teloxide::macros::BotCommands;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

use crate::domain::Role;
use crate::i18n::Lang;

/// Commands every ASN may use. Indonesian names first, English aliases after.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Start(String),
    Ikrar,
    Pledge,
    Status,
    Tanya(String),
    Ask(String),
    Topik,
    Topics,
    Lang,
    Help,
    Bantuan,
    Batal,
    Cancel,
    Pengingat,
    Reminders,
}

/// Reports and role management. Who may run which is `telegram::admin::required_role`,
/// checked by a filter in the schema: stats, chart and export are for HR and admins.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "snake_case")]
pub enum AdminCommand {
    Stats,
    Chart,
    Export(String),
    Unanswered,
    Feedback,
    GrantAdmin(String),
    RevokeAdmin(String),
    GrantHr(String),
    RevokeHr(String),
    Roles,
    Audit,
}

/// Commands for HR officers (and admins): broadcasts to the ASN.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "snake_case")]
pub enum HrCommand {
    Broadcast(String),
    BroadcastAt(String),
    Broadcasts,
}

/// (command, locale key) pairs shown in menus, per role. Aliases stay out of menus.
pub const USER_MENU: &[(&str, &str)] = &[
    ("ikrar", "cmd-ikrar"),
    ("tanya", "cmd-tanya"),
    ("topik", "cmd-topik"),
    ("status", "cmd-status"),
    ("pengingat", "cmd-pengingat"),
    ("lang", "cmd-lang"),
    ("help", "cmd-help"),
];

/// Reports for HR officers and admins.
pub const REPORTS_MENU: &[(&str, &str)] = &[
    ("stats", "cmd-stats"),
    ("chart", "cmd-chart"),
    ("export", "cmd-export"),
];

pub const ADMIN_MENU: &[(&str, &str)] = &[
    ("unanswered", "cmd-unanswered"),
    ("feedback", "cmd-feedback"),
    ("grant_hr", "cmd-grant-hr"),
    ("revoke_hr", "cmd-revoke-hr"),
    ("roles", "cmd-roles"),
    ("audit", "cmd-audit"),
];

/// Only owners (ADMIN_IDS) appoint admins.
pub const OWNER_MENU: &[(&str, &str)] = &[
    ("grant_admin", "cmd-grant-admin"),
    ("revoke_admin", "cmd-revoke-admin"),
];

pub const HR_MENU: &[(&str, &str)] = &[
    ("broadcast", "cmd-broadcast"),
    ("broadcast_at", "cmd-broadcast-at"),
    ("broadcasts", "cmd-broadcasts"),
];

/// The menu a role sees, ASN commands first.
pub fn menu_for(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut menu = USER_MENU.to_vec();
    if role.is_hr() {
        menu.extend_from_slice(HR_MENU);
        menu.extend_from_slice(REPORTS_MENU);
    }
    if role.is_admin() {
        menu.extend_from_slice(ADMIN_MENU);
    }
    if role == Role::Owner {
        menu.extend_from_slice(OWNER_MENU);
    }
    menu
}

/// A help section: title key, its (command, key) entries, and whether the role sees it.
type HelpSection = (&'static str, &'static [(&'static str, &'static str)], bool);

pub fn help_text(lang: Lang, role: Role) -> String {
    let sections: [HelpSection; 5] = [
        ("help-title", USER_MENU, true),
        ("help-hr-title", HR_MENU, role.is_hr()),
        ("help-reports-title", REPORTS_MENU, role.is_hr()),
        ("help-admin-title", ADMIN_MENU, role.is_admin()),
        ("help-owner-title", OWNER_MENU, role == Role::Owner),
    ];
    let mut text = String::new();
    for (title, entries, shown) in sections {
        if !shown {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&lang.t(title));
        text.push('\n');
        for (cmd, key) in entries {
            text.push_str(&format!("/{cmd} — {}\n", lang.t(key)));
        }
    }
    text
}

pub fn bot_commands(lang: Lang, role: Role) -> Vec<BotCommand> {
    menu_for(role)
        .iter()
        .map(|(cmd, key)| BotCommand::new(*cmd, lang.t(key)))
        .collect()
}

/// Publishes the ASN menu: Indonesian for everyone, English for English-language clients.
pub async fn publish_default_menu(bot: &Bot) -> Result<(), teloxide::RequestError> {
    bot.set_my_commands(bot_commands(Lang::Id, Role::Asn))
        .await?;
    bot.set_my_commands(bot_commands(Lang::En, Role::Asn))
        .language_code("en")
        .await?;
    Ok(())
}

/// Gives one officer's private chat the menu of their role.
pub async fn publish_menu_for(
    bot: &Bot,
    user_id: i64,
    lang: Lang,
    role: Role,
) -> Result<(), teloxide::RequestError> {
    bot.set_my_commands(bot_commands(lang, role))
        .scope(BotCommandScope::Chat {
            chat_id: Recipient::Id(ChatId(user_id)),
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::utils::command::BotCommands as _;

    #[test]
    fn commands_parse_with_and_without_arguments() {
        assert_eq!(
            Command::parse("/start", "bot").unwrap(),
            Command::Start(String::new())
        );
        assert_eq!(
            Command::parse("/start unit_dinkes", "bot").unwrap(),
            Command::Start("unit_dinkes".into())
        );
        assert!(Command::parse("/stats@OtherBot", "bot").is_err());
        assert_eq!(
            AdminCommand::parse("/stats@bot", "bot").unwrap(),
            AdminCommand::Stats
        );
    }

    #[test]
    fn hr_commands_are_snake_case_and_shown_to_hr_only() {
        assert_eq!(
            HrCommand::parse("/broadcast_at 2020-12-08 07:00 Apel", "bot").unwrap(),
            HrCommand::BroadcastAt("2020-12-08 07:00 Apel".into())
        );
        assert_eq!(
            HrCommand::parse("/broadcasts", "bot").unwrap(),
            HrCommand::Broadcasts
        );
        assert!(help_text(Lang::Id, Role::Hr).contains("/broadcast_at"));
        assert!(!help_text(Lang::Id, Role::Asn).contains("/broadcast"));
        assert!(help_text(Lang::En, Role::Asn).contains("/pengingat"));
    }

    #[test]
    fn report_and_role_commands_parse_in_snake_case() {
        assert_eq!(
            AdminCommand::parse("/grant_hr @sari_bkpsdm", "bot").unwrap(),
            AdminCommand::GrantHr("@sari_bkpsdm".into())
        );
        assert_eq!(
            AdminCommand::parse("/export", "bot").unwrap(),
            AdminCommand::Export(String::new())
        );
        assert_eq!(
            AdminCommand::parse("/revoke_admin 42", "bot").unwrap(),
            AdminCommand::RevokeAdmin("42".into())
        );
        let names = |role| -> Vec<&str> { menu_for(role).iter().map(|(c, _)| *c).collect() };
        assert!(names(Role::Hr).contains(&"export") && !names(Role::Hr).contains(&"roles"));
        assert!(names(Role::Admin).contains(&"grant_hr"));
        assert!(!names(Role::Admin).contains(&"grant_admin"));
        assert!(names(Role::Owner).contains(&"grant_admin"));
        // Telegram rejects a menu with more than 100 commands or a duplicate.
        let owner = names(Role::Owner);
        let unique: std::collections::HashSet<_> = owner.iter().collect();
        assert_eq!(unique.len(), owner.len());
    }

    #[test]
    fn help_lists_admin_commands_only_for_admins() {
        assert!(!help_text(Lang::Id, Role::Asn).contains("/stats"));
        assert!(help_text(Lang::Id, Role::Admin).contains("/stats"));
        assert!(help_text(Lang::En, Role::Asn).contains("/ikrar"));
    }
}
