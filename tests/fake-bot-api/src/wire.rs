//! Request decoding: query string, JSON, urlencoded forms and multipart uploads into one
//! JSON object of parameters.

use axum::http::{HeaderMap, Uri, header};
use serde_json::{Map, Value};

type Parsed = (Value, Option<(String, Vec<u8>)>);

pub(crate) fn parse_params(uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<Parsed, String> {
    let mut params = Map::new();
    let mut file = None;
    if let Some(query) = uri.query() {
        for (k, v) in parse_urlencoded(query) {
            let value = coerce(&k, &v);
            params.insert(k, value);
        }
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let lower = content_type.to_ascii_lowercase();
    if body.is_empty() {
        // nothing
    } else if lower.starts_with("multipart/form-data") {
        let boundary =
            header_param(&content_type, "boundary").ok_or("multipart boundary is missing")?;
        for part in parse_multipart(body, &boundary)? {
            match part.filename {
                Some(name) => {
                    if file.is_none() {
                        file = Some((name, part.data));
                    }
                }
                None => {
                    let text = String::from_utf8_lossy(&part.data).into_owned();
                    let value = coerce(&part.name, &text);
                    params.insert(part.name, value);
                }
            }
        }
    } else if lower.starts_with("application/x-www-form-urlencoded") {
        let text = std::str::from_utf8(body).map_err(|_| "body is not UTF-8")?;
        for (k, v) in parse_urlencoded(text) {
            let value = coerce(&k, &v);
            params.insert(k, value);
        }
    } else {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("can't parse JSON: {e}"))?;
        match value {
            Value::Object(obj) => params.extend(obj),
            Value::Null => {}
            _ => return Err("request body must be a JSON object".into()),
        }
    }
    Ok((Value::Object(params), file))
}

/// Form / multipart values are strings; parse the structured ones so `params` looks the same
/// whatever the encoding. Free-text fields stay strings.
fn coerce(key: &str, raw: &str) -> Value {
    const TEXT_FIELDS: &[&str] = &[
        "text",
        "caption",
        "data",
        "callback_query_id",
        "parse_mode",
        "file_name",
        "file_id",
        "description",
        "short_description",
        "name",
        "title",
        "url",
        "emoji",
        "language_code",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "photo",
        "document",
        "action",
        "secret_token",
    ];
    if TEXT_FIELDS.contains(&key) {
        return Value::String(raw.to_owned());
    }
    match serde_json::from_str::<Value>(raw) {
        Ok(v @ (Value::Number(_) | Value::Bool(_) | Value::Object(_) | Value::Array(_))) => v,
        _ => Value::String(raw.to_owned()),
    }
}

fn parse_urlencoded(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `boundary` from `multipart/form-data; boundary=...` (also `name`, `filename`, `name*`
/// from a `Content-Disposition`).
fn header_param(header_value: &str, name: &str) -> Option<String> {
    let mut rest = header_value;
    // skip the leading token (media type / disposition type)
    let first = rest.find(';')?;
    rest = &rest[first + 1..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let eq = rest.find('=')?;
        let key = rest[..eq].trim().to_ascii_lowercase();
        rest = &rest[eq + 1..];
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            v.push(next);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => v.push(c),
                }
            }
            value = v;
            rest = &quoted[end.min(quoted.len())..];
            rest = rest.find(';').map_or("", |i| &rest[i + 1..]);
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = if end < rest.len() {
                &rest[end + 1..]
            } else {
                ""
            };
        }
        if key == name {
            return Some(value);
        }
        if key == format!("{name}*") {
            // RFC 5987: utf-8''percent-encoded
            let encoded = value.split_once("''").map_or(value.as_str(), |(_, v)| v);
            return Some(percent_decode(encoded, false));
        }
    }
}

struct Part {
    name: String,
    filename: Option<String>,
    data: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let separator = [b"\r\n".as_slice(), &delimiter].concat();
    let mut pos =
        find(body, &delimiter, 0).ok_or("multipart boundary not found")? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        if body[pos..].starts_with(b"\r\n") {
            pos += 2;
        }
        let head_end = find(body, b"\r\n\r\n", pos).ok_or("malformed multipart part")?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).into_owned();
        let data_start = head_end + 4;
        let data_end = find(body, &separator, data_start).ok_or("unterminated multipart part")?;
        let mut name = None;
        let mut filename = None;
        for line in head.split("\r\n") {
            if line
                .to_ascii_lowercase()
                .starts_with("content-disposition:")
            {
                name = header_param(line, "name");
                filename = header_param(line, "filename");
            }
        }
        parts.push(Part {
            name: name.unwrap_or_default(),
            filename,
            data: body[data_start..data_end].to_vec(),
        });
        pos = data_end + separator.len();
        if pos >= body.len() {
            break;
        }
    }
    Ok(parts)
}
