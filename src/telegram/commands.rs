//! Typed commands. Descriptions come from the locales (keys `cmd-<name>`), so the
//! Telegram menu, /help and the parser list the same commands in both languages.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use teloxide::macros::BotCommands;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Me, Recipient};
use teloxide::utils::command::BotCommands as _;

use super::pledge;
use super::{App, Caller, HandlerResult, PledgeDialogue, privacy, qa, reminders, reply};
use crate::domain::Role;
use crate::i18n::Lang;

/// Commands every ASN may use. Indonesian names, English aliases. The menus and /help list
/// the variants in this order, hidden ones left out.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// Reached through the "Start" button and deep links, not the menu.
    #[command(hide)]
    Start(String),
    #[command(alias = "pledge")]
    Ikrar,
    #[command(alias = "ask")]
    Tanya(String),
    #[command(alias = "topics")]
    Topik,
    Status,
    #[command(alias = "verify_receipt")]
    Cek(String),
    #[command(alias = "mydata")]
    Dataku,
    #[command(alias = "privacy")]
    Privasi,
    #[command(alias = "reminders")]
    Pengingat,
    Lang,
    #[command(alias = "bantuan")]
    Help,
    /// Offered inside the registration, where it applies.
    #[command(hide, alias = "cancel")]
    Batal,
}

/// Reports and role management. Who may run which is [`AdminCommand::required_role`],
/// checked by a filter in the schema: stats, chart and export are for HR and admins.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "snake_case")]
pub enum AdminCommand {
    Stats,
    Chart,
    Export(String),
    Unanswered,
    Teach(String),
    Untaught(String),
    Feedback,
    GrantAdmin(String),
    RevokeAdmin(String),
    GrantHr(String),
    RevokeHr(String),
    Roles,
    Audit,
    Verify,
    Backup,
}

/// Commands for HR officers (and admins): broadcasts to the ASN.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "snake_case")]
pub enum HrCommand {
    Broadcast(String),
    BroadcastAt(String),
    Broadcasts,
    CancelBroadcast(String),
}

impl AdminCommand {
    /// The least role that may run the command. Reports are for HR too; roles and the Q&A
    /// quality reports are for admins; appointing admins is for the owners in ADMIN_IDS.
    pub fn required_role(&self) -> Role {
        match self {
            AdminCommand::Stats | AdminCommand::Chart | AdminCommand::Export(_) => Role::Hr,
            AdminCommand::Unanswered
            | AdminCommand::Teach(_)
            | AdminCommand::Untaught(_)
            | AdminCommand::Feedback
            | AdminCommand::GrantHr(_)
            | AdminCommand::RevokeHr(_)
            | AdminCommand::Roles
            | AdminCommand::Audit
            | AdminCommand::Verify => Role::Admin,
            AdminCommand::GrantAdmin(_) | AdminCommand::RevokeAdmin(_) | AdminCommand::Backup => {
                Role::Owner
            }
        }
    }
}

impl HrCommand {
    /// Broadcasts are for HR officers, and admins can do everything HR can.
    pub fn required_role(&self) -> Role {
        Role::Hr
    }
}

/// The least role that may run the command `text` (`/name args`, as typed), whichever enum
/// declares it: the gates in the schema, the menus and the authorization matrix all read
/// it from the enums, so a new command needs no list of roles anywhere else. None when
/// `text` is no command of this bot.
pub fn required_role(text: &str, bot_name: &str) -> Option<Role> {
    if Command::parse(text, bot_name).is_ok() {
        return Some(Role::Asn);
    }
    AdminCommand::parse(text, bot_name)
        .map(|c| c.required_role())
        .or_else(|_| HrCommand::parse(text, bot_name).map(|c| c.required_role()))
        .ok()
}

/// Where each command every ASN may use goes: next to its enum, so a new variant that is
/// not handled here does not compile.
#[allow(clippy::too_many_arguments)]
pub(super) async fn on_command(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    me: Me,
    dialogue: PledgeDialogue,
    msg: Message,
    cmd: Command,
) -> HandlerResult {
    let chat = msg.chat.id;
    match cmd {
        Command::Start(payload) => pledge::start(bot, app, caller, msg, payload).await,
        Command::Ikrar => pledge::ikrar(bot, app, caller, me, dialogue, chat).await,
        Command::Status => privacy::status(bot, app, caller, me, chat).await,
        Command::Dataku => privacy::my_data(bot, app, caller, me, chat).await,
        Command::Privasi => {
            reply::say(&bot, &app, &caller, chat, caller.lang.t("privasi-text")).await
        }
        Command::Cek(code) => privacy::check_receipt(bot, app, caller, chat, code).await,
        Command::Tanya(question) => qa::tanya(bot, app, caller, msg, question).await,
        Command::Topik => qa::topics(bot, app, caller, msg).await,
        Command::Lang => {
            let to = caller.lang.other();
            pledge::switch_lang(bot, app, caller, chat, to).await
        }
        Command::Help => {
            let text = help_text(caller.lang, caller.role);
            reply::say(&bot, &app, &caller, chat, text).await
        }
        Command::Batal => pledge::cancel(bot, app, caller, dialogue, chat).await,
        Command::Pengingat => reminders::show(bot, app, caller, chat).await,
    }
}

/// A menu entry: the command without its slash, and the locale key of its description
/// (`cmd-` and the name with dashes).
pub type Entry = (String, String);

