//! User-facing text lives in `locales/<lang>/*.ftl`; Rust code only names keys.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use serde::{Deserialize, Serialize};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "id",
        // Telegram clients show Unicode isolation marks as boxes on some phones.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ID: LanguageIdentifier = langid!("id");
static EN: LanguageIdentifier = langid!("en");

/// The two languages the bot speaks. Indonesian is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The language of a stored `code()`: the one enum-string convention of the crate
    /// (`code` out, `parse` back). `FromStr` is for what people type in configuration.
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Maps a Telegram `language_code` ("en", "en-GB", "id", "jv", ...) to a bot language:
    /// English speakers get English, everyone else the deployment default.
    pub fn from_telegram(code: Option<&str>, default: Lang) -> Lang {
        match code {
            Some(c) if c.to_ascii_lowercase().starts_with("en") => Lang::En,
            Some(c) if c.to_ascii_lowercase().starts_with("id") => Lang::Id,
            _ => default,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    /// Looks up a message without arguments.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.langid(), key)
    }

    /// Whether this language defines `key` (menus check their derived keys with it).
    pub fn has(self, key: &str) -> bool {
        LOCALES.try_lookup(self.langid(), key).is_some()
    }

    /// Looks up a message with named arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.to_fluent()))
            .collect();
        LOCALES.lookup_with_args(self.langid(), key, &map)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "ind" | "indonesian" | "bahasa" => Ok(Lang::Id),
            "en" | "eng" | "english" => Ok(Lang::En),
            other => Err(format!("unknown language '{other}', expected 'id' or 'en'")),
        }
    }
}

/// A message argument: text or a number (numbers get Fluent's plural rules).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Num(f64),
}

impl Arg {
    fn to_fluent(&self) -> FluentValue<'static> {
        match self {
            Arg::Text(s) => FluentValue::from(s.clone()),
            Arg::Num(n) => FluentValue::from(*n),
        }
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n as f64)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Num(n as f64)
    }
}
impl From<f64> for Arg {
    fn from(n: f64) -> Self {
        Arg::Num(n)
    }
}

/// Builds an argument list: `args!["name" => user.name, "count" => 3]`.
#[macro_export]
macro_rules! args {
    ($($k:literal => $v:expr),* $(,)?) => {
        &[$(($k, $crate::i18n::Arg::from($v))),*]
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_language_codes_map_to_bot_languages() {
        assert_eq!(Lang::from_telegram(Some("en-GB"), Lang::Id), Lang::En);
        assert_eq!(Lang::from_telegram(Some("id"), Lang::En), Lang::Id);
        assert_eq!(Lang::from_telegram(Some("jv"), Lang::Id), Lang::Id);
        assert_eq!(Lang::from_telegram(None, Lang::En), Lang::En);
    }

    fn message_ids(lang: Lang) -> std::collections::BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang.code());
        let mut ids = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "ftl") {
                for line in std::fs::read_to_string(&path).unwrap().lines() {
                    if let Some((id, _)) = line.split_once(" =")
                        && !id.is_empty()
                        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    {
                        ids.insert(id.to_owned());
                    }
                }
            }
        }
        ids
    }

    #[test]
    fn both_languages_define_the_same_messages() {
        let id = message_ids(Lang::Id);
        let en = message_ids(Lang::En);
        let only_id: Vec<_> = id.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&id).collect();
        assert!(only_id.is_empty(), "missing in en: {only_id:?}");
        assert!(only_en.is_empty(), "missing in id: {only_en:?}");
        assert!(id.len() >= 2);
    }

    #[test]
    fn arguments_are_substituted() {
        assert_eq!(
            Lang::En.t_args("start-greeting", args!["name" => "Sari"]),
            "Hello, Sari! 👋"
        );
    }
}
