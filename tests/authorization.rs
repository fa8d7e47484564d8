//! End to end: the authorization matrix. Every command (listed from the command enums, so a
//! new one can't be forgotten) and every kind of button (forged, as any client can) is tried
//! by an unknown user, a registered ASN, an HR officer, an admin and the owner, in a private
//! chat and in a group. The test asserts exactly who is served, and that every refusal is one
//! polite sentence in the caller's language that leaks nothing, changes nothing and goes
//! nowhere else.

mod common;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde_json::{Value, json};
use teloxide::utils::command::BotCommands;

use common::fake_bot_api::BOT_USERNAME;
use common::{Call, HR_ID, OWNER_ID, REPLY_TIMEOUT, TestApp, TestUser, spawn_app};
use netralitas_bot::args;
use netralitas_bot::domain::{Employment, FullName, Nip, Role, UnitCode};
use netralitas_bot::i18n::Lang;
use netralitas_bot::knowledge::{Topic, kb};
use netralitas_bot::store::users;
use netralitas_bot::telegram::callback::{
    AudienceChoice, BroadcastAction, CallbackData, EraseStep, GrantAction, MenuAction, TeachAction,
};
use netralitas_bot::telegram::commands::{self, AdminCommand, Command, HrCommand};

const GROUP: i64 = -100_555;
const ASN_ID: i64 = 7_001;
const ADMIN_ID: i64 = 7_002;
/// Unknown users get a fresh id for every cell, so each one is a true first contact.
const FIRST_STRANGER: i64 = 7_100;
/// Someone no test user is: role commands name this id so a served grant changes nothing.
const NOBODY: i64 = 424_242;
const ASN_NAME: &str = "Siti Rahmawati";
const ASN_NIP: &str = "198503122010011002";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Unknown,
    Asn,
    Hr,
    Admin,
    Owner,
}

impl Who {
    const ALL: [Who; 5] = [Who::Unknown, Who::Asn, Who::Hr, Who::Admin, Who::Owner];

    /// The role the bot should see; an unknown user is a plain ASN to it.
    fn role(self) -> Role {
        match self {
            Who::Unknown | Who::Asn => Role::Asn,
            Who::Hr => Role::Hr,
            Who::Admin => Role::Admin,
            Who::Owner => Role::Owner,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Private,
    Group,
}

/// What one try did, as the caller saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The command or button did its work.
    Served,
    /// "Only for authorised officers".
    Refused,
    /// "Only in a private chat with the bot" (reports, broadcasts, registration).
    PrivateOnly,
    /// "This button is no longer valid".
    Stale,
    /// Nothing at all.
    Silent,
    /// The apology for an internal error: never acceptable here.
    Error,
}

/// One thing a user can do: a command as typed, or a forged button press.
#[derive(Debug, Clone)]
enum Action {
    Command {
        name: String,
        text: String,
    },
    Button {
        kind: &'static str,
        data: CallbackData,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Command { name, .. } => write!(f, "/{name}"),
            Action::Button { kind, .. } => write!(f, "button {kind}"),
        }
    }
}

/// The argument each command is tried with: harmless for every role (role changes name
/// nobody, exports and lists read, broadcasts stay drafts). A command added since this list
/// was written is tried with [`NOBODY`]'s id, a number naming no one, when it takes an
/// argument: harmless too, and the end of the run checks that nothing was queued and no
/// role changed.
fn command_text(name: &str) -> String {
    let arg = match name {
        "start" | "ikrar" | "pledge" | "status" | "topik" | "topics" | "lang" | "help"
        | "bantuan" | "batal" | "cancel" | "pengingat" | "reminders" | "dataku" | "mydata"
        | "privasi" | "privacy" => "",
        "tanya" => "bolehkah saya like postingan paslon?",
        "ask" => "can I like a candidate's post?",
        "cek" | "verify_receipt" => "IKR-ABCD-EFGH",
        "stats" | "chart" | "export" | "unanswered" | "feedback" | "roles" | "audit" | "verify"
        | "broadcasts" | "backup" => "",
        "grant_admin" | "revoke_admin" | "grant_hr" | "revoke_hr" => "424242",
        "teach" => "999999 oos",
        "untaught" => "999999",
        "broadcast" => "Rahasia: rapat pimpinan besok",
        "broadcast_at" => "2030-01-01 07:00 Rahasia: rapat pimpinan",
        // A broadcast that doesn't exist: a forged number, answered politely.
        "cancel_broadcast" => "987654",
        _ if commands::required_role(&format!("/{name} 424242"), BOT_USERNAME).is_some() => {
            "424242"
        }
        _ => "",
    };
    assert_eq!(NOBODY.to_string(), "424242");
    if arg.is_empty() {
        format!("/{name}")
    } else {
        format!("/{name} {arg}")
    }
}

