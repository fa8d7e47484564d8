//! Hostile input: property tests over every parser that reads what a user (or a deployment
//! file) supplies. Each property runs a quick pass under `cargo test`; set `PROPTEST_CASES`
//! to run more cases, and see `benches/fuzz.rs` for the million-input run.
//!
//! `/teach` and `/cek` have no argument parser yet (the commands don't exist), so they are
//! not covered here.

#[path = "hostile/inputs.rs"]
mod inputs;

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, TimeZone};
use proptest::prelude::*;
use proptest::test_runner::Config;
use teloxide::utils::command::BotCommands;

use inputs::{Parsers, callback_text, hostile_text, nasty_string, today};
use netralitas_bot::app::roles::{Target, parse_target};
use netralitas_bot::domain::broadcast::{ScheduleError, parse_schedule};
use netralitas_bot::domain::{FullName, Nip, NipError, Units};
use netralitas_bot::i18n::Lang;
use netralitas_bot::telegram::callback::{
    AudienceChoice, BroadcastAction, CallbackData, MenuAction,
};
use netralitas_bot::telegram::commands::{AdminCommand, HrCommand};

fn parsers() -> &'static Parsers {
    static PARSERS: OnceLock<Parsers> = OnceLock::new();
    PARSERS.get_or_init(Parsers::new)
}

/// `default` cases for a quick `cargo test`, or `PROPTEST_CASES` when it is set.
fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        // Failures are reported with their shrunk input; no regression files in the tree.
        failure_persistence: None,
        ..Config::default()
    }
}

// ---- NIP ------------------------------------------------------------------------------------

/// A real NIP for someone serving on [`today`]: born 17 to 80 years ago, appointed at 17 or
/// later and not in the future, gender 1 or 2, any sequence number.
fn valid_nip() -> impl Strategy<Value = String> {
    (
        1940..=2003i32,
        1..=12u32,
        1..=28u32,
        0..=2u32,
        1..=2u32,
        0..=999u32,
    )
        .prop_flat_map(|(year, month, day, _, gender, seq)| {
            let t = today();
            ((year + 17)..=t.year()).prop_flat_map(move |appt_year| {
                let last_month = if appt_year == t.year() { t.month() } else { 12 };
                (1..=last_month).prop_map(move |appt_month| {
                    format!(
                        "{year:04}{month:02}{day:02}{appt_year:04}{appt_month:02}{gender}{seq:03}"
                    )
                })
            })
        })
}

/// The same digits as people copy them: spaces, dots and dashes anywhere.
fn as_typed(digits: &str) -> impl Strategy<Value = String> + use<> {
    let digits = digits.to_owned();
    prop::collection::vec(
        prop::sample::select(&["", "", "", " ", ".", "-", "\u{a0}", "\t"][..]),
        18,
    )
    .prop_map(move |seps| {
        digits
            .chars()
            .zip(seps)
            .map(|(d, s)| format!("{s}{d}"))
            .collect()
    })
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn nip_parsing_never_panics_and_round_trips(input in hostile_text()) {
        inputs::check_nip(&input);
    }

    #[test]
    fn every_real_nip_parses_however_it_is_typed(
        (digits, typed) in valid_nip().prop_flat_map(|d| (Just(d.clone()), as_typed(&d)))
    ) {
        let nip = Nip::parse(&typed, today());
        prop_assert_eq!(nip.as_ref().map(Nip::as_str), Ok(digits.as_str()));
    }

    #[test]
    fn an_impossible_birth_date_is_refused(
        digits in valid_nip(),
        (month, day) in prop_oneof![
            (Just(0u32), 1..=28u32),
            (13..=99u32, 1..=28u32),
            (1..=12u32, Just(0u32)),
            (1..=12u32, 32..=99u32),
            (Just(2u32), 30..=31u32),
            (prop::sample::select(vec![4u32, 6, 9, 11]), Just(31u32)),
        ],
    ) {
        let forged = format!("{}{month:02}{day:02}{}", &digits[..4], &digits[8..]);
        prop_assert_eq!(Nip::parse(&forged, today()), Err(NipError::BirthDate), "{}", forged);
    }

    #[test]
    fn a_wrong_gender_digit_is_refused(digits in valid_nip(), gender in prop::sample::select(vec!['0', '3', '4', '5', '6', '7', '8', '9'])) {
        let forged = format!("{}{gender}{}", &digits[..14], &digits[15..]);
        prop_assert_eq!(Nip::parse(&forged, today()), Err(NipError::Gender));
    }

    #[test]
    fn a_nip_of_the_wrong_length_says_how_long_it_was(digits in "[0-9]{1,40}") {
        prop_assume!(digits.len() != 18);
        prop_assert_eq!(Nip::parse(&digits, today()), Err(NipError::WrongLength(digits.len())));
    }

    #[test]
    fn digits_of_other_scripts_are_not_digits(
        digits in valid_nip(),
        at in 0..18usize,
        foreign in prop::sample::select(vec!['٠', '١', '۵', '०', '০', '๑', '０', '９', '𝟗', '½', '²']),
    ) {
        let mut forged: Vec<char> = digits.chars().collect();
        forged[at] = foreign;
        let forged: String = forged.into_iter().collect();
        prop_assert_eq!(Nip::parse(&forged, today()), Err(NipError::NotDigits));
    }
}

