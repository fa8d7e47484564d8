//! Hostile inputs and the list of every parser that reads what a user typed, shared by the
//! quick property tests (`tests/hostile_input.rs`) and the million-input run
//! (`benches/fuzz.rs`), so both exercise exactly the same parsers with the same inputs.
#![allow(dead_code)]

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use teloxide::utils::command::BotCommands;

use netralitas_bot::domain::broadcast::{Audience, BroadcastText, parse_schedule};
use netralitas_bot::domain::{Employment, FullName, Nip, PledgeText, Role, UnitCode, Units};
use netralitas_bot::i18n::Lang;
use netralitas_bot::knowledge::{Matcher, RuleId, Topic};
use netralitas_bot::reports::export::{self, BOM, ExportSpec};
use netralitas_bot::store::{Store, StoreError, users};
use netralitas_bot::telegram::callback::CallbackData;
use netralitas_bot::telegram::commands::{AdminCommand, Command, HrCommand};
use netralitas_bot::app::roles::parse_target;

/// Characters that break naive text handling: bidi overrides and isolates, zero-width
/// joiners and spaces, a byte-order mark, combining marks, control characters, Unicode
/// spaces and line separators, non-ASCII digits, multi-byte letters of the scripts Indonesian
/// names are written in, emoji (with skin tones and ZWJ sequences), and the characters our
/// own formats use as separators (`|`, `:`, `,`, `"`, `#`, `@`, `/`, `=`).
pub const NASTY: &[char] = &[
    '\u{0}',
    '\u{7}',
    '\u{8}',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{c}',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{ad}',
    '\u{300}',
    '\u{301}',
    '\u{34f}',
    '\u{61c}',
    '\u{200b}',
    '\u{200c}',
    '\u{200d}',
    '\u{200e}',
    '\u{200f}',
    '\u{2028}',
    '\u{2029}',
    '\u{202a}',
    '\u{202b}',
    '\u{202c}',
    '\u{202d}',
    '\u{202e}',
    '\u{2060}',
    '\u{2066}',
    '\u{2067}',
    '\u{2068}',
    '\u{2069}',
    '\u{3000}',
    '\u{feff}',
    '\u{fffd}',
    '\u{ffff}',
    '\u{10ffff}',
    '٠',
    '١',
    '٩',
    '۵',
    '０',
    '９',
    '𝟗',
    '½',
    'ا',
    'ل',
    'ع',
    'ب',
    'ي',
    'ة',
    'ה',
    'ש',
    'ꦗ',
    'ꦮ',
    'ꦺ',
    '᮱',
    'é',
    'ß',
    'İ',
    'ı',
    'ﬁ',
    'Σ',
    'ς',
    '👩',
    '👧',
    '🏽',
    '🇮',
    '🇩',
    '🙂',
    '🗳',
    '\u{fe0f}',
    '\u{e0067}',
    '|',
    ':',
    ',',
    ';',
    '"',
    '\'',
    '#',
    '@',
    '/',
    '\\',
    '=',
    '+',
    '-',
    '_',
    '.',
    '<',
    '>',
    '&',
    '%',
    '*',
    '?',
    '!',
    ' ',
];

/// Words that reach deeper into the parsers than random letters do: command names, the
/// callback prefixes, unit codes, dates, and the vocabulary of the knowledge base.
pub const WORDS: &[&str] = &[
    "1|",
    "1|b:",
    "1|f:1:",
    "1|u:",
    "1|up:",
    "1|t:",
    "1|r:",
    "1|e:",
    "1|l:",
    "1|rm:",
    "1|m:",
    "b:a:",
    ":ok",
    ":unit",
    "pns",
    "pppk",
    "nonasn",
    "dinkes",
    "disdik",
    "unit_",
    "@sari_bkpsdm",
    "/start",
    "/broadcast_at",
    "/grant_hr",
    "/export",
    "/tanya",
    "@netralitas_test_bot",
    "2020-12-08",
    "07:00",
    "24:00",
    "2020-02-30",
    "9999-99-99",
    "-1",
    "0",
    "18446744073709551616",
    "9223372036854775807",
    "198503122010011002",
    "boleh",
    "saya",
    "like",
    "postingan",
    "paslon",
    "kampanye",
    "ASN",
    "can",
    "I",
    "share",
    "foto",
    "kandidat",
    "?",
    "apakah",
    "pilkada",
    "=HYPERLINK(\"http://x.id\",\"Klik\")",
    "=cmd|' /C calc'!A0",
    "'; DROP TABLE users; --",
    "<b>",
    "</i>",
    "&amp;",
    "{ $name }",
    "%s%n",
    "\r\n",
    "\"\"",
    "👩‍👩‍👧‍👦",
    "\u{202e}gnp.exe",
];