/// The shown commands of one enum that pass `keep`, in declaration order. Derived from the
/// enum itself, so a new variant is in the menus (and needs its `cmd-` key) at once.
fn entries<C: teloxide::utils::command::BotCommands>(keep: impl Fn(&C) -> bool) -> Vec<Entry> {
    C::bot_commands()
        .into_iter()
        .filter(|c| C::parse(&c.command, "").is_ok_and(|cmd| keep(&cmd)))
        .map(|c| {
            let name = c.command.trim_start_matches('/').to_owned();
            let key = format!("cmd-{}", name.replace('_', "-"));
            (name, key)
        })
        .collect()
}

/// A help section: title key, its entries, and whether the role sees it.
type Section = (&'static str, Vec<Entry>, bool);

/// Every section in menu order: ASN, broadcasts, reports, admin, owner.
fn sections(role: Role) -> [Section; 5] {
    let officer = |need: Role| entries::<AdminCommand>(move |c| c.required_role() == need);
    [
        ("help-title", entries::<Command>(|_| true), true),
        (
            "help-hr-title",
            entries::<HrCommand>(|_| true),
            role.is_hr(),
        ),
        ("help-reports-title", officer(Role::Hr), role.is_hr()),
        ("help-admin-title", officer(Role::Admin), role.is_admin()),
        (
            "help-owner-title",
            officer(Role::Owner),
            role == Role::Owner,
        ),
    ]
}

/// The menu a role sees, ASN commands first.
pub fn menu_for(role: Role) -> Vec<Entry> {
    sections(role)
        .into_iter()
        .filter(|(_, _, shown)| *shown)
        .flat_map(|(_, entries, _)| entries)
        .collect()
}

/// /help's text depends only on the language and the role (the locales are compiled in),
/// and composing it walks every command enum: done once per pair, not on every /help.
pub fn help_text(lang: Lang, role: Role) -> String {
    static TEXTS: LazyLock<Mutex<HashMap<(Lang, Role), String>>> = LazyLock::new(Default::default);
    let mut texts = TEXTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    texts
        .entry((lang, role))
        .or_insert_with(|| compose_help(lang, role))
        .clone()
}

fn compose_help(lang: Lang, role: Role) -> String {
    let mut text = String::new();
    for (title, entries, shown) in sections(role) {
        if !shown {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&lang.t(title));
        text.push('\n');
        for (cmd, key) in entries {
            text.push_str(&format!("/{cmd} — {}\n", lang.t(&key)));
        }
    }
    text
}

pub fn bot_commands(lang: Lang, role: Role) -> Vec<BotCommand> {
    menu_for(role)
        .into_iter()
        .map(|(cmd, key)| BotCommand::new(cmd, lang.t(&key)))
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
        let names = |role| -> Vec<String> { menu_for(role).into_iter().map(|(c, _)| c).collect() };
        let has = |role, name: &str| names(role).iter().any(|c| c == name);
        assert!(has(Role::Hr, "export") && !has(Role::Hr, "roles"));
        assert!(has(Role::Admin, "grant_hr"));
        assert!(!has(Role::Admin, "grant_admin"));
        assert!(has(Role::Owner, "grant_admin"));
        // Telegram rejects a menu with more than 100 commands or a duplicate.
        let owner = names(Role::Owner);
        let unique: std::collections::HashSet<_> = owner.iter().collect();
        assert_eq!(unique.len(), owner.len());
    }

    #[test]
    fn aliases_parse_to_the_indonesian_command_and_stay_out_of_menus() {
        assert_eq!(Command::parse("/pledge", "bot").unwrap(), Command::Ikrar);
        assert_eq!(
            Command::parse("/ask boleh?", "bot").unwrap(),
            Command::Tanya("boleh?".into())
        );
        assert_eq!(Command::parse("/cancel", "bot").unwrap(), Command::Batal);
        assert_eq!(Command::parse("/bantuan", "bot").unwrap(), Command::Help);
        let names: Vec<String> = menu_for(Role::Asn).into_iter().map(|(c, _)| c).collect();
        assert_eq!(
            names,
            [
                "ikrar",
                "tanya",
                "topik",
                "status",
                "cek",
                "dataku",
                "privasi",
                "pengingat",
                "lang",
                "help"
            ]
        );
    }

    #[test]
    fn every_command_is_in_a_menu_with_a_description_in_both_languages() {
        let shown: Vec<String> = menu_for(Role::Owner).into_iter().map(|(c, _)| c).collect();
        let declared = Command::bot_commands()
            .into_iter()
            .chain(AdminCommand::bot_commands())
            .chain(HrCommand::bot_commands());
        for c in declared {
            let name = c.command.trim_start_matches('/');
            assert!(shown.iter().any(|s| s == name), "/{name} is in no menu");
        }
        for (cmd, key) in menu_for(Role::Owner) {
            for lang in [Lang::Id, Lang::En] {
                assert!(lang.has(&key), "/{cmd}: {key} missing in {lang}");
            }
        }
    }

    #[test]
    fn help_lists_admin_commands_only_for_admins() {
        assert!(!help_text(Lang::Id, Role::Asn).contains("/stats"));
        assert!(help_text(Lang::Id, Role::Admin).contains("/stats"));
        assert!(help_text(Lang::En, Role::Asn).contains("/ikrar"));
    }
}