// ---- Names ----------------------------------------------------------------------------------

/// Names as people write them: words of letters from several scripts, one space apart.
fn plain_name() -> impl Strategy<Value = String> {
    prop::collection::vec(
        "[A-Za-zÀ-ÿ'.]{0,3}[A-Za-zÀ-ÖØ-öø-ÿا-يꦄ-ꦲ][A-Za-zÀ-ÿ'.]{0,8}",
        1..6,
    )
    .prop_map(|words| words.join(" "))
    .prop_filter("within the limit", |n| {
        n.chars().count() <= FullName::MAX_CHARS
    })
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn name_parsing_never_panics_and_stays_bounded(input in hostile_text()) {
        inputs::check_name(&input);
    }

    #[test]
    fn a_plain_name_comes_back_as_written(name in plain_name(), pad in "[ \t\n]{0,3}") {
        let parsed = FullName::parse(&format!("{pad}{name}{pad}")).expect("a plain name parses");
        prop_assert_eq!(parsed.as_str(), name.as_str());
    }

    #[test]
    fn names_over_the_limit_are_refused(name in plain_name(), times in 2..50usize) {
        let long = vec![name; times].join(" ");
        prop_assume!(long.chars().count() > FullName::MAX_CHARS);
        prop_assert!(FullName::parse(&long).is_err());
    }
}

proptest! {
    #![proptest_config(cases(512))]

    /// Fails today: control characters are dropped after whitespace is collapsed, so
    /// "\u{0} Siti" is stored as " Siti" and "Siti \u{7} Rahma" as "Siti  Rahma"; a stored
    /// name then parses to something else. Fix in `FullName::parse`: drop control characters
    /// first, then collapse whitespace.
    #[test]
    #[ignore = "known bug: FullName::parse keeps spaces around dropped control characters"]
    fn a_parsed_name_is_trimmed_single_spaced_and_parses_to_itself(input in hostile_text()) {
        if let Ok(name) = FullName::parse(&input) {
            let s = name.as_str();
            prop_assert_eq!(s, s.trim(), "{:?}", input);
            prop_assert!(!s.contains("  "), "{:?}", input);
            let again = FullName::parse(s);
            prop_assert_eq!(again.as_ref(), Ok(&name));
        }
    }
}

// ---- Unit codes and the units file ---------------------------------------------------------

fn unit_code() -> impl Strategy<Value = String> {
    "[a-z0-9_-]{1,24}"
}