/// One hostile character: mostly from [`NASTY`], sometimes any scalar value at all.
pub fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(NASTY),
        2 => prop::char::range('a', 'z'),
        1 => prop::char::range('0', '9'),
        1 => any::<char>(),
    ]
}

/// A short hostile string: characters and words glued together.
pub fn nasty_string() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => nasty_char().prop_map(String::from),
            1 => prop::sample::select(WORDS).prop_map(str::to_owned),
        ],
        0..48,
    )
    .prop_map(|parts| parts.concat())
}

/// Any hostile text: short, arbitrary, or very long (a pasted essay, up to ~60,000 bytes).
pub fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => nasty_string(),
        2 => any::<String>(),
        1 => (nasty_string(), 1..400usize).prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// Telegram's callback data: at most 64 bytes, often built on a real prefix.
pub fn callback_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => nasty_string(),
        3 => (prop::sample::select(WORDS), nasty_string()).prop_map(|(w, s)| format!("{w}{s}")),
        2 => (prop::sample::select(&["1|b:", "1|f:", "1|"][..]), prop::sample::select(WORDS),
              prop::sample::select(WORDS), nasty_string())
            .prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
    ]
    .prop_map(|s| cut_bytes(&s, 64))
}

/// The longest prefix of `s` within `max` bytes that ends on a character boundary.
pub fn cut_bytes(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// The clock every parser is run against (a date before Pilkada 2020).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 11, 1).expect("a real date")
}

pub fn now() -> DateTime<Utc> {
    today().and_hms_opt(3, 0, 0).expect("a real time").and_utc()
}

/// Longest an echoed or normalised piece of input may come back, in characters.
pub const ECHO_CHARS: usize = 40;

/// What the parsers need besides the input, built once: the matcher takes tens of
/// milliseconds to build and the unit list is the shipped sample.
pub struct Parsers {
    pub matcher: Matcher,
    pub units: Units,
    pub dir: tempfile::TempDir,
}

/// The name of each parser [`Parsers::feed`] runs, in order, for reports.
pub const PARSER_NAMES: &[&str] = &[
    "Nip::parse",
    "FullName::parse",
    "UnitCode::parse / Units::find / Units::page",
    "Units::parse_csv",
    "PledgeText::load",
    "CallbackData::parse (+ Lang, Employment, Role, Topic, RuleId)",
    "Command / AdminCommand / HrCommand::parse",
    "parse_schedule (/broadcast_at) + BroadcastText::parse",
    "parse_target (/grant_hr, /revoke_hr, /grant_admin, /revoke_admin)",
    "Audience::parse",
    "Matcher::classify / top / explain",
];

/// Where the pledge file is written for each input: memory when the system offers it, so a
/// million loads measure the loader and not the disk.
fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let in_memory = shm
        .is_dir()
        .then(|| tempfile::tempdir_in(shm).ok())
        .flatten();
    in_memory.unwrap_or_else(|| tempfile::tempdir().expect("temp dir"))
}

impl Parsers {
    pub fn new() -> Parsers {
        Parsers {
            matcher: Matcher::new(),
            units: Units::sample(),
            dir: scratch_dir(),
        }
    }

    /// Runs parser number `which` (an index into [`PARSER_NAMES`]) on `input` and checks
    /// the invariants that hold for every input. Panics (the failure being looked for)
    /// when a parser panics or breaks an invariant.
    pub fn feed(&self, which: usize, input: &str) {
        match which {
            0 => check_nip(input),
            1 => check_name(input),
            2 => check_unit_code(&self.units, input),
            3 => check_units_csv(input),
            4 => check_pledge_file(self.dir.path(), input.as_bytes()),
            5 => check_callback(&cut_bytes(input, 64)),
            6 => check_commands(input),
            7 => check_schedule(input),
            8 => check_target(input),
            9 => {
                let _ = Audience::parse(input);
            }
            10 => check_matcher(&self.matcher, input),
            _ => unreachable!("no parser number {which}"),
        }
    }
}

impl Default for Parsers {
    fn default() -> Self {
        Parsers::new()
    }
}

