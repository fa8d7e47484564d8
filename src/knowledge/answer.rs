//! An answer as the user reads it: verdict mark, the one-line answer, explanation, legal basis and
//! sanction, in plain text (CLI) or Telegram HTML split into messages.

use chrono::{Datelike, NaiveDate};

use crate::args;
use crate::i18n::Lang;

use super::check::{ELECTION_DATE, PLACEHOLDERS};
use super::kb::{RuleId, Verdict, kb};

/// Telegram refuses longer messages (counted in UTF-16 code units).
pub const TELEGRAM_LIMIT: usize = 4096;

/// The election the bot is configured for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionFacts {
    pub name: String,
    pub date: NaiveDate,
}

/// A rendered-to-text answer, not yet escaped or formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub lang: Lang,
    /// `None` for the polite refusal of an out-of-scope question.
    pub rule: Option<RuleId>,
    /// "✅ Boleh", "❌ Dilarang", ... or the refusal's heading.
    pub heading: String,
    pub title: Option<String>,
    /// The one-line answer with placeholders filled.
    pub summary: String,
    /// Labelled paragraphs: explanation, legal basis, sanction (left out when the KB has none).
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Empty for a paragraph without a label.
    pub label: String,
    pub body: String,
}

impl Answer {
    /// The answer of a rule, counting the days to the election from `today` (the date in the
    /// bot's configured time zone, which the caller knows).
    pub fn for_rule(id: RuleId, lang: Lang, facts: &ElectionFacts, today: NaiveDate) -> Answer {
        let rule = kb().rule(id, lang);
        let mut summary = rule.text.answer.clone();
        if id.as_str() == ELECTION_DATE || summary.contains('{') {
            summary = summary
                .replace(PLACEHOLDERS[0], &facts.name)
                .replace(PLACEHOLDERS[1], &format_date(lang, facts.date, today));
        }
        let mut sections = vec![
            Section {
                label: lang.t("kb-label-explanation"),
                body: rule.text.explanation.clone(),
            },
            Section {
                label: lang.t("kb-label-legal-basis"),
                body: rule.text.legal_basis.clone(),
            },
        ];
        if let Some(s) = &rule.text.sanction {
            sections.push(Section {
                label: lang.t("kb-label-sanction"),
                body: s.clone(),
            });
        }
        Answer {
            lang,
            rule: Some(id),
            heading: verdict_mark(lang, rule.verdict),
            title: Some(rule.text.title.clone()),
            summary,
            sections,
        }
    }

    /// The polite refusal for a question outside the bot's scope: says so, and points to the
    /// helpdesk and to the agency's HR unit.
    pub fn declined(lang: Lang, helpdesk: &str) -> Answer {
        let helpdesk = helpdesk.trim();
        let mut sections = vec![Section {
            label: String::new(),
            body: lang.t("kb-declined-hr"),
        }];
        if !helpdesk.is_empty() {
            sections.push(Section {
                label: String::new(),
                body: lang.t_args("kb-declined-helpdesk", args!["contact" => helpdesk]),
            });
        }
        Answer {
            lang,
            rule: None,
            heading: lang.t("kb-declined-heading"),
            title: None,
            summary: lang.t("kb-declined-body"),
            sections,
        }
    }

    fn paragraphs(&self) -> Vec<Paragraph<'_>> {
        let mut out = vec![
            Paragraph::Heading {
                mark: &self.heading,
                title: self.title.as_deref(),
            },
            Paragraph::Text(&self.summary),
        ];
        for s in &self.sections {
            out.push(if s.label.is_empty() {
                Paragraph::Text(&s.body)
            } else {
                Paragraph::Labelled {
                    label: &s.label,
                    body: &s.body,
                }
            });
        }
        out
    }
}

enum Paragraph<'a> {
    Heading {
        mark: &'a str,
        title: Option<&'a str>,
    },
    Text(&'a str),
    Labelled {
        label: &'a str,
        body: &'a str,
    },
}

/// "✅ Boleh", "❌ Forbidden", ...: the first thing a reader sees.
pub fn verdict_mark(lang: Lang, verdict: Verdict) -> String {
    lang.t(match verdict {
        Verdict::Allowed => "kb-verdict-allowed",
        Verdict::Forbidden => "kb-verdict-forbidden",
        Verdict::Conditional => "kb-verdict-conditional",
        Verdict::Info => "kb-verdict-info",
    })
}

/// "Rabu, 9 Desember 2020 (45 hari lagi)" / "Wednesday, 9 December 2020 (in 45 days)".
pub fn format_date(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    let weekday = lang.t(&format!(
        "kb-weekday-{}",
        date.weekday().number_from_monday()
    ));
    let month = lang.t(&format!("kb-month-{}", date.month()));
    let formatted = lang.t_args(
        "kb-date",
        args![
            "weekday" => weekday,
            "day" => date.day().to_string(),
            "month" => month,
            "year" => date.year().to_string(),
        ],
    );
    let days = (date - today).num_days();
    let relative = match days {
        0 => lang.t("kb-date-today"),
        d if d > 0 => lang.t_args("kb-date-days-left", args!["days" => d]),
        _ => lang.t("kb-date-past"),
    };
    format!("{formatted} ({relative})")
}