/// Every command of the three command enums, as Telegram's menu would list them.
fn every_command() -> Vec<Action> {
    let mut names: Vec<String> = Command::bot_commands()
        .into_iter()
        .chain(AdminCommand::bot_commands())
        .chain(HrCommand::bot_commands())
        .map(|c| c.command.trim_start_matches('/').to_owned())
        .collect();
    names.sort();
    names.dedup();
    // Aliases (`/pledge`, `/ask`, …) are hidden `#[command(alias)]`s of these variants: they
    // parse to the same command and so pass the same gate.
    assert!(names.len() >= 21, "{names:?}");
    for name in &names {
        assert!(
            commands::required_role(&command_text(name), BOT_USERNAME).is_some(),
            "/{name}: tried as {:?}, which does not parse",
            command_text(name)
        );
    }
    names
        .into_iter()
        .map(|name| Action::Command {
            text: command_text(&name),
            name,
        })
        .collect()
}

/// The kind of a button, by exhaustive match: a new kind of button does not compile until
/// it is named here and so tried below.
fn kind_of(data: &CallbackData) -> &'static str {
    match data {
        CallbackData::Menu(MenuAction::Pledge) => "menu:pledge",
        CallbackData::Menu(MenuAction::Ask) => "menu:ask",
        CallbackData::Menu(MenuAction::Status) => "menu:status",
        CallbackData::Lang(_) => "lang",
        CallbackData::Employment(_) => "employment",
        CallbackData::UseTelegramName => "use-telegram-name",
        CallbackData::SkipNip => "skip-nip",
        CallbackData::Unit(_) => "unit",
        CallbackData::UnitPage(_) => "unit-page",
        CallbackData::PledgeConfirm => "pledge-confirm",
        CallbackData::PledgeCancel => "pledge-cancel",
        CallbackData::Topics => "topics",
        CallbackData::Topic(_) => "topic",
        CallbackData::Rule(_) => "rule",
        CallbackData::Feedback { .. } => "feedback",
        CallbackData::Reminders { .. } => "reminders",
        CallbackData::Pick { .. } => "pick",
        CallbackData::NoneFits(_) => "none-fits",
        CallbackData::Teach(a) => match a {
            TeachAction::Start { .. } => "teach:start",
            TeachAction::Topic { .. } => "teach:topic",
            TeachAction::Rule { .. } => "teach:rule",
            TeachAction::OffTopic { .. } => "teach:off-topic",
            TeachAction::Page { .. } => "teach:page",
        },
        CallbackData::Erase { .. } => "erase",
        CallbackData::Grant(a) => match a {
            GrantAction::Confirm {
                role: Role::Admin, ..
            } => "grant:confirm-admin",
            GrantAction::Confirm { .. } => "grant:confirm-hr",
            GrantAction::Cancel { .. } => "grant:cancel",
        },
        CallbackData::Broadcast(a) => match a {
            BroadcastAction::Audience { .. } => "broadcast:audience",
            BroadcastAction::Unit { .. } => "broadcast:unit",
            BroadcastAction::UnitPage { .. } => "broadcast:unit-page",
            BroadcastAction::Mandatory { .. } => "broadcast:mandatory",
            BroadcastAction::Confirm { .. } => "broadcast:confirm",
            BroadcastAction::Discard { .. } => "broadcast:discard",
            BroadcastAction::Stop { .. } => "broadcast:stop",
            BroadcastAction::ListPage { .. } => "broadcast:list-page",
        },
    }
}

