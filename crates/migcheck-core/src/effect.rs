//! What a statement does to the schema, in one small vocabulary shared by the parsed (AST) path
//! and the token-level fallback for statements the parser cannot read.
//!
//! The non-additive rules look only at effects, so a `DROP TABLE` is caught the same way whether
//! sqlparser understood its statement or not. Rules that need detail (locking, security) look at
//! the AST as well.

use std::fmt;

/// A possibly schema-qualified name, folded the way PostgreSQL folds identifiers: unquoted names
/// to lower case, quoted names exactly as written.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct QualName {
    pub schema: Option<String>,
    pub name: String,
}

impl QualName {
    pub fn new(schema: Option<&str>, name: &str) -> Self {
        Self {
            schema: schema.map(str::to_string),
            name: name.to_string(),
        }
    }
}

impl fmt::Display for QualName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.schema {
            write!(f, "{}.", quote_ident(s))?;
        }
        f.write_str(&quote_ident(&self.name))
    }
}

/// PostgreSQL keeps at most 63 bytes of an identifier (NAMEDATALEN - 1) and silently drops
/// the rest, cutting at a character boundary; the model does the same, so a long policy name
/// in a migration matches the name in the catalog.
pub fn truncate_identifier(mut s: String) -> String {
    const MAX: usize = 63;
    if s.len() > MAX {
        let mut end = MAX;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// Quotes an identifier only when PostgreSQL would need it (so messages read naturally).
pub fn quote_ident(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
}

/// Kinds of objects for `drop-object` and `rename-object`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ObjectKind {
    View,
    MaterializedView,
    Function,
    Procedure,
    Type,
    Sequence,
    Index,
    Trigger,
    Policy,
    Constraint,
    Domain,
    Extension,
    Schema,
    EnumValue,
    Rule,
    Other,
}

impl ObjectKind {
    /// Every kind, for reading a kind's name back ([`static_kind`]).
    const ALL: [ObjectKind; 16] = [
        ObjectKind::View,
        ObjectKind::MaterializedView,
        ObjectKind::Function,
        ObjectKind::Procedure,
        ObjectKind::Type,
        ObjectKind::Sequence,
        ObjectKind::Index,
        ObjectKind::Trigger,
        ObjectKind::Policy,
        ObjectKind::Constraint,
        ObjectKind::Domain,
        ObjectKind::Extension,
        ObjectKind::Schema,
        ObjectKind::EnumValue,
        ObjectKind::Rule,
        ObjectKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Type => "type",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Index => "index",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Policy => "policy",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Domain => "domain",
            ObjectKind::Extension => "extension",
            ObjectKind::Schema => "schema",
            ObjectKind::EnumValue => "enum value",
            ObjectKind::Rule => "rule",
            ObjectKind::Other => "object",
        }
    }

    /// From the keyword(s) after DROP / ALTER, upper-cased and space-joined.
    pub fn from_keywords(k: &str) -> Option<Self> {
        Some(match k {
            "VIEW" => ObjectKind::View,
            "MATERIALIZED VIEW" => ObjectKind::MaterializedView,
            "FUNCTION" | "AGGREGATE" => ObjectKind::Function,
            "PROCEDURE" | "ROUTINE" => ObjectKind::Procedure,
            "TYPE" => ObjectKind::Type,
            "SEQUENCE" => ObjectKind::Sequence,
            "INDEX" => ObjectKind::Index,
            "TRIGGER" => ObjectKind::Trigger,
            "POLICY" => ObjectKind::Policy,
            "DOMAIN" => ObjectKind::Domain,
            "EXTENSION" => ObjectKind::Extension,
            "SCHEMA" => ObjectKind::Schema,
            "RULE" => ObjectKind::Rule,
            _ => return None,
        })
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing a statement does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Effect {
    CreateSchema {
        name: String,
    },
    /// A table and its columns. Their declared types are read from the tree
    /// ([`crate::schema::SchemaState::note_facts`]), not held here: a file of 100,000 tables
    /// holds every statement's effects for the whole run.
    CreateTable {
        table: QualName,
        columns: Vec<Box<str>>,
    },
    AddColumn {
        table: QualName,
        column: String,
        /// Its declared type ([`type_key`]), when the parser read it (one effect, not two with
        /// the table's name twice: a file of 180,000 `ADD COLUMN`s holds them all).
        ty: Option<String>,
    },
    /// Any other object (index, view, function, type, ...); `on` as for `DropObject`.
    CreateObject {
        kind: ObjectKind,
        name: QualName,
        on: Option<QualName>,
    },
    DropTable {
        table: QualName,
    },
    DropSchema {
        name: String,
    },
    DropColumn {
        table: QualName,
        column: String,
    },
    /// `on` is the table of a trigger, policy, rule or constraint.
    DropObject {
        kind: ObjectKind,
        name: QualName,
        on: Option<QualName>,
    },
    Truncate {
        table: QualName,
    },
    DeleteAllRows {
        table: QualName,
    },
    RenameTable {
        table: QualName,
        to: String,
    },
    RenameColumn {
        table: QualName,
        from: String,
        to: String,
    },
    RenameObject {
        kind: ObjectKind,
        name: QualName,
        to: String,
        on: Option<QualName>,
    },
    ColumnTypeChange {
        table: QualName,
        column: String,
        to_type: String,
    },
    /// `ALTER <kind> name SET SCHEMA s`.
    SetSchema {
        #[serde(with = "static_kind")]
        kind: KindName,
        name: QualName,
        schema: String,
    },
    EnableRls {
        table: QualName,
    },
    /// `DISABLE ROW LEVEL SECURITY` (`force: false`) or `NO FORCE ROW LEVEL SECURITY` (`force: true`).
    DisableRls {
        table: QualName,
        force: bool,
    },
    ForceRls {
        table: QualName,
    },
    CreatePolicy {
        table: QualName,
        name: String,
    },
    SetSearchPath {
        schemas: Vec<String>,
    },
}

/// A kind's name as messages show it. An alias, not `&'static str` written out: serde would take
/// that for text borrowed from the input.
pub type KindName = &'static str;

/// The kind name of [`Effect::SetSchema`] in the parse cache (`crate::cache`): written as text,
/// read back as the same `'static` name ("table" or an [`ObjectKind::as_str`]); any other text is
/// an error, and the cache parses the file again.
mod static_kind {
    use super::ObjectKind;

    pub fn serialize<S: serde::Serializer>(kind: &&'static str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        let text: std::borrow::Cow<'de, str> = serde::Deserialize::deserialize(d)?;
        std::iter::once("table")
            .chain(ObjectKind::ALL.iter().map(|k| k.as_str()))
            .find(|k| *k == text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown object kind {text:?}")))
    }
}

/// The name of a declared type as the schema model keeps it: its last part folded, without
/// array brackets (`public."Plan"[]` → `Plan`).
pub fn type_key(data_type: &str) -> String {
    let t = data_type.trim().trim_end_matches("[]").trim();
    let last = match t.rfind("\".") {
        Some(i) if t.ends_with('"') => &t[i + 2..],
        _ => t.rsplit('.').next().unwrap_or(t),
    };
    match last.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        Some(q) => q.replace("\"\"", "\""),
        None => last.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::truncate_identifier;

    #[test]
    fn identifiers_keep_63_bytes_at_a_char_boundary() {
        let long = "Account users can be deleted by owners except primary account owner";
        assert_eq!(truncate_identifier(long.into()).len(), 63);
        let wide = "é".repeat(40);
        assert_eq!(truncate_identifier(wide).len(), 62);
        assert_eq!(truncate_identifier("short".into()), "short");
    }
}
