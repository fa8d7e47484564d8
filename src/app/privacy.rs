//! Trust and privacy: checking a receipt code, the ledger's head, the user's own data and
//! erasing it. Each use case is one store transaction; the store audits the erasure.

use chrono::{DateTime, Utc};

use super::App;
use crate::args;
use crate::domain::receipt;
use crate::i18n::Lang;
use crate::store::ledger::{self, Broken, HeadPost, Verified};
use crate::store::privacy::{self, Erased, UserData};
use crate::store::{StoreError, broadcasts, users};

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    /// The text cannot be a receipt code at all; no lookup was made.
    #[error("not a receipt code")]
    Malformed,
    /// Well formed, but no pledge of this deployment has it.
    #[error("no such receipt")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, PrivacyError>;

/// What anyone may learn from a genuine code: the election, the unit's name, the local date
/// and the initials, never more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenuineReceipt {
    pub code: String,
    pub election: String,
    /// The unit's name, or `None` when the pledger has no unit on record.
    pub unit: Option<String>,
    pub date: chrono::NaiveDate,
    pub initials: Option<String>,
}

/// Whether `raw` is the receipt code of a pledge made in this deployment.
pub async fn check_receipt(app: &App, raw: &str) -> Result<GenuineReceipt> {
    let code = receipt::normalize(raw).ok_or(PrivacyError::Malformed)?;
    let found = app
        .store
        .read(move |c| ledger::check_receipt(c, &code))
        .await?
        .ok_or(PrivacyError::NotFound)?;
    let unit = found.unit_code.map(|code| app.units.name_or_code(&code));
    Ok(GenuineReceipt {
        code: found.receipt_code,
        election: found.election,
        unit,
        date: found
            .confirmed_at
            .with_timezone(&app.config.timezone)
            .date_naive(),
        initials: found.initials,
    })
}

/// The whole chain checked, with its head: what admins are shown and owners get daily.
pub async fn verify_chain(app: &App) -> Result<std::result::Result<Verified, Broken>> {
    // On the reader: the check scans every pledge and must not hold the writer meanwhile.
    Ok(app.store.read(ledger::verify).await?)
}

/// The chain's state in `lang`: what /verify shows and the owners get every day. Rendered
/// here, not in the Telegram layer, because the daily post is queued as finished text.
pub fn chain_text(lang: Lang, checked: &std::result::Result<Verified, Broken>) -> String {
    match checked {
        Ok(v) => lang.t_args(
            "verify-ok",
            args![
                "pledges" => v.pledges,
                "audit" => v.audit_entries,
                "seq" => v.head.seq.to_string(),
                "head" => &v.head.hash,
            ],
        ),
        Err(broken) => lang.t_args(
            "verify-broken",
            args![
                "problem" => lang.t(broken.problem.key()),
                "record" => &broken.record,
            ],
        ),
    }
}

/// The daily chain-head post for `date` (see [`crate::reminders::Schedule::head_post_due`]): each owner in
/// `ADMIN_IDS` gets the verified head once a day in their private chat, queued in the
/// outbox. The chain is verified only when a post is missing (after a restart, the day's
/// posts may be queued already). Returns how many posts were queued.
pub async fn post_chain_head(app: &App, date: chrono::NaiveDate) -> Result<usize> {
    let now = app.now();
    let election = app.config.election_name.clone();
    let key = move |owner: i64| format!("{election}|{date}|chain-head|{owner}");
    let owners = app.config.admin_ids.clone();
    let default_lang = app.config.default_locale;
    let missing_key = key.clone();
    let missing: Vec<(i64, Lang)> = app
        .store
        .read(move |c| {
            let mut missing = Vec::new();
            for owner in owners {
                if !broadcasts::reminder_exists(c, &missing_key(owner))? {
                    let lang = users::get(c, owner)?.map_or(default_lang, |u| u.language);
                    missing.push((owner, lang));
                }
            }
            Ok::<_, StoreError>(missing)
        })
        .await?;
    if missing.is_empty() {
        return Ok(0);
    }
    let checked = verify_chain(app).await?;
    if let Err(broken) = &checked {
        tracing::error!(%broken, "ledger chain broken at the daily check");
    }
    let posts: Vec<HeadPost> = missing
        .into_iter()
        .map(|(owner, lang)| HeadPost {
            key: key(owner),
            owner,
            lang,
            text: format!(
                "{}\n{}",
                lang.t_args(
                    "chain-daily-title",
                    args!["date" => date.format("%d-%m-%Y").to_string()]
                ),
                chain_text(lang, &checked)
            ),
        })
        .collect();
    let queued = app
        .store
        .run(move |c| {
            let mut queued = 0;
            for post in &posts {
                if ledger::post_head_once(c, post, now)? {
                    queued += 1;
                }
            }
            Ok::<_, StoreError>(queued)
        })
        .await?;
    if queued > 0 {
        tracing::info!(%date, owners = queued, "chain head posted to the owners");
    }
    Ok(queued)
}

/// Everything stored about `user`, for themselves.
pub async fn my_data(app: &App, user: i64) -> Result<UserData> {
    Ok(app.store.read(move |c| privacy::user_data(c, user)).await?)
}

/// Erases `user`'s personal data at their own request. `None` when the bot doesn't know
/// them. The audit entry (written by the store in the same transaction) holds counts only.
pub async fn erase_me(app: &App, user: i64) -> Result<Option<Erased>> {
    let at: DateTime<Utc> = app.now();
    let erased = app
        .store
        .run(move |c| privacy::erase_user(c, user, at))
        .await?;
    if erased.is_some() {
        tracing::info!(user_id = user, "personal data erased at the user's request");
    }
    Ok(erased)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ledger::Problem;

    #[test]
    fn every_chain_problem_is_described_in_both_languages() {
        for problem in Problem::ALL {
            for lang in [Lang::Id, Lang::En] {
                assert!(lang.has(problem.key()), "{lang:?} lacks {}", problem.key());
            }
        }
        let broken = Broken {
            seq: Some(3),
            record: "IKR-ABCD (E)".into(),
            problem: Problem::FieldEdited,
        };
        let text = chain_text(Lang::Id, &Err(broken));
        assert!(
            text.contains("data pribadi di catatan ini diubah"),
            "{text}"
        );
        assert!(text.contains("IKR-ABCD (E)"), "{text}");
    }
}
