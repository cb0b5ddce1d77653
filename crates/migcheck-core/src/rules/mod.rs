//! The rule registry and the contexts rules see.
//!
//! One rule, one file: each file below defines a unit struct implementing [`Rule`], whose
//! [`RuleMeta`] embeds the user documentation from `rules/<id>.md` at the repository root (a
//! rule without a doc does not compile). [`ALL`] is the only list of rules; `migcheck rules`,
//! `migcheck explain`, configuration validation and the SARIF rule table all read it.
//!
//! Rules are plain functions of a context: a statement with the schema state just before it,
//! the end of a file, or the end of a set. They report [`Hit`]s; the engine turns them into
//! findings with the configured severity and applies `migcheck:allow` directives.

use std::ops::Range;
use std::sync::Arc;

use crate::config::Config;
use crate::discover::{MigrationFile, MigrationSet};
use crate::effect::{Effect, QualName};
use crate::finding::Severity;
use crate::parse::{ParsedFile, Statement};
use crate::schema::SchemaState;
use crate::source::SourceFile;

/// Groups rules in `migcheck rules` and the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Changes that break code still deployed or lose data.
    NonAdditive,
    /// Row level security.
    Security,
    /// Locks and table rewrites that stall production traffic.
    Locking,
    /// Transactions, types and conventions.
    Hygiene,
    /// Files, layouts and input migcheck could not fully read.
    Input,
    /// Deployment configuration.
    Deploy,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::NonAdditive => "non-additive",
            Category::Security => "security",
            Category::Locking => "locking",
            Category::Hygiene => "hygiene",
            Category::Input => "input",
            Category::Deploy => "deploy",
        }
    }
}

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// One line for `migcheck rules`.
    pub summary: &'static str,
    /// The Markdown documentation (`rules/<id>.md`).
    pub doc: &'static str,
    /// Whether some findings carry a fix or a suggestion (the rule page says what it does).
    pub offers: Option<crate::fix::Offers>,
}

/// Declares a rule's metadata and embeds its doc.
macro_rules! rule_meta {
    ($id:literal, $sev:ident, $cat:ident, $summary:literal) => {
        $crate::rules::RuleMeta {
            id: $id,
            severity: $crate::finding::Severity::$sev,
            category: $crate::rules::Category::$cat,
            summary: $summary,
            // The top-level `rules/` in the workspace, the crate's copy when packaged (build.rs).
            doc: include_str!(concat!(env!("MIGCHECK_RULE_DOCS"), "/", $id, ".md")),
            offers: None,
        }
    };
    ($id:literal, $sev:ident, $cat:ident, $summary:literal, offers: $offers:ident) => {
        $crate::rules::RuleMeta {
            offers: Some($crate::fix::Offers::$offers),
            ..rule_meta!($id, $sev, $cat, $summary)
        }
    };
}

/// A problem a rule found, before severity and suppressions are applied.
#[derive(Debug, Clone)]
pub struct Hit {
    pub file: Arc<SourceFile>,
    pub span: Range<usize>,
    pub message: String,
    pub help: std::borrow::Cow<'static, str>,
    pub fix: Option<Box<crate::fix::Fix>>,
    pub suggestion: Option<Box<crate::fix::Suggestion>>,
}

/// Where a rule puts its hits. Each is handed on as it is pushed, so a rule that reports at
/// the end of a file (one hit per table of a file of 100,000 tables) never holds them all.
pub struct Hits<'a> {
    sink: &'a mut dyn FnMut(Hit),
}

impl<'a> Hits<'a> {
    pub fn new(sink: &'a mut dyn FnMut(Hit)) -> Self {
        Self { sink }
    }

    pub fn push(&mut self, hit: Hit) {
        (self.sink)(hit)
    }
}

impl Hit {
    pub fn with_fix(mut self, fix: Option<crate::fix::Fix>) -> Self {
        self.fix = fix.map(Box::new);
        self
    }

    pub fn with_suggestion(mut self, suggestion: Option<crate::fix::Suggestion>) -> Self {
        self.suggestion = suggestion.map(Box::new);
        self
    }
}

/// One migration file of a set, parsed.
#[derive(Debug)]
pub struct FileUnit {
    /// Position in the set's order.
    pub index: usize,
    pub source: Arc<SourceFile>,
    pub parsed: ParsedFile,
    pub migration: MigrationFile,
    /// Its transaction structure ([`transaction::of`]), made on first use.
    pub transactions: std::sync::OnceLock<transaction::Transactions>,
    /// Which statements name which objects ([`mentions::of`]), made on first use.
    pub mentions: std::sync::OnceLock<mentions::Mentions>,
}