/// The answer as plain text, for the CLI and logs.
pub fn render_plain(answer: &Answer) -> String {
    answer
        .paragraphs()
        .into_iter()
        .map(|p| match p {
            Paragraph::Heading { mark, title: None } => mark.to_owned(),
            Paragraph::Heading {
                mark,
                title: Some(t),
            } => format!("{mark} · {t}"),
            Paragraph::Text(t) => t.to_owned(),
            Paragraph::Labelled { label, body } => format!("{label}: {body}"),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The answer as Telegram HTML messages, each within [`TELEGRAM_LIMIT`]. Every piece of knowledge
/// base text is escaped; labels are bold; messages break between paragraphs, never inside a tag.
pub fn render_html(answer: &Answer) -> Vec<String> {
    let paragraphs: Vec<String> = answer
        .paragraphs()
        .into_iter()
        .map(|p| match p {
            Paragraph::Heading { mark, title: None } => format!("<b>{}</b>", escape_html(mark)),
            Paragraph::Heading {
                mark,
                title: Some(t),
            } => format!("<b>{}</b> · <b>{}</b>", escape_html(mark), escape_html(t)),
            Paragraph::Text(t) => escape_html(t),
            Paragraph::Labelled { label, body } => {
                format!("<b>{}:</b> {}", escape_html(label), escape_html(body))
            }
        })
        .collect();
    split_messages(&paragraphs, TELEGRAM_LIMIT)
}

/// Escapes the three characters Telegram's HTML parse mode requires.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Packs paragraphs into messages of at most `limit` UTF-16 units, separated by blank lines. A
/// paragraph longer than a message is cut at spaces outside tags (or, failing that, anywhere
/// outside a tag or an entity).
pub(crate) fn split_messages(paragraphs: &[String], limit: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for p in paragraphs.iter().flat_map(|p| cut_paragraph(p, limit)) {
        let sep = if current.is_empty() { 0 } else { 2 };
        if !current.is_empty() && units(&current) + sep + units(&p) > limit {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push_str("\n\n");
        }
        current.push_str(&p);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Cuts one paragraph into pieces that fit. Each piece closes the tags it opened and the next
/// reopens them, so every message is valid HTML on its own.
fn cut_paragraph(p: &str, limit: usize) -> Vec<String> {
    if units(p) <= limit {
        return vec![p.to_owned()];
    }
    // Room for reopening and closing a bold tag around a cut.
    let budget = limit.saturating_sub(16).max(1);
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < p.len() {
        let (end, open) = cut_point(p, start, budget);
        let mut piece = String::new();
        if bold_open_at(p, start) {
            piece.push_str("<b>");
        }
        piece.push_str(p[start..end].trim());
        if open {
            piece.push_str("</b>");
        }
        pieces.push(piece);
        start = end;
        while p[start..].starts_with(' ') {
            start += 1;
        }
    }
    pieces
}

/// Whether byte `pos` of `p` lies inside a `<b>…</b>` element.
fn bold_open_at(p: &str, pos: usize) -> bool {
    let before = &p[..pos];
    before.matches("<b>").count() > before.matches("</b>").count()
}

/// The end of the piece starting at `start`: the last space outside a tag within `budget` units,
/// or the last safe character boundary. Also tells whether a bold element is left open there.
fn cut_point(p: &str, start: usize, budget: usize) -> (usize, bool) {
    let mut used = if bold_open_at(p, start) { 3 } else { 0 };
    let mut in_tag = false;
    let mut in_entity = false;
    let mut last_space = None;
    let mut last_safe = start;
    for (i, c) in p[start..].char_indices() {
        let at = start + i;
        used += c.len_utf16();
        if used > budget {
            break;
        }
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            '&' => in_entity = true,
            ';' if in_entity => in_entity = false,
            _ => {}
        }
        let next = at + c.len_utf8();
        if !in_tag && !in_entity {
            last_safe = next;
            if c == ' ' {
                last_space = Some(at);
            }
        }
    }
    if used <= budget {
        return (p.len(), false);
    }
    let end = match last_space {
        Some(s) if s > start => s,
        _ if last_safe > start => last_safe,
        // A single tag longer than the budget cannot happen with our own markup; move on anyway.
        _ => start + p[start..].chars().next().map_or(1, char::len_utf8),
    };
    (end, bold_open_at(p, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ElectionFacts {
        ElectionFacts {
            name: "Pilkada Serentak 2020".into(),
            date: NaiveDate::from_ymd_opt(2020, 12, 9).unwrap(),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_are_written_in_the_language_with_the_days_left() {
        let date = day(2020, 12, 9);
        assert_eq!(
            format_date(Lang::Id, date, day(2020, 10, 25)),
            "Rabu, 9 Desember 2020 (45 hari lagi)"
        );
        assert_eq!(
            format_date(Lang::En, date, day(2020, 12, 8)),
            "Wednesday, 9 December 2020 (in 1 day)"
        );
        assert_eq!(
            format_date(Lang::En, date, date),
            "Wednesday, 9 December 2020 (today)"
        );
        assert_eq!(
            format_date(Lang::Id, date, day(2021, 1, 1)),
            "Rabu, 9 Desember 2020 (sudah lewat)"
        );
    }

    #[test]
    fn the_election_date_answer_has_its_placeholders_filled() {
        let id = RuleId::parse("election_date").unwrap();
        let a = Answer::for_rule(id, Lang::Id, &facts(), day(2020, 12, 1));
        assert!(a.summary.contains("Pilkada Serentak 2020"), "{}", a.summary);
        assert!(
            a.summary.contains("Rabu, 9 Desember 2020 (8 hari lagi)"),
            "{}",
            a.summary
        );
        assert!(!a.summary.contains('{'));
        assert!(a.heading.starts_with("ℹ️"));
    }

    #[test]
    fn plain_answers_start_with_the_verdict_and_omit_an_empty_sanction() {
        let vote = RuleId::parse("vote_at_tps").unwrap();
        let text = render_plain(&Answer::for_rule(vote, Lang::Id, &facts(), day(2020, 1, 1)));
        assert!(text.starts_with("✅ Boleh"), "{text}");
        assert!(text.contains("Dasar hukum:"));
        assert!(!text.contains("Sanksi:"));
        let like = RuleId::parse("socmed_like_comment_share").unwrap();
        let text = render_plain(&Answer::for_rule(like, Lang::En, &facts(), day(2020, 1, 1)));
        assert!(text.starts_with("❌ Forbidden"), "{text}");
        assert!(text.contains("Sanction:"));
    }

    #[test]
    fn html_escapes_knowledge_base_text_and_bolds_labels() {
        let a = Answer {
            lang: Lang::En,
            rule: None,
            heading: "❌ Forbidden".into(),
            title: Some("<script>&".into()),
            summary: "a < b & c > d".into(),
            sections: vec![Section {
                label: "Legal basis".into(),
                body: "<b>not bold</b>".into(),
            }],
        };
        let html = render_html(&a);
        assert_eq!(html.len(), 1);
        assert_eq!(
            html[0],
            "<b>❌ Forbidden</b> · <b>&lt;script&gt;&amp;</b>\n\na &lt; b &amp; c &gt; d\n\n\
             <b>Legal basis:</b> &lt;b&gt;not bold&lt;/b&gt;"
        );
    }

    #[test]
    fn the_refusal_points_to_the_helpdesk_and_the_hr_unit() {
        let text = render_plain(&Answer::declined(Lang::Id, "@helpdesk_bkpsdm"));
        assert!(text.contains("@helpdesk_bkpsdm"));
        assert!(text.contains("BKPSDM"));
        let html = render_html(&Answer::declined(Lang::En, "<08-123> & co"));
        assert!(html[0].contains("&lt;08-123&gt; &amp; co"));
        assert!(!render_plain(&Answer::declined(Lang::En, " ")).contains("helpdesk:"));
    }

    fn balanced(s: &str) -> bool {
        s.matches("<b>").count() == s.matches("</b>").count()
    }

    #[test]
    fn long_answers_are_split_between_paragraphs_within_the_limit() {
        let para = |n: usize| format!("<b>Label:</b> {}", "kata ".repeat(n));
        let paragraphs: Vec<String> = (0..5).map(|_| para(300)).collect();
        let msgs = split_messages(&paragraphs, TELEGRAM_LIMIT);
        assert!(msgs.len() >= 2);
        for m in &msgs {
            assert!(units(m) <= TELEGRAM_LIMIT);
            assert!(balanced(m), "{m}");
            assert!(m.starts_with("<b>Label:</b>"));
        }
        assert_eq!(msgs.join("\n\n"), paragraphs.join("\n\n"));
    }

    #[test]
    fn an_oversized_paragraph_is_cut_outside_tags_and_entities() {
        let long = format!("<b>{}</b> {}", "a&amp;b ".repeat(700), "é&lt;".repeat(2000));
        let msgs = split_messages(&[long], TELEGRAM_LIMIT);
        assert!(msgs.len() >= 3);
        for m in &msgs {
            assert!(units(m) <= TELEGRAM_LIMIT, "{}", units(m));
            assert!(balanced(m));
            // No entity cut in half.
            let amps = m.matches('&').count();
            assert_eq!(amps, m.matches("&amp;").count() + m.matches("&lt;").count());
        }
        let one_word = "x".repeat(9000);
        let msgs = split_messages(&[one_word], 4096);
        assert_eq!(msgs.len(), 3);
    }
}
