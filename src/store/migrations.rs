//! Schema versions. Append new migrations; never edit one that has shipped.

use rusqlite_migration::{M, Migrations};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(INITIAL),
        M::up(super::audit::SCHEMA),
        M::up(super::outbox::SCHEMA),
        M::up(super::reports::SCHEMA),
        M::up(super::pledges::LEAN_SCHEMA),
        M::up_with_hook(super::ledger::SCHEMA, super::ledger::migrate_existing),
        M::up(super::questions::TEACH_SCHEMA),
        M::up(super::outbox::RECEIPT_SCHEMA),
        M::up(super::ledger::OWN_KIND),
    ])
}

const INITIAL: &str = r#"
        CREATE TABLE users (
            id            INTEGER PRIMARY KEY,          -- Telegram user id
            display_name  TEXT NOT NULL,
            username      TEXT,
            language      TEXT NOT NULL DEFAULT 'id',
            role          TEXT NOT NULL DEFAULT 'asn',  -- granted role; owners come from ADMIN_IDS
            employment    TEXT,                         -- pns | pppk | nonasn
            full_name     TEXT,
            nip           TEXT,
            unit_code     TEXT,
            registered_at TEXT,
            first_seen    TEXT NOT NULL,
            blocked       INTEGER NOT NULL DEFAULT 0,
            reminders_muted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX users_unit ON users(unit_code);
        CREATE INDEX users_username ON users(username COLLATE NOCASE);

        -- Keyed by (user, election) without a rowid: one B-tree fewer to write per pledge.
        CREATE TABLE pledges (
            user_id      INTEGER NOT NULL REFERENCES users(id),
            election     TEXT NOT NULL,
            text_hash    TEXT NOT NULL,
            confirmed_at TEXT NOT NULL,                 -- UTC, RFC 3339
            receipt_code TEXT NOT NULL UNIQUE,
            PRIMARY KEY (user_id, election)
        ) WITHOUT ROWID;
        CREATE INDEX pledges_election_day ON pledges(election, confirmed_at);

        CREATE TABLE dialogues (
            chat_id    INTEGER PRIMARY KEY,
            state      TEXT NOT NULL,                   -- JSON of the dialogue state enum
            updated_at TEXT NOT NULL
        );

        CREATE TABLE unanswered_questions (
            id       INTEGER PRIMARY KEY,
            user_id  INTEGER,
            question TEXT NOT NULL,
            lang     TEXT NOT NULL,
            score    REAL NOT NULL,
            asked_at TEXT NOT NULL
        );

        CREATE TABLE feedback (
            user_id    INTEGER NOT NULL,
            rule_id    TEXT NOT NULL,
            helpful    INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, rule_id)
        );
        "#;

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    #[test]
    fn pledges_confirmed_before_the_lean_schema_survive_it() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        let all = super::migrations();
        all.to_version(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO users (id, display_name, language, first_seen)
                 VALUES (1, 'x', 'id', '2020-11-01T00:00:00.000Z');
             INSERT INTO pledges VALUES
                 (1, 'E', 'h', '2020-11-02T00:00:00.000Z', 'IKR-OLD2-CODE');",
        )
        .unwrap();
        all.to_latest(&mut conn).unwrap();
        let code: String = conn
            .query_row(
                "SELECT receipt_code FROM pledges WHERE user_id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(code, "IKR-OLD2-CODE");
        let indexes: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM pragma_index_list('pledges') WHERE origin != 'pk'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(indexes, 0, "a confirmation writes the primary key only");
    }

    #[test]
    fn chain_head_posts_stored_as_reminders_get_their_own_kind() {
        let mut conn = Connection::open_in_memory().unwrap();
        let all = super::migrations();
        all.to_version(&mut conn, 8).unwrap();
        conn.execute_batch(
            "INSERT INTO broadcasts (kind, created_by, status, mandatory, body, reminder_key,
                                     created_at)
                 VALUES ('reminder', 0, 'done', 1, 'head', 'E|2020-12-01|chain-head|9', 't'),
                        ('reminder', 0, 'done', 1, 'r', 'E|2020-12-01|h-7', 't');",
        )
        .unwrap();
        all.to_latest(&mut conn).unwrap();
        let kinds: Vec<String> = conn
            .prepare("SELECT kind FROM broadcasts ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(kinds, ["chain_head", "reminder"]);
    }
}
