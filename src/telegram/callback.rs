//! Callback data: the only place button payloads are written and read.
//!
//! Telegram caps callback data at 64 bytes and any client can forge it, so every payload is
//! short, versioned, parsed into this enum here, and re-checked against the caller's state
//! and role by the handler that receives it.

use crate::domain::Role;

/// Bumped when the format changes; buttons from an older format parse as `None` (stale).
const VERSION: &str = "1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackData {
    /// Main menu buttons under /start.
    Menu(MenuAction),
    /// Switch the interface language.
    Lang(crate::i18n::Lang),
    /// Registration step 1: employment type code.
    Employment(String),
    /// Registration step 2: use the Telegram display name.
    UseTelegramName,
    /// Registration step 3: no NIP (PPPK and non-ASN only).
    SkipNip,
    /// Registration step 4: a unit code, or a page of the unit list.
    Unit(String),
    UnitPage(usize),
    /// The pledge buttons.
    PledgeConfirm,
    PledgeCancel,
    /// Q&A: show a topic's rules, show a rule, rate an answer.
    Topics,
    Topic(String),
    Rule(String),
    Feedback {
        rule: String,
        helpful: bool,
    },
    /// Two-stage fallback: the asker picks an offered rule, or says none fits. `question` is
    /// the stored question's id (0 when it was not stored).
    Pick {
        question: i64,
        rule: String,
    },
    NoneFits(i64),
    /// Admin teaching from /unanswered (role re-checked when pressed).
    Teach(TeachAction),
    /// HR broadcast buttons (role re-checked in the schema when pressed).
    Broadcast(BroadcastAction),
    /// /pengingat: mute (true) or unmute the optional reminders.
    Reminders {
        mute: bool,
    },
    /// /dataku erasure, naming whose data it is (re-checked against the presser).
    Erase {
        step: EraseStep,
        user: i64,
    },
    /// The confirmation of a role grant (role and officer re-checked when pressed).
    Grant(GrantAction),
}

/// The buttons under a role grant's preview. Both name the officer who asked: only they
/// may answer it, and only while they still hold the role that may grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantAction {
    Confirm {
        role: Role,
        target: i64,
        officer: i64,
    },
    Cancel {
        officer: i64,
    },
}

impl GrantAction {
    pub fn officer(self) -> i64 {
        match self {
            GrantAction::Confirm { officer, .. } | GrantAction::Cancel { officer } => officer,
        }
    }

    fn encode(self) -> String {
        match self {
            GrantAction::Confirm {
                role,
                target,
                officer,
            } => {
                let r = if role == Role::Admin { "a" } else { "h" };
                format!("ok:{r}:{target}:{officer}")
            }
            GrantAction::Cancel { officer } => format!("no:{officer}"),
        }
    }

    fn parse(s: &str) -> Option<GrantAction> {
        let id = |x: &str| x.parse::<i64>().ok().filter(|id| *id > 0);
        let parts: Vec<&str> = s.split(':').collect();
        Some(match parts.as_slice() {
            ["ok", r, target, officer] => GrantAction::Confirm {
                role: match *r {
                    "a" => Role::Admin,
                    "h" => Role::Hr,
                    _ => return None,
                },
                target: id(target)?,
                officer: id(officer)?,
            },
            ["no", officer] => GrantAction::Cancel {
                officer: id(officer)?,
            },
            _ => return None,
        })
    }
}

/// The erasure buttons: ask for confirmation, then yes or no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EraseStep {
    Ask,
    Yes,
    No,
}