pub fn check_nip(input: &str) {
    if let Ok(nip) = Nip::parse(input, today()) {
        let s = nip.as_str();
        assert!(
            s.len() == 18 && s.bytes().all(|b| b.is_ascii_digit()),
            "{s}"
        );
        // The printed form parses back to the same NIP, as typed or as stored.
        assert_eq!(Nip::parse(s, today()).as_ref(), Ok(&nip));
        assert_eq!(Nip::try_from(s.to_owned()).as_ref(), Ok(&nip));
        // Logs and screens never show the middle digits.
        assert!(!format!("{nip:?}").contains(s));
        assert!(!nip.masked().contains(&s[4..14]));
    }
}

pub fn check_name(input: &str) {
    if let Ok(name) = FullName::parse(input) {
        let s = name.as_str();
        let chars = s.chars().count();
        assert!((1..=FullName::MAX_CHARS).contains(&chars), "{chars}");
        assert!(!s.chars().any(char::is_control), "{s:?}");
        assert!(s.chars().any(char::is_alphabetic), "{s:?}");
    }
}

pub fn check_unit_code(units: &Units, input: &str) {
    if let Some(code) = UnitCode::parse(input) {
        let s = code.as_str();
        assert!((1..=24).contains(&s.len()), "{s}");
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'),
            "{s}"
        );
        assert_eq!(UnitCode::parse(s).as_ref(), Some(&code));
    }
    if let Some(unit) = units.find(input) {
        assert_eq!(units.get(&unit.code), Some(unit));
    }
    // A forged page number from a button: any page shows a real page.
    let page = input.len().wrapping_mul(2_654_435_761);
    let (shown, pages) = units.page(page, 8);
    assert!(!shown.is_empty() && pages >= 1 && shown.len() <= 8);
}

pub fn check_units_csv(input: &str) {
    if let Ok(units) = Units::parse_csv(input) {
        let all = units.all();
        assert!(!all.is_empty());
        for (i, u) in all.iter().enumerate() {
            assert!(!u.name.is_empty());
            assert_eq!(UnitCode::parse(u.code.as_str()).as_ref(), Some(&u.code));
            assert!(all[..i].iter().all(|v| v.code != u.code), "duplicate code");
        }
    }
}

/// Writes `bytes` as the pledge file and loads it.
pub fn check_pledge_file(dir: &Path, bytes: &[u8]) {
    let path = dir.join("ikrar.txt");
    std::fs::write(&path, bytes).expect("write the pledge file");
    match PledgeText::load(Some(&path)) {
        Ok(text) => {
            let shown = text.render(Lang::Id, "Pilkada");
            let raw = std::str::from_utf8(bytes).expect("only UTF-8 loads");
            assert_eq!(shown, raw.trim());
            assert!(!shown.is_empty() && shown.chars().count() <= 3500);
            assert_eq!(text.render(Lang::En, "x"), shown);
        }
        Err(e) => {
            // The message names the file, never repeats its text.
            assert!(e.contains("ikrar.txt"), "{e}");
            assert!(e.len() < 200 + path.as_os_str().len(), "{e}");
        }
    }
}

pub fn check_callback(data: &str) {
    if let Some(cb) = CallbackData::parse(data) {
        // What a button carries is what it would be written as: encoding the parsed value
        // gives a payload within Telegram's 64 bytes that parses to the same value.
        let again = cb.encode();
        assert!(again.len() <= 64, "{again}");
        assert_eq!(CallbackData::parse(&again).as_ref(), Some(&cb), "{data:?}");
        // The handlers read the argument of a few kinds again; none of those panics.
        match &cb {
            CallbackData::Employment(e) => {
                let _ = Employment::parse(e);
            }
            CallbackData::Topic(t) => {
                let _ = t.parse::<Topic>();
            }
            CallbackData::Rule(r) | CallbackData::Feedback { rule: r, .. } => {
                let _ = RuleId::parse(r);
            }
            _ => {}
        }
    }
    let _ = data.parse::<Lang>();
    let _ = Role::parse(data);
}

pub fn check_commands(input: &str) {
    for text in [
        input.to_owned(),
        format!("/start {input}"),
        format!("/grant_hr {input}"),
        format!("/broadcast_at {input}"),
        format!("/export@netralitas_test_bot {input}"),
        format!("/{input}"),
    ] {
        let _ = Command::parse(&text, "netralitas_test_bot");
        let _ = AdminCommand::parse(&text, "netralitas_test_bot");
        let _ = HrCommand::parse(&text, "netralitas_test_bot");
    }
}

