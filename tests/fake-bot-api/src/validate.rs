//! Strict mode: what Telegram rejects in texts, captions, HTML and inline keyboards.

use serde_json::Value;

use crate::error::ApiErr;

/// The words of a send or an edit (its text or caption), their parse mode and the keyboard,
/// as the request gives them.
pub(crate) struct Content {
    pub(crate) words: String,
    pub(crate) parse_mode: Option<String>,
    pub(crate) markup: Option<Value>,
}

impl Content {
    /// Reads `field` ("text" or "caption"), and in strict mode refuses what Telegram would:
    /// words that fail `check_words` and a malformed keyboard.
    pub(crate) fn read(
        p: &Value,
        field: &str,
        strict: bool,
        check_words: impl FnOnce(&str, Option<&str>) -> Result<(), ApiErr>,
    ) -> Result<Content, ApiErr> {
        let content = Content {
            words: p
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            parse_mode: p
                .get("parse_mode")
                .and_then(Value::as_str)
                .map(str::to_owned),
            markup: crate::json::reply_markup_param(p),
        };
        if strict {
            check_words(&content.words, content.parse_mode.as_deref())?;
            check_markup(content.markup.as_ref())?;
        }
        Ok(content)
    }
}

pub(crate) const MAX_TEXT: usize = 4096;
pub(crate) const MAX_CAPTION: usize = 1024;

/// Captions may be empty; a non-empty one follows the text rules with its own limit.
pub(crate) fn check_caption(caption: &str, parse_mode: Option<&str>) -> Result<(), ApiErr> {
    if caption.is_empty() {
        return Ok(());
    }
    check_text(
        caption,
        parse_mode,
        MAX_CAPTION,
        "message caption is too long",
    )
}

pub(crate) fn check_text(
    text: &str,
    parse_mode: Option<&str>,
    max: usize,
    too_long: &str,
) -> Result<(), ApiErr> {
    let visible = match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        Some("html") => html_visible_len(text)
            .map_err(|e| ApiErr::bad(&format!("can't parse entities: {e}")))?,
        _ => text.chars().count(),
    };
    if text.trim().is_empty() || visible == 0 {
        return Err(ApiErr::bad("message text is empty"));
    }
    if visible > max {
        return Err(ApiErr::bad(too_long));
    }
    Ok(())
}

pub(crate) fn check_markup(markup: Option<&Value>) -> Result<(), ApiErr> {
    let Some(rows) = markup
        .and_then(|m| m.get("inline_keyboard"))
        .and_then(Value::as_array)
    else {
        return Ok(());
    };
    const KINDS: &[&str] = &[
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ];
    for button in rows.iter().filter_map(Value::as_array).flatten() {
        if let Some(data) = button.get("callback_data") {
            let len = data.as_str().map_or(0, str::len);
            if !(1..=64).contains(&len) {
                return Err(ApiErr::bad("BUTTON_DATA_INVALID"));
            }
        } else if !KINDS.iter().any(|k| button.get(*k).is_some()) {
            return Err(ApiErr::bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            ));
        }
    }
    Ok(())
}

/// Validates Telegram's HTML subset like the Bot API does and returns the visible length.
fn html_visible_len(s: &str) -> Result<usize, String> {
    const TAGS: &[&str] = &[
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    ];
    let bytes = s.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut visible = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let begin = i;
                if bytes.get(i + 1) == Some(&b'/') {
                    let Some(expected) = stack.pop() else {
                        return Err(format!("Unexpected end tag at byte offset {begin}"));
                    };
                    let mut j = i + 2;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    let name = s[i + 2..j].to_ascii_lowercase();
                    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j >= bytes.len() || bytes[j] != b'>' {
                        return Err(format!("Unclosed end tag at byte offset {begin}"));
                    }
                    if !name.is_empty() && name != expected {
                        return Err(format!(
                            "Unmatched end tag at byte offset {begin}, expected \"</{expected}>\", found \"</{name}>\""
                        ));
                    }
                    i = j + 1;
                } else {
                    let mut j = i + 1;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    if j >= bytes.len() {
                        return Err(format!("Unclosed start tag at byte offset {begin}"));
                    }
                    let name = s[i + 1..j].to_ascii_lowercase();
                    if !TAGS.contains(&name.as_str()) {
                        return Err(format!(
                            "Unsupported start tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    // attributes, possibly quoted
                    let mut quote: Option<u8> = None;
                    while j < bytes.len() {
                        match (quote, bytes[j]) {
                            (None, b'>') => break,
                            (None, q @ (b'"' | b'\'')) => quote = Some(q),
                            (Some(q), c) if c == q => quote = None,
                            _ => {}
                        }
                        j += 1;
                    }
                    if j >= bytes.len() {
                        return Err(format!("Unclosed start tag at byte offset {begin}"));
                    }
                    let attrs = &s[i + 1 + name.len()..j];
                    if name == "span" && !attrs.contains("tg-spoiler") {
                        return Err("Tag \"span\" must have class \"tg-spoiler\"".to_owned());
                    }
                    stack.push(name);
                    i = j + 1;
                }
            }
            b'&' => {
                // &lt; &gt; &amp; &quot; and numeric entities count as one character;
                // anything else is a literal '&'.
                let rest = &s[i..];
                let entity_len = rest.find(';').filter(|&end| end <= 10).filter(|&end| {
                    let body = &rest[1..end];
                    matches!(body, "lt" | "gt" | "amp" | "quot")
                        || body.strip_prefix('#').is_some_and(|n| {
                            n.strip_prefix(['x', 'X']).map_or_else(
                                || !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()),
                                |h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()),
                            )
                        })
                });
                visible += 1;
                i += entity_len.map_or(1, |end| end + 1);
            }
            b => {
                // count characters, not bytes
                if b & 0xC0 != 0x80 {
                    visible += 1;
                }
                i += 1;
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{open}\""
        ));
    }
    Ok(visible)
}