/// A unit name as HR might type it in a spreadsheet: commas, quotes, line breaks, `#`,
/// any script; no white space at either end (the loader trims it).
fn unit_name() -> impl Strategy<Value = String> {
    nasty_string().prop_filter_map("a visible name", |s| {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_owned())
    })
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn unit_code_lookup_never_panics(input in hostile_text()) {
        inputs::check_unit_code(&parsers().units, &input);
    }

    #[test]
    fn any_page_number_shows_a_real_page(page in any::<usize>(), per_page in 1..50usize) {
        let units = &parsers().units;
        let (shown, pages) = units.page(page, per_page);
        prop_assert!(!shown.is_empty() && shown.len() <= per_page);
        prop_assert_eq!(pages, units.all().len().div_ceil(per_page));
    }

    #[test]
    fn the_units_loader_never_panics_on_any_text(input in hostile_text()) {
        inputs::check_units_csv(&input);
    }

    #[test]
    fn the_units_loader_never_panics_on_csv_shaped_text(
        lines in prop::collection::vec(
            (prop_oneof![unit_code(), nasty_string()], nasty_string(), prop_oneof![
                Just(String::new()), "[0-9]{1,12}", nasty_string()
            ]),
            0..12,
        ),
    ) {
        let mut text = String::from("code,name,headcount\n");
        for (code, name, headcount) in lines {
            text.push_str(&format!("{code},{name},{headcount}\n"));
        }
        inputs::check_units_csv(&text);
    }

    #[test]
    fn a_units_file_written_by_a_csv_writer_loads_back_the_same(
        units in prop::collection::btree_map(unit_code(), (unit_name(), any::<Option<u32>>()), 1..20),
    ) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["code", "name", "headcount"]).unwrap();
        for (code, (name, headcount)) in &units {
            let count = headcount.map(|h| h.to_string()).unwrap_or_default();
            w.write_record([code.as_str(), name.as_str(), count.as_str()]).unwrap();
        }
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let loaded = Units::parse_csv(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let back: Vec<(String, String, Option<u32>)> = loaded
            .all()
            .iter()
            .map(|u| (u.code.as_str().to_owned(), u.name.clone(), u.headcount))
            .collect();
        let expected: Vec<(String, String, Option<u32>)> = units
            .into_iter()
            .map(|(c, (n, h))| (c, n, h))
            .collect();
        prop_assert_eq!(back, expected);
    }
}

// ---- The pledge text file -------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn the_pledge_file_loader_never_panics_on_any_text(input in hostile_text()) {
        inputs::check_pledge_file(parsers().dir.path(), input.as_bytes());
    }

    #[test]
    fn the_pledge_file_loader_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..5000)) {
        let dir = tempfile::tempdir().unwrap();
        inputs::check_pledge_file(dir.path(), &bytes);
    }

    #[test]
    fn a_pledge_file_over_3500_characters_is_refused(s in nasty_string(), times in 1..400usize) {
        let text = format!("x{}x", s.repeat(times));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ikrar.txt");
        std::fs::write(&path, &text).unwrap();
        let loaded = netralitas_bot::domain::PledgeText::load(Some(&path));
        prop_assert_eq!(loaded.is_ok(), text.trim().chars().count() <= 3500);
    }
}

// ---- Callback data --------------------------------------------------------------------------

/// A free-text button argument: 1 to 48 bytes of anything.
fn button_arg(max: usize) -> impl Strategy<Value = String> {
    nasty_string()
        .prop_map(move |s| inputs::cut_bytes(&s, max))
        .prop_filter("not empty", |s| !s.is_empty())
}

fn broadcast_action() -> impl Strategy<Value = BroadcastAction> {
    let id = 1..=i64::MAX;
    prop_oneof![
        (
            id.clone(),
            prop::sample::select(vec![
                AudienceChoice::All,
                AudienceChoice::Unpledged,
                AudienceChoice::Unit,
                AudienceChoice::Again,
            ])
        )
            .prop_map(|(id, choice)| BroadcastAction::Audience { id, choice }),
        (id.clone(), button_arg(24)).prop_map(|(id, code)| BroadcastAction::Unit { id, code }),
        (id.clone(), 0..1000usize).prop_map(|(id, page)| BroadcastAction::UnitPage { id, page }),
        id.clone().prop_map(|id| BroadcastAction::Mandatory { id }),
        id.clone().prop_map(|id| BroadcastAction::Confirm { id }),
        id.clone().prop_map(|id| BroadcastAction::Discard { id }),
        id.prop_map(|id| BroadcastAction::Stop { id }),
        (0..100_000usize).prop_map(|page| BroadcastAction::ListPage { page }),
    ]
}

