//! The statements of a set that create, alter or drop functions, read once for every rule that
//! judges functions (`security-definer-search-path`, `function-search-path-mutable`,
//! `security-definer-exposed`): each such statement's tree is read once per set and kept only as
//! the few facts those rules ask (signature, SECURITY DEFINER, `SET search_path`, trigger), not
//! as a tree.

use sqlparser::ast::{
    AlterFunctionAction, AlterFunctionOperation, ArgMode, DataType, FunctionReturnType,
    FunctionSecurity, ObjectName, OperateFunctionArg, Statement as Ast,
};

use super::{FileUnit, SetCx};
use crate::effect::QualName;
use crate::extract::qual;

/// A function as PostgreSQL identifies it: schema, name and the types of its input arguments
/// (`None`: `ALTER FUNCTION f` without a list, which names the only function called `f`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    pub schema: String,
    pub name: String,
    pub args: Option<Vec<String>>,
}

impl Signature {
    fn new(name: &ObjectName, args: Option<&Vec<OperateFunctionArg>>) -> Self {
        let QualName { schema, name } = qual(name);
        Signature {
            schema: schema.unwrap_or_else(|| "public".into()),
            name,
            args: args.map(|a| {
                a.iter()
                    .filter(|a| !matches!(a.mode, Some(ArgMode::Out)))
                    .map(|a| type_key(&a.data_type.to_string()))
                    .collect()
            }),
        }
    }

    pub fn same_function(&self, other: &Signature) -> bool {
        self.schema == other.schema
            && self.name == other.name
            && match (&self.args, &other.args) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// The spellings of one type that PostgreSQL treats as the same argument type.
fn type_key(t: &str) -> String {
    let t = t.trim().to_ascii_lowercase();
    match t.as_str() {
        "int" | "int4" => "integer".into(),
        "int8" => "bigint".into(),
        "int2" => "smallint".into(),
        "bool" => "boolean".into(),
        "varchar" => "character varying".into(),
        "timestamptz" => "timestamp with time zone".into(),
        "float8" | "double precision" => "double precision".into(),
        _ => t,
    }
}

fn sets_search_path(name: &ObjectName) -> bool {
    qual(name).name == "search_path"
}

/// What one statement does to one function.
#[derive(Debug)]
pub(crate) enum Act {
    /// `CREATE [OR REPLACE] FUNCTION`.
    Create {
        definer: bool,
        sets_path: bool,
        /// Returns `trigger` or `event_trigger` (never called through the Data API).
        trigger: bool,
    },
    /// `ALTER FUNCTION|ROUTINE|PROCEDURE ... <actions>`.
    Alter {
        /// Some action says `SECURITY DEFINER`.
        any_definer: bool,
        /// The last `SECURITY ...` action, if any: whether it says DEFINER.
        last_security: Option<bool>,
        sets_path: bool,
    },
    /// `DROP FUNCTION` (one per function it names).
    Drop,
}

#[derive(Debug)]
pub(crate) struct Touch {
    pub sig: Signature,
    /// The name as written (schema-qualified when it was), for messages.
    pub written: String,
    pub act: Act,
}

/// One forward statement that creates, alters or drops functions.
#[derive(Debug)]
pub(crate) struct FunctionStatement {
    /// Position of its file in the units read.
    pub unit: usize,
    /// Its position in that file's statements.
    pub stmt: usize,
    /// Its head says `FUNCTION` or `CREATE OR REPLACE` (the statements the `search_path` rules
    /// have always read; `ALTER ROUTINE` and `ALTER PROCEDURE` are only
    /// `security-definer-exposed`'s).
    pub says_function: bool,
    /// Empty for an `ALTER FUNCTION` that renames, moves or changes the owner.
    pub touches: Vec<Touch>,
}

/// The function statements of `units`, in set order (by file, then statement).
pub(super) fn read(units: &[FileUnit]) -> Vec<FunctionStatement> {
    let mut out = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        for (i, s) in unit.parsed.statements.iter().enumerate() {
            if s.rollback {
                continue;
            }
            // `head` holds three words: `CREATE OR REPLACE` hides the fourth.
            let says_function =
                s.head.contains("FUNCTION") || s.head.starts_with("CREATE OR REPLACE");
            if !(says_function
                || s.head.starts_with("ALTER ROUTINE")
                || s.head.starts_with("ALTER PROCEDURE"))
            {
                continue;
            }
            let Some(ast) = s.tree(&unit.source.text) else {
                continue;
            };
            let touches = match &*ast {
                Ast::CreateFunction(_) | Ast::AlterFunction(_) | Ast::DropFunction(_) => {
                    touches(&ast)
                }
                // `CREATE OR REPLACE VIEW` and the like.
                _ => continue,
            };
            out.push(FunctionStatement {
                unit: u,
                stmt: i,
                says_function,
                touches,
            });
        }
    }
    out
}

/// [`read`] of a set's units, made once for every rule that asks ([`SetCx::functions`]).
pub(super) fn of_set<'c>(cx: &'c SetCx<'_>) -> &'c [FunctionStatement] {
    cx.functions.get_or_init(|| read(cx.units))
}

fn touches(ast: &Ast) -> Vec<Touch> {
    match ast {
        Ast::DropFunction(d) => d
            .func_desc
            .iter()
            .map(|f| Touch {
                sig: Signature::new(&f.name, f.args.as_ref()),
                written: qual(&f.name).to_string(),
                act: Act::Drop,
            })
            .collect(),
        Ast::CreateFunction(f) => {
            let trigger = matches!(
                &f.return_type,
                Some(FunctionReturnType::DataType(DataType::Trigger))
            ) || matches!(&f.return_type, Some(FunctionReturnType::DataType(DataType::Custom(n, _))) if qual(n).name == "event_trigger");
            vec![Touch {
                sig: Signature::new(&f.name, f.args.as_ref()),
                written: qual(&f.name).to_string(),
                act: Act::Create {
                    definer: f.security == Some(FunctionSecurity::Definer),
                    sets_path: f.set_params.iter().any(|p| sets_search_path(&p.name)),
                    trigger,
                },
            }]
        }
        Ast::AlterFunction(f) => {
            let AlterFunctionOperation::Actions { actions, .. } = &f.operation else {
                return Vec::new();
            };
            let security = |a: &AlterFunctionAction| match a {
                AlterFunctionAction::Security { security, .. } => {
                    Some(*security == FunctionSecurity::Definer)
                }
                _ => None,
            };
            vec![Touch {
                sig: Signature::new(&f.function.name, f.function.args.as_ref()),
                written: qual(&f.function.name).to_string(),
                act: Act::Alter {
                    any_definer: actions.iter().any(|a| security(a) == Some(true)),
                    last_security: actions.iter().rev().find_map(security),
                    sets_path: actions.iter().any(
                        |a| matches!(a, AlterFunctionAction::Set(p) if sets_search_path(&p.name)),
                    ),
                },
            }]
        }
        _ => Vec::new(),
    }
}
