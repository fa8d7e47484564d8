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
    Lang,
    Help,
    Bantuan,
    Batal,
    Cancel,
}

/// Commands for administrators (and, where the handler says so, HR officers).
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum AdminCommand {
    Stats,
}

/// (command, locale key) pairs shown in menus, per role. Aliases stay out of menus.
pub const USER_MENU: &[(&str, &str)] = &[
    ("ikrar", "cmd-ikrar"),
    ("status", "cmd-status"),
    ("lang", "cmd-lang"),
    ("help", "cmd-help"),
];

pub const ADMIN_MENU: &[(&str, &str)] = &[("stats", "cmd-stats")];

/// The menu a role sees, ASN commands first.
pub fn menu_for(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut menu = USER_MENU.to_vec();
    if role.is_admin() {
        menu.extend_from_slice(ADMIN_MENU);
    }
    menu
}

pub fn help_text(lang: Lang, role: Role) -> String {
    let line = |(cmd, key): &(&str, &str)| format!("/{cmd} — {}", lang.t(key));
    let mut text = format!("{}\n", lang.t("help-title"));
    for entry in USER_MENU {
        text.push_str(&line(entry));
        text.push('\n');
    }
    if role.is_admin() {
        text.push_str(&format!("\n{}\n", lang.t("help-admin-title")));
        for entry in ADMIN_MENU {
            text.push_str(&line(entry));
            text.push('\n');
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
    fn help_lists_admin_commands_only_for_admins() {
        assert!(!help_text(Lang::Id, Role::Asn).contains("/stats"));
        assert!(help_text(Lang::Id, Role::Admin).contains("/stats"));
        assert!(help_text(Lang::En, Role::Asn).contains("/ikrar"));
    }
}
