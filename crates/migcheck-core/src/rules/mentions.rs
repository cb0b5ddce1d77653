//! Which statements of a file name which objects, for the rules that ask about the statements
//! before or after the one they judge ("is this dropped policy created again later?", "was this
//! table truncated earlier in the transaction?").
//!
//! Asked by scanning the rest of the file, those questions cost a file of N such statements N²
//! steps; asked here, each reads only the statements whose effects name the object. The index is
//! made the first time a rule asks, so files without such statements never pay for it.

use std::collections::HashMap;
use std::ops::Range;

use super::FileUnit;
use crate::effect::{type_key, Effect};

/// What a statement does to a name it mentions, as far as the questions here care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    /// Creates the object, policy or table of that name.
    Creates,
    /// Creates an object (an index, a constraint, a policy) on the table of that name.
    CreatesOn,
    /// Drops the table or object of that name.
    Drops,
    /// Renames a table or object to that name.
    RenamesTo,
    /// Removes every row of the table (`TRUNCATE`, `DELETE` without `WHERE`).
    Empties,
    /// Drops a column of the table of that name.
    DropsColumnOf,
}

/// For each act and name (unqualified, as the effects hold it), the statements whose effects do
/// that to that name, in file order.
#[derive(Debug, Default)]
pub struct Mentions {
    by_name: HashMap<(Act, String), Vec<u32>>,
    /// For each string literal, the forward statements that quote it (made on first use).
    by_literal: std::sync::OnceLock<HashMap<String, Vec<u32>>>,
    /// For each type (its [`type_key`]), the columns the file declares with it or changes to it
    /// (made on first use).
    by_type: std::sync::OnceLock<HashMap<String, Vec<String>>>,
    /// For each word before the first `(` of an `ALTER TABLE` or `CREATE UNIQUE INDEX` (the table's
    /// name among them), those statements (made on first use).
    keys_by_word: std::sync::OnceLock<HashMap<String, Vec<u32>>>,
    /// For each table an `INSERT ... SELECT` fills, those statements with the tables they read
    /// (made on first use).
    copies: std::sync::OnceLock<HashMap<String, Vec<CopyRows>>>,
    /// For each name, the `CREATE TEMPORARY TABLE` statements of that name (made on first use:
    /// a temporary table has no effect on the schema, so it is not among `by_name`).
    temporary: std::sync::OnceLock<HashMap<String, Vec<u32>>>,
}

/// An `INSERT ... SELECT` statement's position and the tables it reads.
pub type CopyRows = (u32, Vec<String>);

impl Mentions {
    fn of(unit: &FileUnit) -> Mentions {
        let mut by_name: HashMap<(Act, String), Vec<u32>> = HashMap::new();
        for (i, s) in unit.parsed.statements.iter().enumerate() {
            let mut add = |act: Act, name: &str| {
                let list = by_name.entry((act, name.to_string())).or_default();
                if list.last() != Some(&(i as u32)) {
                    list.push(i as u32);
                }
            };
            for e in &s.effects {
                match e {
                    Effect::CreateObject { name, on, .. } => {
                        add(Act::Creates, &name.name);
                        if let Some(t) = on {
                            add(Act::CreatesOn, &t.name);
                        }
                    }
                    Effect::CreatePolicy { table, name } => {
                        add(Act::Creates, name);
                        add(Act::CreatesOn, &table.name);
                    }
                    Effect::CreateTable { table, .. } => add(Act::Creates, &table.name),
                    Effect::DropObject { name, .. } => add(Act::Drops, &name.name),
                    Effect::DropTable { table } => add(Act::Drops, &table.name),
                    Effect::DropColumn { table, .. } => add(Act::DropsColumnOf, &table.name),
                    Effect::RenameTable { to, .. } | Effect::RenameObject { to, .. } => {
                        add(Act::RenamesTo, to)
                    }
                    Effect::Truncate { table } | Effect::DeleteAllRows { table } => {
                        add(Act::Empties, &table.name)
                    }
                    _ => {}
                }
            }
        }
        Mentions {
            by_name,
            by_literal: Default::default(),
            by_type: Default::default(),
            keys_by_word: Default::default(),
            copies: Default::default(),
            temporary: Default::default(),
        }
    }