/// The file of a set at position `index` (a [`FileUnit::index`]): found where it stands, not
/// by a search of the set per question (a set of 10,000 files asked once per file).
pub fn unit_at(units: &[FileUnit], index: usize) -> Option<&FileUnit> {
    match units.get(index) {
        Some(u) if u.index == index => Some(u),
        _ => units.iter().find(|u| u.index == index),
    }
}

/// A statement and the schema just before it.
pub struct StatementCx<'a> {
    pub set: &'a MigrationSet,
    pub unit: &'a FileUnit,
    pub stmt: &'a Statement,
    /// The statement's position in `unit.parsed.statements`.
    pub index: usize,
    pub state: &'a SchemaState,
    pub config: &'a Config,
}

impl StatementCx<'_> {
    pub fn hit(&self, message: String, help: impl Into<std::borrow::Cow<'static, str>>) -> Hit {
        Hit {
            file: self.unit.source.clone(),
            span: self.stmt.span.clone(),
            message,
            help: help.into(),
            fix: None,
            suggestion: None,
        }
    }

    /// True when the statement is applied forward (not a rollback section or file).
    pub fn is_forward(&self) -> bool {
        !self.stmt.rollback
    }

    /// True when the table was created earlier in this same file (so changing it is additive).
    pub fn table_is_new(&self, table: &QualName) -> bool {
        self.state.table_created_in(table, self.unit.index)
    }

    /// The forward statements of this file other than this one, before or after it, whose
    /// effects do `act` to `name`.
    pub fn file_naming<'s>(
        &'s self,
        act: mentions::Act,
        name: &str,
    ) -> impl Iterator<Item = &'s crate::parse::Statement> + 's {
        let stmts = &self.unit.parsed.statements;
        let me = self.index;
        mentions::of(self.unit)
            .naming(act, name, 0..stmts.len())
            .filter(move |&i| i != me)
            .map(move |i| &stmts[i])
            .filter(|s| !s.rollback)
    }

    /// The forward statements of this file from this one on (`with_self`) or after it whose
    /// effects do `act` to `name`: see [`Self::file_naming`] for the whole file.
    pub fn later_naming<'s>(
        &'s self,
        act: mentions::Act,
        name: &str,
        with_self: bool,
    ) -> impl Iterator<Item = &'s crate::parse::Statement> + 's {
        let from = self.index + usize::from(!with_self);
        let stmts = &self.unit.parsed.statements;
        mentions::of(self.unit)
            .naming(act, name, from..stmts.len())
            .map(move |i| &stmts[i])
            .filter(|s| !s.rollback)
    }

    /// The statement's effects, for forward statements only.
    pub fn forward_effects(&self) -> &[Effect] {
        if self.is_forward() {
            &self.stmt.effects
        } else {
            &[]
        }
    }

    /// The `ALTER TABLE` of this forward statement and its table, when that table existed
    /// before this file: where every locking rule on `ALTER TABLE` starts.
    pub fn alter_of_existing_table(&self) -> Option<(&sqlparser::ast::AlterTable, QualName)> {
        if !self.is_forward() {
            return None;
        }
        let Some(sqlparser::ast::Statement::AlterTable(at)) = self.stmt.ast.as_deref() else {
            return None;
        };
        let table = crate::extract::qual(&at.name);
        (!self.table_is_new(&table)).then_some((at, table))
    }

    /// True when PostgreSQL skips the statement at this point of the set, so no rule has
    /// anything to say about it: `CREATE TABLE IF NOT EXISTS` of a table that exists,
    /// `CREATE INDEX IF NOT EXISTS` of an index that exists, `ADD COLUMN IF NOT EXISTS` of
    /// columns that exist (only "NOTICE: ... already exists, skipping").
    pub fn is_noop(&self) -> bool {
        use sqlparser::ast::{AlterTableOperation as Op, Statement as Ast};
        match self.stmt.ast.as_deref() {
            Some(Ast::CreateTable(ct)) => {
                ct.if_not_exists && self.state.table(&crate::extract::qual(&ct.name)).is_some()
            }
            Some(Ast::CreateIndex(ci)) => {
                ci.if_not_exists
                    && ci.name.as_ref().is_some_and(|n| {
                        let mut name = crate::extract::qual(n);
                        name.schema = name
                            .schema
                            .or_else(|| crate::extract::qual(&ci.table_name).schema);
                        self.state
                            .object_exists(crate::effect::ObjectKind::Index, &name, None)
                    })
            }
            Some(Ast::AlterTable(at)) => {
                let Some(t) = self.state.table(&crate::extract::qual(&at.name)) else {
                    return false;
                };
                !at.operations.is_empty()
                    && at.operations.iter().all(|op| {
                        matches!(op, Op::AddColumn { if_not_exists: true, column_def, .. }
                            if t.columns.contains(&crate::extract::fold(&column_def.name)))
                    })
            }
            _ => false,
        }
    }

    /// True when an earlier statement of this file, in the same transaction, removed every row
    /// of `table` (`TRUNCATE`, or `DELETE` without a restricting `WHERE`) and no `INSERT` or
    /// `COPY` ran since: the table is empty at this statement. With `truncate_only`, only a
    /// `TRUNCATE` counts (a `DELETE` leaves the dead rows in the table's pages until vacuum).
    pub fn table_emptied_earlier(&self, table: &QualName, truncate_only: bool) -> bool {
        let key = self.state.resolve_table(table);
        let at = self.index;
        let stmts = &self.unit.parsed.statements;
        let Some(e) = mentions::of(self.unit)
            .naming(mentions::Act::Empties, &key.1, 0..at)
            .rev()
            .find(|&i| {
                let s = &stmts[i];
                !s.rollback
                    && s.effects.iter().any(|e| match e {
                        Effect::Truncate { table: t } => self.state.resolve_table(t) == key,
                        Effect::DeleteAllRows { table: t } if !truncate_only => {
                            self.state.resolve_table(t) == key
                        }
                        _ => false,
                    })
            })
        else {
            return false;
        };
        !transaction::of(self.unit).refilled_between(e + 1, at)
            && transaction::same_transaction(self.set, self.unit, e, at)
    }

    /// The fully resolved, display form of a table name.
    pub fn table_name(&self, table: &QualName) -> String {
        let (s, n) = self.state.resolve_table(table);
        QualName::new(Some(&s), &n).to_string()
    }
}