/// Every kind of button payload with any argument it can carry.
fn callback_data() -> impl Strategy<Value = CallbackData> {
    prop_oneof![
        prop::sample::select(vec![
            CallbackData::Menu(MenuAction::Pledge),
            CallbackData::Menu(MenuAction::Ask),
            CallbackData::Menu(MenuAction::Status),
            CallbackData::Lang(Lang::Id),
            CallbackData::Lang(Lang::En),
            CallbackData::UseTelegramName,
            CallbackData::SkipNip,
            CallbackData::PledgeConfirm,
            CallbackData::PledgeCancel,
            CallbackData::Topics,
            CallbackData::Reminders { mute: true },
            CallbackData::Reminders { mute: false },
        ]),
        button_arg(48).prop_map(CallbackData::Employment),
        button_arg(48).prop_map(CallbackData::Unit),
        (0..1000usize).prop_map(CallbackData::UnitPage),
        button_arg(48).prop_map(CallbackData::Topic),
        button_arg(48).prop_map(CallbackData::Rule),
        (button_arg(48), any::<bool>())
            .prop_map(|(rule, helpful)| CallbackData::Feedback { rule, helpful }),
        broadcast_action().prop_map(CallbackData::Broadcast),
    ]
}

proptest! {
    #![proptest_config(cases(1024))]

    #[test]
    fn forged_callback_data_never_panics_and_reparses_to_itself(data in callback_text()) {
        inputs::check_callback(&data);
    }

    #[test]
    fn every_button_payload_fits_64_bytes_and_round_trips(cb in callback_data()) {
        let data = cb.encode();
        prop_assert!(data.len() <= 64, "{}", data);
        prop_assert_eq!(CallbackData::parse(&data), Some(cb));
    }

    #[test]
    fn a_payload_of_another_version_is_stale(cb in callback_data(), version in "[02-9]|1[0-9]|") {
        let data = cb.encode();
        let forged = format!("{version}{}", &data[1..]);
        prop_assert_eq!(CallbackData::parse(&forged), None, "{}", forged);
    }
}

// ---- Command arguments ----------------------------------------------------------------------

/// A date and time after `now` in the deployment's zone, as typed.
fn future_schedule() -> impl Strategy<Value = (NaiveDate, u32, u32)> {
    (0..2000i64, 0..24u32, 0..60u32)
        .prop_map(|(days, h, m)| (today() + chrono::Duration::days(days + 1), h, m))
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn command_parsing_never_panics(input in hostile_text()) {
        inputs::check_commands(&input);
    }

    #[test]
    fn schedule_and_broadcast_text_parsing_never_panics(input in hostile_text()) {
        inputs::check_schedule(&input);
    }

    #[test]
    fn a_future_schedule_keeps_the_text_after_it(
        (day, h, m) in future_schedule(),
        lead in "[ \t\n]{0,3}",
        gap in "[ \t\n\u{a0}\u{3000}]{1,3}",
        text in hostile_text(),
    ) {
        let tz = chrono_tz::Asia::Jakarta;
        let args = format!("{lead}{} {h:02}:{m:02}{gap}{text}", day.format("%Y-%m-%d"));
        let (at, offset) = parse_schedule(&args, tz, inputs::now())
            .map_err(|e| TestCaseError::fail(format!("{e:?} for {args:?}")))?;
        let local = tz.from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap()).earliest().unwrap();
        prop_assert_eq!(at, local.with_timezone(&chrono::Utc));
        prop_assert_eq!(&args[offset..], text.trim_start());
    }

    #[test]
    fn a_past_schedule_is_refused_as_past(days in 0..5000i64, text in nasty_string()) {
        let day = today() - chrono::Duration::days(days + 1);
        let args = format!("{} 07:00 {text}", day.format("%Y-%m-%d"));
        prop_assert_eq!(
            parse_schedule(&args, chrono_tz::Asia::Jakarta, inputs::now()),
            Err(ScheduleError::InPast)
        );
    }

    #[test]
    fn role_targets_never_panic_and_echo_little(input in hostile_text()) {
        inputs::check_target(&input);
    }

    #[test]
    fn ids_and_usernames_round_trip_as_targets(id in 1..=i64::MAX, name in "[A-Za-z0-9_]{3,32}", pad in "[ \t]{0,3}") {
        prop_assert_eq!(parse_target(&format!("{pad}{id}{pad}")), Ok(Target::Id(id)));
        prop_assert_eq!(parse_target(&format!("{pad}@{name}{pad}")), Ok(Target::Username(name)));
    }

    #[test]
    fn command_arguments_reach_the_handler_whole(arg in "[^\\s/@][^\\n]{0,60}") {
        let arg = arg.trim_end().to_owned();
        prop_assert_eq!(
            AdminCommand::parse(&format!("/grant_hr {arg}"), "netralitas_test_bot").ok(),
            Some(AdminCommand::GrantHr(arg.clone()))
        );
        prop_assert_eq!(
            HrCommand::parse(&format!("/broadcast_at {arg}"), "netralitas_test_bot").ok(),
            Some(HrCommand::BroadcastAt(arg))
        );
    }
}