/// One button of every kind, with arguments that are valid where the bot checks them. The
/// broadcast ones carry id 0 here: each try puts a fresh draft's id in.
const NO_QUESTION: i64 = 999_999;

fn every_button() -> Vec<Action> {
    let rule = kb().ids().next().expect("a rule").as_str().to_owned();
    let id = 0;
    let all = vec![
        CallbackData::Menu(MenuAction::Pledge),
        CallbackData::Menu(MenuAction::Ask),
        CallbackData::Menu(MenuAction::Status),
        CallbackData::Lang(Lang::En),
        CallbackData::Employment(Employment::Pns.code().to_owned()),
        CallbackData::UseTelegramName,
        CallbackData::SkipNip,
        CallbackData::Unit("setda".to_owned()),
        CallbackData::UnitPage(1),
        CallbackData::PledgeConfirm,
        CallbackData::PledgeCancel,
        CallbackData::Topics,
        CallbackData::Topic(Topic::ALL[0].as_str().to_owned()),
        CallbackData::Rule(rule.clone()),
        CallbackData::Feedback {
            rule: rule.clone(),
            helpful: false,
        },
        CallbackData::Reminders { mute: true },
        CallbackData::Pick {
            question: 0,
            rule: rule.clone(),
        },
        CallbackData::NoneFits(0),
        // A question id that was never stored: teaching it is a stale button even for admins.
        CallbackData::Teach(TeachAction::Start {
            question: NO_QUESTION,
        }),
        CallbackData::Teach(TeachAction::Topic {
            question: NO_QUESTION,
            topic: Topic::ALL[0].as_str().to_owned(),
        }),
        CallbackData::Teach(TeachAction::Rule {
            question: NO_QUESTION,
            rule,
        }),
        CallbackData::Teach(TeachAction::OffTopic {
            question: NO_QUESTION,
        }),
        // The ASN's own erasure button: only the ASN, in private, gets the confirmation.
        CallbackData::Erase {
            step: EraseStep::Ask,
            user: ASN_ID,
        },
        // A grant's preview buttons, naming nobody (a served grant changes nothing). Each
        // try names its presser as the asking officer, so the role gate is what is tested;
        // another officer's press is tested in tests/roles.rs.
        CallbackData::Grant(GrantAction::Confirm {
            role: Role::Hr,
            target: NOBODY,
            officer: 1,
        }),
        CallbackData::Grant(GrantAction::Confirm {
            role: Role::Admin,
            target: NOBODY,
            officer: 1,
        }),
        CallbackData::Grant(GrantAction::Cancel { officer: 1 }),
        CallbackData::Broadcast(BroadcastAction::Audience {
            id,
            choice: AudienceChoice::All,
        }),
        CallbackData::Broadcast(BroadcastAction::Unit {
            id,
            code: "setda".to_owned(),
        }),
        CallbackData::Broadcast(BroadcastAction::UnitPage { id, page: 1 }),
        CallbackData::Broadcast(BroadcastAction::Mandatory { id }),
        CallbackData::Broadcast(BroadcastAction::Confirm { id }),
        CallbackData::Broadcast(BroadcastAction::Discard { id }),
        CallbackData::Broadcast(BroadcastAction::Stop { id }),
        CallbackData::Broadcast(BroadcastAction::ListPage { page: 1 }),
    ];
    all.into_iter()
        .map(|data| Action::Button {
            kind: kind_of(&data),
            data,
        })
        .collect()
}