/// The end of one file: the schema after its last statement.
pub struct FileCx<'a> {
    pub set: &'a MigrationSet,
    pub unit: &'a FileUnit,
    pub state: &'a SchemaState,
    pub config: &'a Config,
    /// [`locks::scan_file`] of this file, made once for the rules that read it.
    pub(crate) locks: std::cell::OnceCell<locks::FileLocks>,
}

impl FileCx<'_> {
    /// How the file handles locks ([`locks::scan_file`]): one pass over its statements, shared
    /// by the rules that ask (in a file over 64 KB the pass parses every statement again).
    pub fn locks(&self) -> &locks::FileLocks {
        self.locks.get_or_init(|| locks::scan_file(self))
    }
}

/// The end of a set: all files and the final schema.
pub struct SetCx<'a> {
    pub set: &'a MigrationSet,
    pub units: &'a [FileUnit],
    pub state: &'a SchemaState,
    pub config: &'a Config,
    /// The policies in place at the end ([`policies::at_end`]), made on first use: one walk
    /// for every rule that asks.
    pub policies: std::sync::OnceLock<policies::AtEnd>,
    /// The statements that create, alter or drop functions ([`functions::of_set`]), read on
    /// first use: one reading of their trees for every rule that asks.
    pub(crate) functions: std::sync::OnceLock<Vec<functions::FunctionStatement>>,
}

impl<'a> SetCx<'a> {
    /// The end of `set`, with what [`read_ahead`] read while the schema was replayed, if it ran.
    pub fn new(
        set: &'a MigrationSet,
        units: &'a [FileUnit],
        state: &'a SchemaState,
        config: &'a Config,
        ahead: Option<ReadAhead>,
    ) -> Self {
        let (policies, functions) = match ahead {
            Some(a) => (a.policies.into(), a.functions.into()),
            None => Default::default(),
        };
        SetCx {
            set,
            units,
            state,
            config,
            policies,
            functions,
        }
    }
}

/// What several set rules read from a set's statements without asking the schema: the
/// policies at the end ([`policies::at_end`]) and the function statements
/// ([`functions::of_set`]).
pub struct ReadAhead {
    policies: policies::AtEnd,
    functions: Vec<functions::FunctionStatement>,
}