    /// The `CREATE TEMPORARY TABLE` statements within `range` that create a table named `name`
    /// (unqualified), in order.
    pub fn temporary_tables(&self, unit: &FileUnit, name: &str, range: Range<usize>) -> &[u32] {
        let temporary = self.temporary.get_or_init(|| {
            use sqlparser::ast::Statement as Ast;
            let text = &unit.source.text;
            let mut temporary: HashMap<String, Vec<u32>> = HashMap::new();
            for (i, s) in unit.parsed.statements.iter().enumerate() {
                // `CREATE [GLOBAL | LOCAL] {TEMP | TEMPORARY} TABLE`: only these are parsed again.
                if !(s.head.starts_with("CREATE") && s.head.contains("TEMP")) {
                    continue;
                }
                if let Some(Ast::CreateTable(ct)) = s.tree(text).as_deref() {
                    if ct.temporary {
                        let name = crate::extract::qual(&ct.name).name;
                        temporary.entry(name).or_default().push(i as u32);
                    }
                }
            }
            temporary
        });
        within(temporary.get(name).map_or(&[][..], Vec::as_slice), range)
    }

    /// The forward `INSERT INTO target ... SELECT ... FROM` statements within `range`, each with
    /// the tables it reads (last name parts, folded), in order. `copy_of` reads one statement.
    pub fn copies_into(
        &self,
        unit: &FileUnit,
        target: &str,
        range: Range<usize>,
        copy_of: impl Fn(&crate::parse::Statement) -> Option<(String, Vec<String>)>,
    ) -> &[CopyRows] {
        let copies = self.copies.get_or_init(|| {
            let mut copies: HashMap<String, Vec<CopyRows>> = HashMap::new();
            for (i, s) in unit.parsed.statements.iter().enumerate() {
                // An INSERT without SELECT copies nothing: a seed's VALUES are not tokenized.
                let sql = unit
                    .source
                    .text
                    .as_bytes()
                    .get(s.span.clone())
                    .unwrap_or_default();
                if s.rollback
                    || !s.head.starts_with("INSERT INTO")
                    || !sql.windows(6).any(|w| w.eq_ignore_ascii_case(b"select"))
                {
                    continue;
                }
                // Only copies from other tables are kept: a data file's `VALUES` are not.
                if let Some((t, sources)) = copy_of(s).filter(|(_, from)| !from.is_empty()) {
                    copies.entry(t).or_default().push((i as u32, sources));
                }
            }
            copies
        });
        within_by(
            copies.get(target).map_or(&[][..], Vec::as_slice),
            |&(i, _)| i,
            range,
        )
    }