/// A button of the broadcast flow, always naming the broadcast it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BroadcastAction {
    Audience {
        id: i64,
        choice: AudienceChoice,
    },
    Unit {
        id: i64,
        code: String,
    },
    UnitPage {
        id: i64,
        page: usize,
    },
    Mandatory {
        id: i64,
    },
    Confirm {
        id: i64,
    },
    Discard {
        id: i64,
    },
    /// Cancel a scheduled or running broadcast (from /broadcasts or the progress message).
    Stop {
        id: i64,
    },
    /// Another page of /broadcasts (names no broadcast).
    ListPage {
        page: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudienceChoice {
    All,
    Unpledged,
    /// Opens the unit list.
    Unit,
    /// Back to the audience buttons.
    Again,
}

impl BroadcastAction {
    /// The broadcast the button names; `None` for a list page.
    pub fn id(&self) -> Option<i64> {
        Some(match self {
            BroadcastAction::Audience { id, .. }
            | BroadcastAction::Unit { id, .. }
            | BroadcastAction::UnitPage { id, .. }
            | BroadcastAction::Mandatory { id }
            | BroadcastAction::Confirm { id }
            | BroadcastAction::Discard { id }
            | BroadcastAction::Stop { id } => *id,
            BroadcastAction::ListPage { .. } => return None,
        })
    }

    fn encode(&self) -> String {
        match self {
            BroadcastAction::Audience { id, choice } => {
                let c = match choice {
                    AudienceChoice::All => "all",
                    AudienceChoice::Unpledged => "unp",
                    AudienceChoice::Unit => "unit",
                    AudienceChoice::Again => "re",
                };
                format!("a:{id}:{c}")
            }
            BroadcastAction::Unit { id, code } => format!("u:{id}:{code}"),
            BroadcastAction::UnitPage { id, page } => format!("up:{id}:{page}"),
            BroadcastAction::Mandatory { id } => format!("m:{id}"),
            BroadcastAction::Confirm { id } => format!("ok:{id}"),
            BroadcastAction::Discard { id } => format!("no:{id}"),
            BroadcastAction::Stop { id } => format!("x:{id}"),
            BroadcastAction::ListPage { page } => format!("l:{page}"),
        }
    }

    fn parse(s: &str) -> Option<BroadcastAction> {
        let mut parts = s.splitn(3, ':');
        let op = parts.next()?;
        if op == "l" {
            let page = parts.next()?.parse().ok().filter(|p| *p < 100_000)?;
            return parts
                .next()
                .is_none()
                .then_some(BroadcastAction::ListPage { page });
        }
        let id: i64 = parts.next()?.parse().ok().filter(|id| *id > 0)?;
        let arg = parts.next();
        Some(match (op, arg) {
            ("a", Some(c)) => BroadcastAction::Audience {
                id,
                choice: match c {
                    "all" => AudienceChoice::All,
                    "unp" => AudienceChoice::Unpledged,
                    "unit" => AudienceChoice::Unit,
                    "re" => AudienceChoice::Again,
                    _ => return None,
                },
            },
            ("u", Some(code)) if !code.is_empty() && code.len() <= 24 => BroadcastAction::Unit {
                id,
                code: code.to_owned(),
            },
            ("up", Some(p)) => BroadcastAction::UnitPage {
                id,
                page: p.parse().ok().filter(|p| *p < 1000)?,
            },
            ("m", None) => BroadcastAction::Mandatory { id },
            ("ok", None) => BroadcastAction::Confirm { id },
            ("no", None) => BroadcastAction::Discard { id },
            ("x", None) => BroadcastAction::Stop { id },
            _ => return None,
        })
    }
}

/// A teaching button: each names the stored question it is about, or the page of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeachAction {
    /// Show the topics to pick the rule from.
    Start {
        question: i64,
    },
    Topic {
        question: i64,
        topic: String,
    },
    Rule {
        question: i64,
        rule: String,
    },
    OffTopic {
        question: i64,
    },
    /// Another page of /unanswered.
    Page {
        page: usize,
    },
}

