//! The keyboards of a draft: audience, unit picker, preview.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::args;
use crate::domain::Unit;
use crate::i18n::Lang;
use crate::store::broadcasts::Broadcast;
use crate::telegram::App;
use crate::telegram::callback::{AudienceChoice, BroadcastAction, CallbackData};
use crate::telegram::keyboards::{button, unit_page};

/// "To whom?" with its buttons: asked for a new draft, and again when a choice is undone.
pub fn audience_question(lang: Lang, id: i64) -> (String, InlineKeyboardMarkup) {
    let choice = |key: &str, choice| {
        vec![button(
            lang.t(key),
            CallbackData::Broadcast(BroadcastAction::Audience { id, choice }),
        )]
    };
    let keyboard = InlineKeyboardMarkup::new([
        choice("btn-bc-all", AudienceChoice::All),
        choice("btn-bc-unpledged", AudienceChoice::Unpledged),
        choice("btn-bc-unit", AudienceChoice::Unit),
        vec![discard_button(lang, id)],
    ]);
    (
        lang.t_args("bc-choose-audience", args!["id" => id]),
        keyboard,
    )
}

pub fn discard_button(lang: Lang, id: i64) -> InlineKeyboardButton {
    button(
        lang.t("btn-bc-discard"),
        CallbackData::Broadcast(BroadcastAction::Discard { id }),
    )
}

/// One page of the unit picker, with its heading.
pub fn unit_question(
    app: &App,
    lang: Lang,
    id: i64,
    page: usize,
) -> (String, InlineKeyboardMarkup) {
    let pick = |u: &Unit| {
        CallbackData::Broadcast(BroadcastAction::Unit {
            id,
            code: u.code.as_str().to_owned(),
        })
    };
    let turn = |page| CallbackData::Broadcast(BroadcastAction::UnitPage { id, page });
    let (mut rows, page, pages) = unit_page(lang, &app.units, page, pick, turn);
    rows.push(vec![discard_button(lang, id)]);
    let heading = lang.t_args(
        "bc-choose-unit",
        args!["page" => page + 1, "pages" => pages],
    );
    (heading, InlineKeyboardMarkup::new(rows))
}

pub fn preview_keyboard(lang: Lang, b: &Broadcast) -> InlineKeyboardMarkup {
    let id = b.id;
    let toggle = if b.mandatory {
        "btn-bc-make-optional"
    } else {
        "btn-bc-make-mandatory"
    };
    InlineKeyboardMarkup::new([
        vec![button(
            lang.t("btn-bc-confirm"),
            CallbackData::Broadcast(BroadcastAction::Confirm { id }),
        )],
        vec![button(
            lang.t(toggle),
            CallbackData::Broadcast(BroadcastAction::Mandatory { id }),
        )],
        vec![
            button(
                lang.t("btn-bc-change-audience"),
                CallbackData::Broadcast(BroadcastAction::Audience {
                    id,
                    choice: AudienceChoice::Again,
                }),
            ),
            discard_button(lang, id),
        ],
    ])
}