    /// The statements within `range` (positions in the file) whose effects do `act` to `name`,
    /// in order.
    pub fn naming(
        &self,
        act: Act,
        name: &str,
        range: Range<usize>,
    ) -> impl DoubleEndedIterator<Item = usize> + '_ {
        let list = self
            .by_name
            .get(&(act, name.to_string()))
            .map_or(&[][..], Vec::as_slice);
        within(list, range).iter().map(|&i| i as usize)
    }

    /// The `ALTER TABLE` and `CREATE UNIQUE INDEX` statements within `range` that may give the
    /// table `name` a key: those whose words before the first `(` include it, in order (the
    /// caller reads each one's tree to know).
    pub fn may_key(&self, unit: &FileUnit, name: &str, range: Range<usize>) -> &[u32] {
        let by_word = self.keys_by_word.get_or_init(|| {
            use crate::fallback::{tokens, Tok};
            let text = &unit.source.text;
            let mut by_word: HashMap<String, Vec<u32>> = HashMap::new();
            for (i, s) in unit.parsed.statements.iter().enumerate() {
                if !(s.head.starts_with("ALTER TABLE") || s.head.starts_with("CREATE UNIQUE INDEX"))
                {
                    continue;
                }
                let sql = &text[s.span.clone()];
                for t in tokens(&sql[..sql.find('(').unwrap_or(sql.len())]) {
                    let (Tok::Word(_, w) | Tok::Quoted(w)) = t else {
                        continue;
                    };
                    // Names as the schema model holds them: cut to PostgreSQL's 63 bytes.
                    let list = by_word
                        .entry(crate::effect::truncate_identifier(w))
                        .or_default();
                    if list.last() != Some(&(i as u32)) {
                        list.push(i as u32);
                    }
                }
            }
            by_word
        });
        within(by_word.get(name).map_or(&[][..], Vec::as_slice), range)
    }

    /// The columns any statement of the file declares with the type `key` (a [`type_key`]) or
    /// changes to it.
    pub fn columns_of_type(&self, unit: &FileUnit, key: &str) -> &[String] {
        let by_type = self.by_type.get_or_init(|| {
            let mut by_type: HashMap<String, Vec<String>> = HashMap::new();
            for s in &unit.parsed.statements {
                // A `CREATE TABLE`'s column types are read from its tree (parsed again in a
                // large file, only here): its effect names the columns, not their types.
                if s.effects
                    .iter()
                    .any(|e| matches!(e, Effect::CreateTable { .. }))
                {
                    if let Some(sqlparser::ast::Statement::CreateTable(ct)) =
                        s.tree(&unit.source.text).as_deref()
                    {
                        for c in &ct.columns {
                            by_type
                                .entry(type_key(&c.data_type.to_string()))
                                .or_default()
                                .push(crate::extract::fold(&c.name));
                        }
                    }
                }
            }
            for e in unit.parsed.statements.iter().flat_map(|s| &s.effects) {
                match e {
                    Effect::AddColumn {
                        column,
                        ty: Some(t),
                        ..
                    } => by_type.entry(t.clone()).or_default().push(column.clone()),
                    Effect::ColumnTypeChange {
                        column, to_type, ..
                    } => by_type
                        .entry(type_key(to_type))
                        .or_default()
                        .push(column.clone()),
                    _ => {}
                }
            }
            by_type
        });
        let list = by_type.get(key).map_or(&[][..], Vec::as_slice);
        crate::work::add(1 + list.len());
        list
    }

    /// The forward statements within `range`, other than `ALTER TYPE`, that quote the string
    /// literal `value`, in order; `value` must be one an `ALTER TYPE` of the file quotes (the
    /// value an `ADD VALUE` adds).
    pub fn quoting(&self, unit: &FileUnit, value: &str, range: Range<usize>) -> &[u32] {
        let by_literal = self.by_literal.get_or_init(|| {
            use crate::fallback::{tokens, Tok};
            let text = &unit.source.text;
            // Only the strings the file's `ALTER TYPE`s quote (the values they add) are
            // indexed: a data migration's other literals are not held. One run with `EXECUTE`
            // quotes its value inside the string it runs.
            let mut by_literal: HashMap<String, Vec<u32>> = HashMap::new();
            for s in &unit.parsed.statements {
                if !s.rollback && s.head.starts_with("ALTER TYPE") {
                    for t in tokens(&text[s.span.clone()]) {
                        let Tok::Str(v) = t else { continue };
                        if v.contains('\'') {
                            for inner in tokens(&v) {
                                if let Tok::Str(w) = inner {
                                    by_literal.entry(w).or_default();
                                }
                            }
                        }
                        by_literal.entry(v).or_default();
                    }
                }
            }
            for (i, s) in unit.parsed.statements.iter().enumerate() {
                // The rule that asks skips other `ALTER TYPE`s: they are not indexed (a file
                // of ADD VALUEs quoting one value would otherwise be read once per ADD VALUE).
                if s.rollback
                    || s.head.starts_with("ALTER TYPE")
                    || !text[s.span.clone()].contains('\'')
                {
                    continue;
                }
                for t in tokens(&text[s.span.clone()]) {
                    if let Some(list) = match &t {
                        Tok::Str(v) => by_literal.get_mut(v),
                        _ => None,
                    } {
                        if list.last() != Some(&(i as u32)) {
                            list.push(i as u32);
                        }
                    }
                }
            }
            by_literal
        });
        let list = by_literal.get(value).map_or(&[][..], Vec::as_slice);
        within(list, range)
    }
}

/// The part of an ordered list of statement positions that falls within `range`.
fn within(list: &[u32], range: Range<usize>) -> &[u32] {
    within_by(list, |&i| i, range)
}

/// The part of a list ordered by statement position (`at`) that falls within `range`.
fn within_by<T>(list: &[T], at: impl Fn(&T) -> u32, range: Range<usize>) -> &[T] {
    let lo = list.partition_point(|x| (at(x) as usize) < range.start);
    let hi = list.partition_point(|x| (at(x) as usize) < range.end);
    // What the rule that asks reads: the answer's statements, and the question itself.
    crate::work::add(1 + hi.saturating_sub(lo));
    &list[lo..hi.max(lo)]
}

/// The index of `unit`'s statements by the names they act on, made on first use.
pub fn of(unit: &FileUnit) -> &Mentions {
    unit.mentions.get_or_init(|| Mentions::of(unit))
}