impl TeachAction {
    fn encode(&self) -> String {
        match self {
            TeachAction::Start { question } => format!("s:{question}"),
            TeachAction::Topic { question, topic } => format!("t:{question}:{topic}"),
            TeachAction::Rule { question, rule } => format!("r:{question}:{rule}"),
            TeachAction::OffTopic { question } => format!("o:{question}"),
            TeachAction::Page { page } => format!("p:{page}"),
        }
    }

    fn parse(s: &str) -> Option<TeachAction> {
        if let Some(page) = s.strip_prefix("p:") {
            let page = page.parse().ok().filter(|p| *p < 1000)?;
            return Some(TeachAction::Page { page });
        }
        let mut parts = s.splitn(3, ':');
        let op = parts.next()?;
        let question = question_id(parts.next()?)?;
        let arg = parts.next();
        let name = |a: &str| (!a.is_empty() && a.len() <= 36).then(|| a.to_owned());
        Some(match (op, arg) {
            ("s", None) => TeachAction::Start { question },
            ("t", Some(t)) => TeachAction::Topic {
                question,
                topic: name(t)?,
            },
            ("r", Some(r)) => TeachAction::Rule {
                question,
                rule: name(r)?,
            },
            ("o", None) => TeachAction::OffTopic { question },
            _ => return None,
        })
    }
}

