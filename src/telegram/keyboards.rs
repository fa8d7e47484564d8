//! Inline keyboards, built from locale keys and [`CallbackData`].

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::{CallbackData, MenuAction};
use crate::domain::{Employment, Units};
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

/// One page of the unit list; a unit chosen through a deep link is offered first.
pub fn units(
    lang: Lang,
    units: &Units,
    page: usize,
    preselected: Option<&str>,
) -> InlineKeyboardMarkup {
    let (slice, pages) = units.page(page, UNITS_PER_PAGE);
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    if let Some(unit) = preselected.and_then(|c| units.find(c)) {
        rows.push(vec![button(
            format!("✅ {}", unit.name),
            CallbackData::Unit(unit.code.as_str().to_owned()),
        )]);
    }
    rows.extend(slice.iter().map(|u| {
        vec![button(
            u.name.clone(),
            CallbackData::Unit(u.code.as_str().to_owned()),
        )]
    }));
    let page = page.min(pages - 1);
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(lang.t("btn-prev"), CallbackData::UnitPage(page - 1)));
    }
    if page + 1 < pages {
        nav.push(button(lang.t("btn-next"), CallbackData::UnitPage(page + 1)));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    InlineKeyboardMarkup::new(rows)
}

pub fn pledge(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        button(lang.t("btn-pledge-confirm"), CallbackData::PledgeConfirm),
        button(lang.t("btn-pledge-cancel"), CallbackData::PledgeCancel),
    ]])
}
