//! Callback data: the only place button payloads are written and read.
//!
//! Telegram caps callback data at 64 bytes and any client can forge it, so every payload is
//! short, versioned, parsed into this enum here, and re-checked against the caller's state
//! and role by the handler that receives it.

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
            _ => return None,
        })
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
        ];
        for cb in all {
            let data = cb.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(CallbackData::parse(&data), Some(cb));
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
        ] {
            assert_eq!(CallbackData::parse(bad), None, "{bad}");
        }
    }
}