/// A stored question's id from a button: positive, or 0 for "not stored" where allowed.
fn question_id(s: &str) -> Option<i64> {
    s.parse().ok().filter(|id| *id >= 0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuAction {
    Pledge,
    Ask,
    Status,
}

impl CallbackData {
    pub fn encode(&self) -> String {
        let body = match self {
            CallbackData::Menu(MenuAction::Pledge) => "m:p".to_owned(),
            CallbackData::Menu(MenuAction::Ask) => "m:a".to_owned(),
            CallbackData::Menu(MenuAction::Status) => "m:s".to_owned(),
            CallbackData::Lang(l) => format!("l:{}", l.code()),
            CallbackData::Employment(e) => format!("e:{e}"),
            CallbackData::UseTelegramName => "n".to_owned(),
            CallbackData::SkipNip => "k".to_owned(),
            CallbackData::Unit(code) => format!("u:{code}"),
            CallbackData::UnitPage(p) => format!("up:{p}"),
            CallbackData::PledgeConfirm => "p:ok".to_owned(),
            CallbackData::PledgeCancel => "p:no".to_owned(),
            CallbackData::Topics => "t".to_owned(),
            CallbackData::Topic(t) => format!("t:{t}"),
            CallbackData::Rule(r) => format!("r:{r}"),
            CallbackData::Feedback { rule, helpful } => {
                format!("f:{}:{rule}", if *helpful { 1 } else { 0 })
            }
            CallbackData::Pick { question, rule } => format!("c:{question}:{rule}"),
            CallbackData::NoneFits(question) => format!("c0:{question}"),
            CallbackData::Teach(action) => format!("tc:{}", action.encode()),
            CallbackData::Broadcast(action) => format!("b:{}", action.encode()),
            CallbackData::Reminders { mute } => format!("rm:{}", if *mute { 1 } else { 0 }),
            CallbackData::Erase { step, user } => {
                let s = match step {
                    EraseStep::Ask => "ask",
                    EraseStep::Yes => "yes",
                    EraseStep::No => "no",
                };
                format!("d:{s}:{user}")
            }
            CallbackData::Grant(action) => format!("g:{}", action.encode()),
        };
        let data = format!("{VERSION}|{body}");
        debug_assert!(
            data.len() <= 64,
            "callback data over Telegram's 64 bytes: {data}"
        );
        data
    }

    /// Parses untrusted callback data; anything unknown or malformed is `None`.
    pub fn parse(data: &str) -> Option<CallbackData> {
        let body = data.strip_prefix(VERSION)?.strip_prefix('|')?;
        let (kind, arg) = match body.split_once(':') {
            Some((k, a)) => (k, Some(a)),
            None => (body, None),
        };
        let short = |a: &str| (!a.is_empty() && a.len() <= 48).then(|| a.to_owned());
        Some(match (kind, arg) {
            ("m", Some("p")) => CallbackData::Menu(MenuAction::Pledge),
            ("m", Some("a")) => CallbackData::Menu(MenuAction::Ask),
            ("m", Some("s")) => CallbackData::Menu(MenuAction::Status),
            ("l", Some(l)) => CallbackData::Lang(l.parse().ok()?),
            ("e", Some(e)) => CallbackData::Employment(short(e)?),
            ("n", None) => CallbackData::UseTelegramName,
            ("k", None) => CallbackData::SkipNip,
            ("u", Some(u)) => CallbackData::Unit(short(u)?),
            ("up", Some(p)) => CallbackData::UnitPage(p.parse().ok().filter(|p| *p < 1000)?),
            ("p", Some("ok")) => CallbackData::PledgeConfirm,
            ("p", Some("no")) => CallbackData::PledgeCancel,
            ("t", None) => CallbackData::Topics,
            ("t", Some(t)) => CallbackData::Topic(short(t)?),
            ("r", Some(r)) => CallbackData::Rule(short(r)?),
            ("f", Some(rest)) => {
                let (flag, rule) = rest.split_once(':')?;
                let helpful = match flag {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                };
                CallbackData::Feedback {
                    rule: short(rule)?,
                    helpful,
                }
            }
            ("c", Some(rest)) => {
                let (question, rule) = rest.split_once(':')?;
                CallbackData::Pick {
                    question: question_id(question)?,
                    rule: (!rule.is_empty() && rule.len() <= 36).then(|| rule.to_owned())?,
                }
            }
            ("c0", Some(q)) => CallbackData::NoneFits(question_id(q)?),
            ("tc", Some(rest)) => CallbackData::Teach(TeachAction::parse(rest)?),
            ("b", Some(rest)) => CallbackData::Broadcast(BroadcastAction::parse(rest)?),
            ("rm", Some("1")) => CallbackData::Reminders { mute: true },
            ("rm", Some("0")) => CallbackData::Reminders { mute: false },
            ("d", Some(rest)) => {
                let (step, user) = rest.split_once(':')?;
                CallbackData::Erase {
                    step: match step {
                        "ask" => EraseStep::Ask,
                        "yes" => EraseStep::Yes,
                        "no" => EraseStep::No,
                        _ => return None,
                    },
                    user: user.parse().ok().filter(|u| *u > 0)?,
                }
            }
            ("g", Some(rest)) => CallbackData::Grant(GrantAction::parse(rest)?),
            _ => return None,
        })
    }

    /// The broadcast button this is, if any: the schema gates these by role.
    pub fn broadcast_action(&self) -> Option<BroadcastAction> {
        match self {
            CallbackData::Broadcast(a) => Some(a.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_payload_round_trips_within_64_bytes() {
        let all = [
            CallbackData::Menu(MenuAction::Pledge),
            CallbackData::Menu(MenuAction::Ask),
            CallbackData::Menu(MenuAction::Status),
            CallbackData::Lang(Lang::En),
            CallbackData::Employment("pppk".into()),
            CallbackData::UseTelegramName,
            CallbackData::SkipNip,
            CallbackData::Unit("disdukcapil".into()),
            CallbackData::UnitPage(3),
            CallbackData::PledgeConfirm,
            CallbackData::PledgeCancel,
            CallbackData::Topics,
            CallbackData::Topic("social_media".into()),
            CallbackData::Rule("socmed_like_comment_share".into()),
            CallbackData::Feedback {
                rule: "receive_campaign_content".into(),
                helpful: false,
            },
            CallbackData::Reminders { mute: true },
            CallbackData::Reminders { mute: false },
            CallbackData::Pick {
                question: i64::MAX,
                rule: "x".repeat(36),
            },
            CallbackData::NoneFits(i64::MAX),
            CallbackData::NoneFits(0),
            CallbackData::Teach(TeachAction::Start { question: i64::MAX }),
            CallbackData::Teach(TeachAction::Topic {
                question: i64::MAX,
                topic: "x".repeat(36),
            }),
            CallbackData::Teach(TeachAction::Rule {
                question: i64::MAX,
                rule: "x".repeat(36),
            }),
            CallbackData::Teach(TeachAction::OffTopic { question: i64::MAX }),
            CallbackData::Teach(TeachAction::Page { page: 999 }),
            CallbackData::Erase {
                step: EraseStep::Ask,
                user: i64::MAX,
            },
            CallbackData::Erase {
                step: EraseStep::Yes,
                user: 1,
            },
            CallbackData::Erase {
                step: EraseStep::No,
                user: 42,
            },
            CallbackData::Grant(GrantAction::Confirm {
                role: Role::Admin,
                target: i64::MAX,
                officer: i64::MAX,
            }),
            CallbackData::Grant(GrantAction::Confirm {
                role: Role::Hr,
                target: 1,
                officer: 2,
            }),
            CallbackData::Grant(GrantAction::Cancel { officer: i64::MAX }),
        ];
        for cb in all {
            let data = cb.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(CallbackData::parse(&data), Some(cb));
        }
    }

    #[test]
    fn broadcast_buttons_round_trip_within_64_bytes() {
        let id = i64::MAX;
        let all = [
            BroadcastAction::Audience {
                id,
                choice: AudienceChoice::All,
            },
            BroadcastAction::Audience {
                id,
                choice: AudienceChoice::Unpledged,
            },
            BroadcastAction::Audience {
                id,
                choice: AudienceChoice::Unit,
            },
            BroadcastAction::Audience {
                id,
                choice: AudienceChoice::Again,
            },
            BroadcastAction::Unit {
                id,
                code: "x".repeat(24),
            },
            BroadcastAction::UnitPage { id, page: 999 },
            BroadcastAction::Mandatory { id },
            BroadcastAction::Confirm { id },
            BroadcastAction::Discard { id },
            BroadcastAction::Stop { id },
            BroadcastAction::ListPage { page: 99_999 },
            BroadcastAction::ListPage { page: 0 },
        ];
        for a in all {
            let cb = CallbackData::Broadcast(a);
            let data = cb.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(CallbackData::parse(&data), Some(cb));
        }
        for bad in [
            "1|b:ok",
            "1|b:ok:0",
            "1|b:ok:-3",
            "1|b:ok:1:2",
            "1|b:a:1:everyone",
            "1|b:u:1:",
            "1|b:up:1:5000",
            "1|b:zz:1",
            "1|b:l:-1",
            "1|b:l:100000",
            "1|b:l:1:2",
            "1|rm:2",
            "1|d:yes:0",
            "1|d:yes:-1",
            "1|d:maybe:1",
            "1|d:yes",
        ] {
            assert_eq!(CallbackData::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn forged_or_stale_payloads_are_rejected() {
        for bad in [
            "",
            "p:ok",
            "0|p:ok",
            "1|",
            "1|p:maybe",
            "1|up:-1",
            "1|up:99999",
            "1|f:2:x",
            "1|l:fr",
            "1|u:",
            "1|zz",
            "1|'; DROP TABLE pledges; --",
            "1|c:-1:vote_at_tps",
            "1|c:1:",
            "1|c0:x",
            "1|tc:s:-5",
            "1|tc:r:1",
            "1|tc:o:1:2",
            "1|tc:zz:1",
            "1|tc:p:5000",
            "1|tc:p:-1",
            "1|g:ok:o:1:2",
            "1|g:ok:h:0:2",
            "1|g:ok:h:1",
            "1|g:ok:h:1:2:3",
            "1|g:no:-4",
            "1|g:no",
        ] {
            assert_eq!(CallbackData::parse(bad), None, "{bad}");
        }
    }
}