/// The least role that may run a command: what its enum declares
/// (`commands::required_role`, which the bot's gates read too), so a new command needs no
/// edit here. The officer commands this matrix was written for are pinned as well, so that
/// loosening one of their gates in the bot fails the test. `None` for the commands of every
/// ASN.
fn least_role(name: &str, text: &str) -> Option<Role> {
    let declared = commands::required_role(text, BOT_USERNAME).filter(|&role| role > Role::Asn);
    let pinned = match name {
        "stats" | "chart" | "export" | "broadcast" | "broadcast_at" | "broadcasts"
        | "cancel_broadcast" => Some(Role::Hr),
        "unanswered" | "teach" | "untaught" | "feedback" | "grant_hr" | "revoke_hr" | "roles"
        | "audit" | "verify" => Some(Role::Admin),
        "grant_admin" | "revoke_admin" | "backup" => Some(Role::Owner),
        _ => return declared,
    };
    assert_eq!(declared, pinned, "/{name}: its gate in the bot moved");
    pinned
}

/// What should happen: who is served, who is refused, and where.
fn expected(action: &Action, who: Who, place: Place) -> Outcome {
    let private = place == Place::Private;
    let gated = |least: Role| {
        if who.role() < least {
            Outcome::Refused
        } else if !private {
            Outcome::PrivateOnly
        } else {
            Outcome::Served
        }
    };
    match action {
        Action::Command { text, name } => {
            if let Some(least) = least_role(name, text) {
                return gated(least);
            }
            match name.as_str() {
                // Registration and pledges happen in private only; personal status too.
                "ikrar" | "pledge" | "status" | "dataku" | "mydata" if !private => {
                    Outcome::PrivateOnly
                }
                _ => Outcome::Served,
            }
        }
        Action::Button { data, .. } => match data {
            CallbackData::Menu(MenuAction::Pledge | MenuAction::Status) if !private => {
                Outcome::PrivateOnly
            }
            CallbackData::Menu(_)
            | CallbackData::Lang(_)
            | CallbackData::PledgeCancel
            | CallbackData::Topics
            | CallbackData::Topic(_)
            | CallbackData::Rule(_)
            | CallbackData::Feedback { .. }
            | CallbackData::Pick { .. }
            | CallbackData::NoneFits(_)
            | CallbackData::Reminders { .. } => Outcome::Served,
            CallbackData::Teach(action) => {
                if who.role() < Role::Admin {
                    Outcome::Refused
                } else if !private {
                    Outcome::PrivateOnly
                } else if matches!(
                    action,
                    TeachAction::Rule { .. } | TeachAction::OffTopic { .. }
                ) {
                    Outcome::Stale
                } else {
                    Outcome::Served
                }
            }
            // Registration steps outside a registration: stale for everyone.
            CallbackData::Employment(_)
            | CallbackData::UseTelegramName
            | CallbackData::SkipNip
            | CallbackData::Unit(_)
            | CallbackData::UnitPage(_) => Outcome::Stale,
            // Only a registered user, in private, can confirm a pledge.
            CallbackData::PledgeConfirm if private && who == Who::Asn => Outcome::Served,
            CallbackData::PledgeConfirm => Outcome::Stale,
            // Someone's data is theirs alone: forged for anyone else, or outside private.
            CallbackData::Erase { .. } if private && who == Who::Asn => Outcome::Served,
            CallbackData::Erase { .. } => Outcome::Stale,
            // Owners grant admin; admins grant HR or cancel a grant; in private only.
            CallbackData::Grant(GrantAction::Confirm {
                role: Role::Admin, ..
            }) => gated(Role::Owner),
            CallbackData::Grant(_) => gated(Role::Admin),
            CallbackData::Broadcast(action) => {
                if !who.role().is_hr() {
                    Outcome::Refused
                } else if matches!(
                    action,
                    BroadcastAction::Stop { .. } | BroadcastAction::ListPage { .. }
                ) {
                    // Any officer may cancel a broadcast or turn a page of the list,
                    // wherever the button is; the answer goes to their private chat.
                    Outcome::Served
                } else if who != Who::Hr || !private {
                    // A draft is its author's, and its buttons live in the author's private
                    // chat: the same button pressed anywhere else is forged.
                    Outcome::Stale
                } else if matches!(action, BroadcastAction::Confirm { .. }) {
                    // A fresh draft has no audience yet: "send" leaves the audience question
                    // as it is, so the button is answered and nothing else happens.
                    Outcome::Silent
                } else {
                    Outcome::Served
                }
            }
        },
    }
}