/// Reads, from `units` (a set's files in order), what [`ReadAhead`] holds: a run with a thread
/// to spare does it while the schema is replayed, which it does not need.
pub fn read_ahead(units: &[FileUnit]) -> ReadAhead {
    ReadAhead {
        policies: policies::find(units),
        functions: functions::read(units),
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check_statement(&self, _cx: &StatementCx<'_>, _out: &mut Hits<'_>) {}
    fn check_file(&self, _cx: &FileCx<'_>, _out: &mut Hits<'_>) {}
    fn check_set(&self, _cx: &SetCx<'_>, _out: &mut Hits<'_>) {}
}

macro_rules! registry {
    ($($module:ident => $rule:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every rule, in the order `migcheck rules` lists them.
        pub static ALL: &[&dyn Rule] = &[$(&$module::$rule),*];
    };
}

registry! {
    drop_table => DropTable,
    drop_column => DropColumn,
    drop_schema => DropSchema,
    drop_object => DropObject,
    truncate_table => TruncateTable,
    delete_all_rows => DeleteAllRows,
    rename_table => RenameTable,
    rename_column => RenameColumn,
    rename_object => RenameObject,
    rename_internal_object => RenameInternalObject,
    column_type_change => ColumnTypeChange,
    missing_rls => MissingRls,
    disable_rls => DisableRls,
    rls_without_policy => RlsWithoutPolicy,
    unparsed_statement => UnparsedStatement,
    unapplied_migration_file => UnappliedMigrationFile,
    duplicate_migration_version => DuplicateMigrationVersion,
    migration_in_deploy_config => MigrationInDeployConfig,
    invalid_allow => InvalidAllow,
    unused_allow => UnusedAllow,
    // Locking: statements that block traffic on tables that already exist.
    require_concurrent_index => RequireConcurrentIndex,
    require_concurrent_index_drop => RequireConcurrentIndexDrop,
    concurrently_in_transaction => ConcurrentlyInTransaction,
    constraint_without_not_valid => ConstraintWithoutNotValid,
    unique_constraint_without_index => UniqueConstraintWithoutIndex,
    exclude_constraint => ExcludeConstraint,
    add_column_not_null_without_default => AddColumnNotNullWithoutDefault,
    set_not_null => SetNotNull,
    add_column_rewrites_table => AddColumnRewritesTable,
    lock_timeout_missing => LockTimeoutMissing,
    statements_after_access_exclusive => StatementsAfterAccessExclusive,
    enum_add_value_in_transaction => EnumAddValueInTransaction,
    table_rewrite_command => TableRewriteCommand,
    validate_in_same_transaction => ValidateInSameTransaction,
    update_all_rows => UpdateAllRows,
    refresh_matview_without_concurrently => RefreshMatviewWithoutConcurrently,
    concurrent_index_on_partitioned_table => ConcurrentIndexOnPartitionedTable,
    unique_added_to_existing_table => UniqueAddedToExistingTable,
    attach_partition_without_check => AttachPartitionWithoutCheck,
    // Non-additive: changes that break clients still deployed.
    drop_not_null_or_default => DropNotNullOrDefault,
    revoke_from_client_role => RevokeFromClientRole,
    // Security: static versions of Supabase's database lints.
    materialized_view_or_foreign_table_in_api => MaterializedViewOrForeignTableInApi,
    policy_without_rls => PolicyWithoutRls,
    permissive_policy_always_true => PermissivePolicyAlwaysTrue,
    security_definer_search_path => SecurityDefinerSearchPath,
    function_search_path_mutable => FunctionSearchPathMutable,
    security_definer_exposed => SecurityDefinerExposed,
    view_without_security_invoker => ViewWithoutSecurityInvoker,
    view_over_auth_users => ViewOverAuthUsers,
    policy_trusts_user_metadata => PolicyTrustsUserMetadata,
    grant_write_to_anon => GrantWriteToAnon,
    owner_change_rls => OwnerChangeRls,
    policy_calls_auth_per_row => PolicyCallsAuthPerRow,
    multiple_permissive_policies => MultiplePermissivePolicies,
    extension_in_public => ExtensionInPublic,
    // Hygiene: transactions, types, conventions.
    transaction_not_committed => TransactionNotCommitted,
    commit_in_wrapped_migration => CommitInWrappedMigration,
    nested_transaction => NestedTransaction,
    rollback_discards_migration => RollbackDiscardsMigration,
    prefer_jsonb => PreferJsonb,
    prefer_timestamptz => PreferTimestamptz,
    table_without_primary_key => TableWithoutPrimaryKey,
    foreign_key_without_index => ForeignKeyWithoutIndex,
    duplicate_index => DuplicateIndex,
    migration_version_out_of_order => MigrationVersionOutOfOrder,
    // replay
    replay_failed => ReplayFailed,
    replay_lock => ReplayLock,
    replay_table_rewrite => ReplayTableRewrite,
    // Non-additive, at most a warning: defensive drops of objects the set never created.
    drop_object_if_exists => DropObjectIfExists,
    // Input: a file whose bytes are not valid in its encoding (last: SARIF rule indexes stay).
    undecodable_file => UndecodableFile,
}

// Questions several rules ask (not rules themselves).
mod functions;
pub mod locks;
mod mentions;
mod policies;
mod replace;
mod sql;
mod transaction;

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().id == id)
}
