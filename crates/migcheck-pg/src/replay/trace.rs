//! The lock trace: which locks a statement took on tables that existed before its migration
//! file started, and whether it rewrote one of them.

use std::collections::HashMap;

/// A table-level lock mode, weakest first (`pg_locks.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockMode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl LockMode {
    pub fn parse(s: &str) -> Option<LockMode> {
        Some(match s {
            "AccessShareLock" => LockMode::AccessShare,
            "RowShareLock" => LockMode::RowShare,
            "RowExclusiveLock" => LockMode::RowExclusive,
            "ShareUpdateExclusiveLock" => LockMode::ShareUpdateExclusive,
            "ShareLock" => LockMode::Share,
            "ShareRowExclusiveLock" => LockMode::ShareRowExclusive,
            "ExclusiveLock" => LockMode::Exclusive,
            "AccessExclusiveLock" => LockMode::AccessExclusive,
            _ => return None,
        })
    }

    /// As in the PostgreSQL documentation: `ACCESS EXCLUSIVE`.
    pub fn name(self) -> &'static str {
        match self {
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// How much application traffic the lock stops: 0 none (schema changes and vacuum at
    /// most), 1 writes, 2 writes and `SELECT ... FOR UPDATE`, 3 everything.
    pub fn level(self) -> u8 {
        match self {
            LockMode::AccessExclusive => 3,
            LockMode::Exclusive => 2,
            LockMode::ShareRowExclusive | LockMode::Share => 1,
            _ => 0,
        }
    }

    /// What the lock blocks, for messages (`None` when it blocks no reads or writes).
    pub fn blocks(self) -> Option<&'static str> {
        match self.level() {
            3 => Some("reads and writes (every query on the table waits)"),
            2 => Some("writes and SELECT ... FOR UPDATE/SHARE (plain reads still run)"),
            1 => Some("writes (INSERT, UPDATE, DELETE wait; reads still run)"),
            _ => None,
        }
    }
}

/// A table as it was when the file started.
#[derive(Debug, Clone)]
pub struct Existing {
    /// `schema.table`, as PostgreSQL would need it written.
    pub name: String,
    /// The last `relfilenode` seen.
    pub relfilenode: Option<u64>,
}

/// One row of the trace query: a relation lock of this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockRow {
    pub oid: u32,
    pub mode: String,
    /// `None` when the relation is gone (dropped by the statement).
    pub relfilenode: Option<u64>,
}

/// What a statement did to an existing table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Lock { table: String, mode: LockMode },
    Rewrite { table: String },
}

/// Follows one migration file.
#[derive(Debug, Default)]
pub struct Tracer {
    existing: HashMap<u32, Existing>,
    /// Strongest blocking level held per table in the current transaction.
    held: HashMap<u32, u8>,
}

impl Tracer {
    /// Starts a file with the tables that exist now.
    pub fn new(existing: HashMap<u32, Existing>) -> Tracer {
        Tracer {
            existing,
            held: HashMap::new(),
        }
    }

    pub fn existing_tables(&self) -> usize {
        self.existing.len()
    }

    /// The transaction ended: its locks are gone.
    pub fn end_transaction(&mut self) {
        self.held.clear();
    }

    /// The locks held right after a statement; returns what the statement newly did.
    /// `truncate`: the statement is a TRUNCATE, whose new relfilenode is not a rewrite.
    pub fn observe(&mut self, rows: &[LockRow], truncate: bool) -> Vec<Event> {
        let mut strongest: HashMap<u32, LockMode> = HashMap::new();
        let mut events = Vec::new();
        for r in rows {
            let Some(table) = self.existing.get_mut(&r.oid) else {
                continue;
            };
            if let Some(m) = LockMode::parse(&r.mode) {
                let e = strongest.entry(r.oid).or_insert(m);
                if m > *e {
                    *e = m;
                }
            }
            if let (Some(now), Some(before)) = (r.relfilenode, table.relfilenode) {
                if now != before {
                    table.relfilenode = Some(now);
                    if !truncate {
                        events.push(Event::Rewrite {
                            table: table.name.clone(),
                        });
                    }
                }
            }
        }
        let mut locks: Vec<(u32, LockMode)> = strongest.into_iter().collect();
        locks.sort();
        for (oid, mode) in locks {
            let held = self.held.entry(oid).or_insert(0);
            if mode.level() > *held {
                *held = mode.level();
                events.push(Event::Lock {
                    table: self.existing[&oid].name.clone(),
                    mode,
                });
            }
        }
        // Locks first, then rewrites, per table order.
        events.sort_by_key(|e| matches!(e, Event::Rewrite { .. }));
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(oid: u32, mode: &str, rfn: Option<u64>) -> LockRow {
        LockRow {
            oid,
            mode: mode.into(),
            relfilenode: rfn,
        }
    }

    #[test]
    fn first_statement_taking_a_lock_gets_it() {
        let mut t = Tracer::new(HashMap::from([
            (
                1,
                Existing {
                    name: "public.a".into(),
                    relfilenode: Some(10),
                },
            ),
            (
                2,
                Existing {
                    name: "public.b".into(),
                    relfilenode: Some(20),
                },
            ),
        ]));
        // A new table (oid 3) is ignored; SHARE UPDATE EXCLUSIVE is not reported.
        let e = t.observe(
            &[
                row(1, "ShareLock", Some(10)),
                row(1, "AccessShareLock", Some(10)),
                row(2, "ShareUpdateExclusiveLock", Some(20)),
                row(3, "AccessExclusiveLock", Some(30)),
            ],
            false,
        );
        assert_eq!(
            e,
            vec![Event::Lock {
                table: "public.a".into(),
                mode: LockMode::Share
            }]
        );
        // Still held: nothing new. Escalation to ACCESS EXCLUSIVE with a rewrite: reported.
        assert!(t
            .observe(&[row(1, "ShareLock", Some(10))], false)
            .is_empty());
        let e = t.observe(
            &[
                row(1, "ShareLock", Some(10)),
                row(1, "AccessExclusiveLock", Some(11)),
            ],
            false,
        );
        assert_eq!(
            e,
            vec![
                Event::Lock {
                    table: "public.a".into(),
                    mode: LockMode::AccessExclusive
                },
                Event::Rewrite {
                    table: "public.a".into()
                }
            ]
        );
        // TRUNCATE's new file is not a rewrite; a dropped table has no relfilenode.
        let e = t.observe(&[row(2, "AccessExclusiveLock", Some(21))], true);
        assert_eq!(e.len(), 1);
        t.end_transaction();
        let e = t.observe(&[row(2, "AccessExclusiveLock", None)], false);
        assert_eq!(e.len(), 1);
        assert!(LockMode::ShareUpdateExclusive.blocks().is_none());
        assert_eq!(LockMode::parse("ExclusiveLock"), Some(LockMode::Exclusive));
    }
}