/// Cells where the bot does not yet do what [`expected`] says, with what it does today.
/// The matrix pins today's behaviour so a change is noticed; `known_issues_are_fixed`
/// (ignored) asserts the intended one. Remove an entry once it is fixed.
fn known_issue(action: &Action, who: Who, place: Place) -> Option<(Outcome, &'static str)> {
    if place == Place::Private {
        return None;
    }
    match action {
        Action::Button {
            data: CallbackData::Broadcast(a),
            ..
        } if who == Who::Hr
            && !matches!(
                a,
                BroadcastAction::Stop { .. } | BroadcastAction::ListPage { .. }
            ) =>
        {
            Some((
                Outcome::Error,
                "a draft's button pressed by its author in a group is carried out (a discard is \
             even audited), then editing the group's message id in the author's private chat \
             fails and the author gets the apology for an internal error",
            ))
        }
        _ => None,
    }
}

// ---- Driving the bot --------------------------------------------------------------------------

struct Matrix {
    app: TestApp,
    next_stranger: i64,
}

/// What the bot did in answer to one try.
#[derive(Debug)]
struct Observed {
    outcome: Outcome,
    texts: Vec<String>,
    /// Messages that went to a chat other than where the try was made or the caller's own.
    elsewhere: Vec<(i64, String)>,
    audit_rows_added: i64,
}

fn user(who: Who, stranger: i64) -> TestUser {
    match who {
        Who::Unknown => TestUser::english(stranger, "Tamu"),
        Who::Asn => TestUser::indonesian(ASN_ID, "Siti"),
        Who::Hr => TestUser::english(HR_ID, "Officer"),
        Who::Admin => TestUser::indonesian(ADMIN_ID, "Admin"),
        Who::Owner => TestUser::english(OWNER_ID, "Owner"),
    }
}

fn is_sending(c: &Call) -> bool {
    c.ok()
        && matches!(
            c.method.as_str(),
            "sendMessage"
                | "editMessageText"
                | "editMessageCaption"
                | "sendDocument"
                | "sendPhoto"
                | "copyMessage"
                | "forwardMessage"
        )
}

fn apology(text: &str) -> bool {
    [Lang::Id, Lang::En].iter().any(|l| {
        let sample = l.t_args("error-generic", args!["helpdesk" => "\u{1}"]);
        let head = sample.split('\u{1}').next().unwrap_or_default();
        text.starts_with(head)
    })
}

impl Matrix {
    async fn new() -> Matrix {
        let app = spawn_app().await;
        let matrix = Matrix {
            app,
            next_stranger: FIRST_STRANGER,
        };
        // Everyone but the strangers has talked to the bot before; the ASN is registered
        // (with a NIP, so a leak would show) and the admin was appointed.
        for who in [Who::Asn, Who::Hr, Who::Admin, Who::Owner] {
            let u = user(who, 0);
            matrix.app.say(&u, "/batal").await;
        }
        let today = chrono::Utc::now().date_naive();
        matrix
            .app
            .store()
            .with(|c| {
                users::register(
                    c,
                    ASN_ID,
                    Employment::Pns,
                    &FullName::parse(ASN_NAME).unwrap(),
                    Some(&Nip::parse(ASN_NIP, today).unwrap()),
                    &UnitCode::parse("setda").unwrap(),
                    chrono::Utc::now(),
                )?;
                users::set_role(c, ADMIN_ID, Role::Admin)?;
                Ok(())
            })
            .unwrap();
        matrix
    }

    fn lang_of(&self, u: &TestUser) -> Lang {
        self.app
            .store()
            .with(|c| users::get(c, u.id))
            .unwrap()
            .map(|r| r.language)
            .unwrap_or_else(|| Lang::from_telegram(u.language_code.as_deref(), Lang::Id))
    }

