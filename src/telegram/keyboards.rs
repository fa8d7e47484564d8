//! Inline keyboards, built from locale keys and [`CallbackData`].

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::{CallbackData, MenuAction};
use crate::domain::{Employment, Unit, Units};
use crate::i18n::Lang;

pub fn button(text: impl Into<String>, data: CallbackData) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text, data.encode())
}

pub fn main_menu(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([
        vec![button(
            lang.t("btn-pledge"),
            CallbackData::Menu(MenuAction::Pledge),
        )],
        vec![button(
            lang.t("btn-ask"),
            CallbackData::Menu(MenuAction::Ask),
        )],
        vec![
            button(lang.t("btn-status"), CallbackData::Menu(MenuAction::Status)),
            button(lang.t("btn-lang"), CallbackData::Lang(lang.other())),
        ],
    ])
}

pub fn employment(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(Employment::ALL.map(|e| {
        vec![button(
            lang.t(e.label_key()),
            CallbackData::Employment(e.code().to_owned()),
        )]
    }))
}

pub fn use_name(lang: Lang, name: &str) -> InlineKeyboardMarkup {
    let shown: String = name.chars().take(40).collect();
    InlineKeyboardMarkup::new([[button(
        lang.t_args("btn-use-name", crate::args!["name" => shown]),
        CallbackData::UseTelegramName,
    )]])
}

pub fn skip_nip(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[button(lang.t("btn-skip-nip"), CallbackData::SkipNip)]])
}

pub const UNITS_PER_PAGE: usize = 8;

/// One page of the unit list: a button per unit, then "previous" and "next" where there are
/// more pages. `pick` and `turn` say what the buttons mean, so registration and the
/// broadcast picker share one layout. Returns the rows, the page shown and the page count.
pub fn unit_page(
    lang: Lang,
    units: &Units,
    page: usize,
    pick: impl Fn(&Unit) -> CallbackData,
    turn: impl Fn(usize) -> CallbackData,
) -> (Vec<Vec<InlineKeyboardButton>>, usize, usize) {
    let (slice, pages) = units.page(page, UNITS_PER_PAGE);
    let page = page.min(pages.saturating_sub(1));
    let mut rows: Vec<Vec<InlineKeyboardButton>> = slice
        .iter()
        .map(|u| vec![button(u.name.clone(), pick(u))])
        .collect();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(lang.t("btn-prev"), turn(page - 1)));
    }
    if page + 1 < pages {
        nav.push(button(lang.t("btn-next"), turn(page + 1)));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    (rows, page, pages)
}

/// The registration's unit list; a unit chosen through a deep link is offered first.
pub fn units(
    lang: Lang,
    units: &Units,
    page: usize,
    preselected: Option<&str>,
) -> InlineKeyboardMarkup {
    let pick = |u: &Unit| CallbackData::Unit(u.code.as_str().to_owned());
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    if let Some(unit) = preselected.and_then(|c| units.find(c)) {
        rows.push(vec![button(format!("✅ {}", unit.name), pick(unit))]);
    }
    let (page_rows, _, _) = unit_page(lang, units, page, pick, CallbackData::UnitPage);
    rows.extend(page_rows);
    InlineKeyboardMarkup::new(rows)
}

pub fn pledge(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        button(lang.t("btn-pledge-confirm"), CallbackData::PledgeConfirm),
        button(lang.t("btn-pledge-cancel"), CallbackData::PledgeCancel),
    ]])
}