pub fn check_schedule(input: &str) {
    for tz in [chrono_tz::Asia::Jakarta, chrono_tz::Asia::Jayapura] {
        if let Ok((at, offset)) = parse_schedule(input, tz, now()) {
            assert!(at > now());
            // The handler slices the message at this offset: it must be a boundary.
            assert!(input.is_char_boundary(offset), "{input:?} at {offset}");
            let rest = &input[offset..];
            assert_eq!(rest, rest.trim_start());
        }
    }
    if let Ok(text) = BroadcastText::parse(input) {
        assert!(text.as_str().encode_utf16().count() <= 4096);
        assert!(!text.as_str().trim().is_empty());
    }
}

pub fn check_target(input: &str) {
    use netralitas_bot::app::roles::{Refusal, Target};
    match parse_target(input) {
        Ok(Target::Id(id)) => assert!(id > 0),
        Ok(Target::Username(name)) => {
            assert!((3..=32).contains(&name.len()), "{name}");
            assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        }
        Err(Refusal::NotAUser(echo)) => assert!(echo.chars().count() <= ECHO_CHARS, "{echo}"),
        Err(Refusal::Usage) => assert!(input.trim().is_empty()),
        Err(other) => panic!("parse_target only refuses the syntax, got {other:?}"),
    }
}

pub fn check_matcher(matcher: &Matcher, input: &str) {
    let m = matcher.classify(input);
    assert!(
        m.score.is_finite() && (0.0..=1.0).contains(&m.score),
        "{}",
        m.score
    );
    assert_eq!(m.rule.is_some(), m.verdict.is_some());
    let top = matcher.top(input, 3);
    assert!(top.len() <= 3);
    assert!(top.iter().all(|(_, s)| s.is_finite()));
    // The normaliser keeps at most 160 words of at most 32 characters, so what it read
    // stays small whatever was pasted.
    let explained = matcher.explain(input);
    assert!(explained.len() <= 64 * 1024, "{} bytes", explained.len());
}

/// Registers each accepted name and exports the CSV; returns (accepted names, name column).
pub fn export_names(raw: &[String]) -> (Vec<String>, Vec<String>) {
    let store = Store::open_in_memory().unwrap();
    let unit = UnitCode::parse("dinkes").unwrap();
    let names: Vec<FullName> = raw.iter().filter_map(|r| FullName::parse(r).ok()).collect();
    store
        .with(|c| {
            for (i, name) in names.iter().enumerate() {
                let id = i as i64 + 1;
                users::touch(c, id, "tg", None, Lang::Id, Utc::now())?;
                users::register(c, id, Employment::NonAsn, name, None, &unit, Utc::now())?;
            }
            Ok(())
        })
        .unwrap();
    let units = Units::parse_csv("code,name\ndinkes,Dinas Kesehatan\n").unwrap();
    let spec = ExportSpec {
        election: "Pilkada",
        unit: None,
        units: &units,
        tz: chrono_tz::Asia::Jakarta,
        lang: Lang::Id,
    };
    let (bytes, rows) = store
        .with(|c| {
            export::to_bytes(c, spec, &mut |_| {}).map_err(|e| StoreError::Malformed(e.to_string()))
        })
        .unwrap();
    assert_eq!(rows, names.len());
    let body = bytes
        .strip_prefix(BOM)
        .expect("the export starts with a BOM");
    let mut reader = csv::ReaderBuilder::new().from_reader(body);
    let column = reader
        .records()
        .map(|r| r.expect("the export is valid CSV")[0].to_owned())
        .collect();
    (
        names.iter().map(|n| n.as_str().to_owned()).collect(),
        column,
    )
}

/// A spreadsheet runs a cell starting with one of these as a formula.
pub const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

/// Exports `raw` names and checks the CSV reads back to exactly the accepted names, with
/// formula-like names kept as text (a leading apostrophe) and no cell a spreadsheet would run.
pub fn check_export(raw: &[String]) {
    let (names, mut column) = export_names(raw);
    let mut expected: Vec<String> = names
        .iter()
        .map(|n| {
            if n.starts_with(FORMULA_START) {
                format!("'{n}")
            } else {
                n.clone()
            }
        })
        .collect();
    expected.sort();
    column.sort();
    assert_eq!(column, expected);
    for cell in &column {
        assert!(
            !cell.starts_with(FORMULA_START) && !cell.starts_with(['\t', '\r']),
            "{cell:?}"
        );
    }
}