    fn audit_rows(&self) -> i64 {
        self.app
            .store()
            .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))?))
            .unwrap()
    }

    fn chat_of(u: &TestUser, place: Place) -> i64 {
        match place {
            Place::Private => u.id,
            Place::Group => GROUP,
        }
    }

    fn text_update(&self, u: &TestUser, place: Place, text: &str) -> Value {
        match place {
            Place::Private => self.app.api.text(u, text),
            Place::Group => self.app.api.group_text(u, GROUP, text),
        }
    }

    /// `/batal` from `u` in `place`, and its answer: a fresh message of the bot's to press
    /// buttons on, any dialogue left behind is closed, and (as updates of one chat are
    /// handled in order) everything sent before it is finished.
    async fn sentinel(&self, u: &TestUser, place: Place, mark: usize, seen: usize) -> usize {
        let chat = Self::chat_of(u, place);
        self.app
            .api
            .push_update(self.text_update(u, place, "/batal"));
        let done = |c: &Call| {
            c.method == "sendMessage"
                && c.chat_id() == Some(chat)
                && c.text().is_some_and(|t| {
                    t == Lang::Id.t("reg-cancelled") || t == Lang::En.t("reg-cancelled")
                })
        };
        let deadline = tokio::time::Instant::now() + REPLY_TIMEOUT;
        loop {
            let calls = self.app.api.calls_since(mark);
            let found: Vec<usize> = calls
                .iter()
                .enumerate()
                .filter(|(_, c)| done(c))
                .map(|(i, _)| i)
                .collect();
            if found.len() > seen {
                return mark + found[seen];
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no answer to /batal from {} in {place:?}",
                u.id
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The bot's latest message in the chat, to press a button on.
    fn latest_message(&self, chat: i64) -> (i32, String) {
        let m = self
            .app
            .api
            .messages_to(chat)
            .into_iter()
            .rev()
            .find(|m| !m.deleted)
            .expect("the bot has written in this chat");
        (m.message_id, m.text)
    }

    /// A press on the bot's message `message_id` in `place`. The fake API builds presses in
    /// private chats; a group press is the same update with the group's message in it.
    fn press_update(&self, u: &TestUser, place: Place, message_id: i32, data: &str) -> Value {
        let mut update = self.app.api.callback(u, message_id, data);
        if place == Place::Group {
            let (_, text) = self.latest_message(GROUP);
            let message = &mut update["callback_query"]["message"];
            message["message_id"] = json!(message_id);
            message["chat"] = json!({"id": GROUP, "type": "group", "title": "Test Group"});
            message["text"] = json!(text);
        }
        update
    }

    /// A fresh draft of the HR officer's: its id and the message carrying its buttons.
    async fn hr_draft(&self) -> (i64, i32) {
        let hr = user(Who::Hr, 0);
        self.app
            .say(&hr, "/broadcast Rahasia: rapat pimpinan")
            .await;
        let m = self.app.api.last_message_to(HR_ID).expect("the draft");
        let id = m
            .buttons()
            .iter()
            .find_map(|(_, d)| CallbackData::parse(d)?.broadcast_action())
            .and_then(|a| a.id())
            .expect("the draft has broadcast buttons");
        (id, m.message_id)
    }

    async fn try_one(&mut self, action: &Action, who: Who, place: Place) -> Observed {
        self.next_stranger += 1;
        let u = user(who, self.next_stranger);
        let chat = Self::chat_of(&u, place);

        // What the press needs: a message of the bot's in this chat, and for broadcast
        // buttons a real draft of the HR officer's.
        let mut data = match action {
            Action::Button { data, .. } => Some(data.clone()),
            Action::Command { .. } => None,
        };
        let mut on_message = None;
        if data.is_some() {
            let mark = self.app.api.mark();
            self.sentinel(&u, place, mark, 0).await;
            on_message = Some(self.latest_message(chat).0);
        }
        if let Some(CallbackData::Grant(a)) = &mut data {
            match a {
                GrantAction::Confirm { officer, .. } | GrantAction::Cancel { officer } => {
                    *officer = u.id;
                }
            }
        }
        if let Some(CallbackData::Broadcast(a)) = &data {
            let (id, draft_message) = self.hr_draft().await;
            if who == Who::Hr && place == Place::Private {
                on_message = Some(draft_message);
            }
            data = Some(CallbackData::Broadcast(with_id(a, id)));
        }

        let lang = self.lang_of(&u);
        let audit_before = self.audit_rows();
        let mark = self.app.api.mark();
        let update = match (&data, action) {
            (Some(d), _) => {
                self.press_update(&u, place, on_message.expect("a message"), &d.encode())
            }
            (None, Action::Command { text, .. }) => self.text_update(&u, place, text),
            (None, Action::Button { .. }) => unreachable!("buttons have data"),
        };
        self.app.api.push_update(update);
        let cancels_too =
            matches!(action, Action::Command { name, .. } if name == "batal" || name == "cancel");
        let end = self
            .sentinel(&u, place, mark, usize::from(cancels_too))
            .await;
        let calls: Vec<Call> = self.app.api.calls_since(mark)[..end - mark].to_vec();
        let observed = classify(&calls, chat, u.id, lang);
        Observed {
            audit_rows_added: self.audit_rows() - audit_before,
            ..observed
        }
    }
}

fn with_id(a: &BroadcastAction, id: i64) -> BroadcastAction {
    match a.clone() {
        BroadcastAction::Audience { choice, .. } => BroadcastAction::Audience { id, choice },
        BroadcastAction::Unit { code, .. } => BroadcastAction::Unit { id, code },
        BroadcastAction::UnitPage { page, .. } => BroadcastAction::UnitPage { id, page },
        BroadcastAction::Mandatory { .. } => BroadcastAction::Mandatory { id },
        BroadcastAction::Confirm { .. } => BroadcastAction::Confirm { id },
        BroadcastAction::Discard { .. } => BroadcastAction::Discard { id },
        BroadcastAction::Stop { .. } => BroadcastAction::Stop { id },
        page @ BroadcastAction::ListPage { .. } => page,
    }
}

/// Reads what the bot did between a try and its sentinel.
fn classify(calls: &[Call], chat: i64, caller: i64, lang: Lang) -> Observed {
    let mut texts = Vec::new();
    let mut files = 0;
    let mut elsewhere = Vec::new();
    for c in calls {
        if c.method == "answerCallbackQuery" && c.ok() {
            if let Some(t) = c.str_param("text") {
                texts.push(t.to_owned());
            }
        } else if is_sending(c) {
            let to = c.chat_id().unwrap_or_default();
            let text = c.text().unwrap_or_default().to_owned();
            if to != chat && to != caller {
                elsewhere.push((to, text.clone()));
            }
            if matches!(c.method.as_str(), "sendDocument" | "sendPhoto") {
                files += 1;
            }
            texts.push(text);
        }
    }
    let link = format!("https://t.me/{BOT_USERNAME}?start=ikrar");
    let private_only = [
        lang.t("reports-private-only"),
        lang.t("bc-private-only"),
        lang.t_args("group-use-private", args!["link" => link]),
        lang.t_args(
            "personal-private-only",
            args!["link" => format!("https://t.me/{BOT_USERNAME}")],
        ),
    ];
    let all = |wanted: &dyn Fn(&str) -> bool| !texts.is_empty() && texts.iter().all(|t| wanted(t));
    let outcome = if texts.iter().any(|t| apology(t)) {
        Outcome::Error
    } else if texts.is_empty() && files == 0 {
        Outcome::Silent
    } else if files == 0 && all(&|t| t == lang.t("refused-role")) {
        Outcome::Refused
    } else if files == 0 && all(&|t| private_only.iter().any(|p| p == t)) {
        Outcome::PrivateOnly
    } else if files == 0 && all(&|t| t == lang.t("callback-stale")) {
        Outcome::Stale
    } else {
        Outcome::Served
    };
    Observed {
        outcome,
        texts,
        elsewhere,
        audit_rows_added: 0,
    }
}

/// Runs `actions` through the whole matrix and returns every cell that is not as it should
/// be, as readable lines.
async fn run_matrix(actions: &[Action]) -> Vec<String> {
    let mut matrix = Matrix::new().await;
    let mut problems = Vec::new();
    let mut served: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for action in actions {
        for place in [Place::Private, Place::Group] {
            for who in Who::ALL {
                let known = known_issue(action, who, place);
                let want = known.map_or_else(|| expected(action, who, place), |(now, _)| now);
                let got = matrix.try_one(action, who, place).await;
                let cell = format!("{action} by {who:?} in {place:?}");
                if got.outcome != want {
                    problems.push(format!(
                        "{cell}: expected {want:?}, got {:?} {:?}",
                        got.outcome, got.texts
                    ));
                }
                if !got.elsewhere.is_empty() {
                    problems.push(format!("{cell}: also sent to {:?}", got.elsewhere));
                }
                if got.outcome != Outcome::Served && known.is_none() {
                    // A refusal is one sentence of the caller's language (checked by
                    // `classify`), changes nothing and carries no one's data.
                    if got.audit_rows_added != 0 {
                        problems.push(format!("{cell}: refused, yet audited"));
                    }
                    for t in &got.texts {
                        if t.contains(ASN_NIP) || t.contains(&ASN_NIP[..8]) || t.contains(ASN_NAME)
                        {
                            problems.push(format!("{cell}: refusal shows the ASN's data: {t}"));
                        }
                    }
                    if got.texts.len() > 1 {
                        problems.push(format!("{cell}: {} refusals at once", got.texts.len()));
                    }
                } else {
                    served
                        .entry(action.to_string())
                        .or_default()
                        .push(format!("{who:?}/{place:?}"));
                }
            }
        }
    }
    // Nothing left the building: no broadcast was queued, no role changed.
    let (outbox, roles): (i64, Vec<(i64, Role)>) = matrix
        .app
        .store()
        .with(|c| {
            let outbox = c.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))?;
            let roles = users::with_roles(c)?
                .into_iter()
                .map(|u| (u.id, u.granted_role))
                .collect();
            Ok((outbox, roles))
        })
        .unwrap();
    if outbox != 0 {
        problems.push(format!("{outbox} broadcast messages were queued"));
    }
    if roles
        .iter()
        .any(|(id, role)| *id != ADMIN_ID && *role != Role::Asn)
    {
        problems.push(format!("roles changed: {roles:?}"));
    }
    for (action, who) in &served {
        eprintln!("{action}: served {}", who.join(", "));
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_command_serves_exactly_the_roles_allowed_and_refuses_the_rest_politely() {
    let problems = run_matrix(&every_command()).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_button_serves_exactly_the_roles_allowed_and_refuses_the_rest_politely() {
    let problems = run_matrix(&every_button()).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "known issue: see known_issue() in this file"]
async fn known_issues_are_fixed() {
    let mut actions = every_command();
    actions.extend(every_button());
    let known: Vec<Action> = actions
        .into_iter()
        .filter(|a| {
            Who::ALL.iter().any(|&w| {
                [Place::Private, Place::Group]
                    .iter()
                    .any(|&p| known_issue(a, w, p).is_some())
            })
        })
        .collect();
    let mut matrix = Matrix::new().await;
    let mut problems = Vec::new();
    for action in &known {
        for place in [Place::Private, Place::Group] {
            for who in Who::ALL {
                let Some((_, why)) = known_issue(action, who, place) else {
                    continue;
                };
                let got = matrix.try_one(action, who, place).await;
                let want = expected(action, who, place);
                if got.outcome != want {
                    problems.push(format!("{action} by {who:?} in {place:?}: {why}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