// ---- The matcher and its normaliser ---------------------------------------------------------

/// Right-to-left text, emoji sequences, zero-width joiners and control characters woven
/// into a real question.
fn disguised_question() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "bolehkah saya like postingan paslon di facebook?",
            "can I attend a campaign rally on my day off?",
            "apakah ASN boleh foto bersama calon bupati",
        ]),
        prop::collection::vec(prop::sample::select(inputs::NASTY), 0..40),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(q, noise, at)| {
            let mut chars: Vec<char> = q.chars().collect();
            for c in noise {
                let i = at.index(chars.len() + 1);
                chars.insert(i, c);
            }
            chars.into_iter().collect()
        })
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn the_matcher_never_panics_and_its_scores_stay_in_range(input in hostile_text()) {
        inputs::check_matcher(&parsers().matcher, &input);
    }

    #[test]
    fn disguised_questions_are_classified_like_any_text(input in disguised_question()) {
        inputs::check_matcher(&parsers().matcher, &input);
        let m = parsers().matcher.classify(&input);
        prop_assert_eq!(parsers().matcher.classify(&input), m, "classifying is deterministic");
    }
}

#[test]
fn a_pasted_megabyte_is_classified_quickly() {
    let matcher = &parsers().matcher;
    for unit in [
        "boleh like postingan paslon? ",
        "\u{202e}ك\u{200d}👩\u{200d}👩\u{200d}👧",
        "x",
        "\u{0}\u{7}\u{1b}[0m",
    ] {
        let text = unit.repeat(1_000_000 / unit.len());
        let started = std::time::Instant::now();
        inputs::check_matcher(matcher, &text);
        // The normaliser reads only the last 160 words, so the size of a paste costs a scan,
        // not a stemming of every word. Generous for a debug build on a busy machine.
        let took = started.elapsed();
        assert!(took.as_secs() < 30, "{} bytes took {took:?}", text.len());
    }
}

// ---- CSV export of arbitrary names ----------------------------------------------------------

/// Names a spreadsheet would run as a formula, in every shape we could think of.
fn formula_name() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!['=', '+', '-', '@']),
        nasty_string(),
    )
        .prop_map(|(c, s)| format!("{c}A{s}"))
}

proptest! {
    #![proptest_config(cases(48))]

    #[test]
    fn exported_names_read_back_as_registered_and_formulas_stay_text(
        raw in prop::collection::vec(prop_oneof![3 => hostile_text(), 1 => formula_name()], 1..12),
    ) {
        inputs::check_export(&raw);
    }
}

// ---- Every parser at once -------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(256))]

    /// The same loop the million-input run uses, so the two can't drift apart.
    #[test]
    fn every_parser_survives_the_same_input(input in hostile_text()) {
        for which in 0..inputs::PARSER_NAMES.len() {
            parsers().feed(which, &input);
        }
    }
}
