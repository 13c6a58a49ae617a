//! The evaluator: statements and expressions of a checked program, run over [`Value`]s.
//!
//! Control flow that leaves an expression early (`return`, `break`, `continue`, `?`, a trap)
//! travels as the error of a `Result`, so every construct propagates it with `?` and nothing
//! is special-cased. Locals live in a map per call frame; every `let` introduces a new
//! [`LocalId`], so shadowing and scopes need no bookkeeping here.

use std::collections::HashMap;

use claw_syntax::ast::{
    self, ArmBody, BinaryOp, Block, ExprId, ExprKind, FormatPart, PatId, PatKind, StmtKind,
};

use super::ops;
use super::value::{from_wave, map_find, map_insert, to_wave, Value};
use super::{Host, Trap};
use crate::program::{
    BodyFacts, Builtin, FuncId, FuncKind, GlobalId, LocalId, PatRes, Program, Res,
};
use crate::types::{TypeDef, TypeId};

/// How far recursion may go before the interpreter gives up, as the compiled code does when
/// its stack runs out (at a depth that differs: compare only programs that stay below both).
const MAX_DEPTH: u32 = 2_000;

/// The trap message when [`Machine::fuel`] runs out.
pub const OUT_OF_FUEL: &str = "out of fuel";

/// Why evaluation left the code it was in.
pub enum Unwind {
    Trap(Trap),
    /// Leaves the loop this many loops out from the innermost one.
    Break(u32),
    /// Goes round the loop this many loops out from the innermost one.
    Continue(u32),
    Return(Value),
}

impl From<Trap> for Unwind {
    fn from(trap: Trap) -> Unwind {
        Unwind::Trap(trap)
    }
}

type Flow<T> = Result<T, Unwind>;

/// The resources an instance implements that are alive: each handle's resource type and
/// representation (a tuple of its fields), by handle. Handle 0 is never given out, so a
/// variable a handle moved out of holds no handle.
pub struct Handles {
    table: Vec<Option<(TypeId, Value)>>,
}

impl Default for Handles {
    fn default() -> Handles {
        Handles { table: vec![None] }
    }
}

impl Handles {
    pub fn live(&self) -> usize {
        self.table.iter().flatten().count()
    }

    fn rep(&mut self, handle: u32) -> Flow<&mut Value> {
        match self.table.get_mut(handle as usize) {
            Some(Some((_, rep))) => Ok(rep),
            _ => Err(Unwind::Trap(Trap::new("unknown handle"))),
        }
    }
}

/// The state of one instance: its globals, what it printed, and the host it calls.
pub struct Machine<'p> {
    pub program: &'p Program,
    pub globals: Vec<Value>,
    pub handles: Handles,
    pub stdout: String,
    pub host: Box<dyn Host>,
    /// Statements left to run before the call stops with an out-of-fuel trap, if limited.
    pub fuel: Option<u64>,
    depth: u32,
}

/// One call's locals, and the body it runs.
struct Frame<'p> {
    ast: &'p ast::Body,
    facts: &'p BodyFacts,
    locals: HashMap<LocalId, Value>,
    /// The variables owning handles in each scope open here, outermost first: what is
    /// dropped when the scope ends, whichever way it ends.
    scopes: Vec<Vec<LocalId>>,
}

impl<'p> Frame<'p> {
    fn new(ast: &'p ast::Body, facts: &'p BodyFacts) -> Self {
        Frame {
            ast,
            facts,
            locals: HashMap::new(),
            scopes: Vec::new(),
        }
    }
}

/// Where an assignment, `push` or `pop` writes: a variable and the fields, flags and elements
/// to walk inside it.
struct Place {
    root: Root,
    steps: Vec<Step>,
}

#[derive(Clone, Copy)]
enum Root {
    Local(LocalId),
    Global(GlobalId),
}

#[derive(Clone, Copy)]
enum Step {
    /// A record or tuple field, or one flag of a flags value.
    Field(usize),
    Index(usize),
    /// From a handle to its resource's representation.
    Deref,
}

fn out_of_bounds() -> Unwind {
    Unwind::Trap(Trap::new("index out of bounds"))
}

/// The value `steps` lead to inside the variable `root`, or an out-of-bounds trap (a list may
/// have shrunk since the place was resolved).
fn slot<'a>(
    globals: &'a mut [Value],
    handles: &'a mut Handles,
    frame: &'a mut Frame<'_>,
    root: Root,
    steps: &[Step],
) -> Flow<&'a mut Value> {
    // A step through a handle starts again from the table.
    let last = steps.iter().rposition(|s| matches!(s, Step::Deref));
    let Some(at) = last else {
        let value = match root {
            Root::Local(local) => frame.locals.get_mut(&local).expect("bound before use"),
            Root::Global(global) => &mut globals[global.0 as usize],
        };
        return walk(value, steps);
    };
    let handle = match slot(globals, handles, frame, root, &steps[..at])? {
        Value::Handle(handle) => *handle,
        other => unreachable!("checked: a handle, not {other:?}"),
    };
    walk(handles.rep(handle)?, &steps[at + 1..])
}

/// A list's or a string's length (a string's in bytes).
fn length(value: &Value) -> usize {
    match value {
        Value::Str(text) => text.len(),
        Value::List(items) => items.len(),
        other => unreachable!("checked: no length for {other:?}"),
    }
}

/// The value `steps` lead to inside `value`, or an out-of-bounds trap.
fn walk<'v>(mut value: &'v mut Value, steps: &[Step]) -> Flow<&'v mut Value> {
    for step in steps {
        value = match (value, *step) {
            (Value::Fields(fields), Step::Field(i)) => &mut fields[i],
            (Value::List(items), Step::Index(i)) => items.get_mut(i).ok_or_else(out_of_bounds)?,
            (_, Step::Deref) => unreachable!("`slot` goes through handles"),
            (other, _) => unreachable!("checked: no such place in {other:?}"),
        };
    }
    Ok(value)
}

impl<'p> Machine<'p> {
    /// The value `steps` lead to inside `root` (see [`slot`]).
    fn slot<'a>(
        &'a mut self,
        frame: &'a mut Frame<'_>,
        root: Root,
        steps: &[Step],
    ) -> Flow<&'a mut Value> {
        slot(&mut self.globals, &mut self.handles, frame, root, steps)
    }

    pub fn new(program: &'p Program, host: Box<dyn Host>, globals: Vec<Value>) -> Self {
        Machine {
            program,
            globals,
            handles: Handles::default(),
            stdout: String::new(),
            host,
            fuel: None,
            depth: 0,
        }
    }

    /// The globals' values before the first call.
    pub fn initial_globals(program: &Program) -> Vec<Value> {
        let mut machine = Machine::new(program, Box::new(super::NoImports), Vec::new());
        for (id, global) in program.globals.iter().enumerate() {
            // Initializers are constants, so they cannot fail.
            let value = match (global.init, program.global_body(GlobalId(id as u32))) {
                (Some(init), Some((ast, facts))) => machine
                    .expr(&mut Frame::new(ast, facts), init)
                    .unwrap_or(Value::Unit),
                _ => Value::Unit,
            };
            machine.globals.push(value);
        }
        machine.globals
    }

    /// Calls function `func` with `args`; its result, or `Unit` for a function without one.
    pub fn call(&mut self, func: usize, args: Vec<Value>) -> Result<Value, Trap> {
        let program = self.program;
        let Some((syntax, facts)) = program.func_body(FuncId(func as u32)) else {
            return self.call_import(func, args);
        };
        if self.depth >= MAX_DEPTH {
            return Err(Trap::new("call stack exhausted"));
        }
        self.depth += 1;
        let mut frame = Frame::new(&syntax.body, facts);
        // A function's parameters are its body's first locals, in a scope around its block.
        frame.scopes.push(Vec::new());
        for (param, arg) in args.into_iter().enumerate() {
            frame.locals.insert(LocalId(param as u32), arg);
            self.owns(&mut frame, LocalId(param as u32));
        }
        let flow = self.block(&mut frame, &syntax.block);
        let flow = self.close_scope(&mut frame, flow);
        self.depth -= 1;
        match flow {
            Ok(()) => Ok(Value::Unit),
            Err(Unwind::Return(value)) => Ok(value),
            Err(Unwind::Trap(trap)) => Err(trap),
            Err(Unwind::Break(_) | Unwind::Continue(_)) => unreachable!("checked: inside a loop"),
        }
    }

    fn call_import(&mut self, func: usize, args: Vec<Value>) -> Result<Value, Trap> {
        let program = self.program;
        let types = &program.types;
        let def = &program.funcs[func];
        let FuncKind::Imported {
            interface,
            wit_name,
        } = &def.kind
        else {
            unreachable!("only imports come here")
        };
        let args: Vec<_> = args
            .iter()
            .zip(&def.param_types)
            .map(|(v, &t)| to_wave(types, t, v))
            .collect();
        let result = self
            .host
            .call(interface.as_deref(), wit_name, &args)
            .map_err(Trap::new)?;
        Ok(match (def.result, result) {
            (Some(ty), Some(value)) => from_wave(types, ty, &value),
            (None, None) => Value::Unit,
            _ => {
                return Err(Trap::new(format!(
                    "host function `{wit_name}` gave the wrong result"
                )))
            }
        })
    }

    fn block(&mut self, frame: &mut Frame<'p>, block: &Block) -> Flow<()> {
        frame.scopes.push(Vec::new());
        let mut flow = Ok(());
        for &stmt in &block.stmts {
            flow = self.stmt(frame, stmt);
            if flow.is_err() {
                break;
            }
        }
        self.close_scope(frame, flow)
    }

    /// Puts `local` in the innermost scope if its value may own a handle.
    fn owns(&mut self, frame: &mut Frame<'p>, local: LocalId) {
        let ty = frame.facts.locals[local.0 as usize].ty;
        if self.program.types.contains_own(ty) {
            frame
                .scopes
                .last_mut()
                .expect("a scope is open")
                .push(local);
        }
    }

    /// Ends the innermost scope, however it was left: drops what its variables still
    /// hold, the last declared first. A trap while dropping replaces how it was left.
    fn close_scope<T>(&mut self, frame: &mut Frame<'p>, flow: Flow<T>) -> Flow<T> {
        let locals = frame.scopes.pop().expect("a scope is open");
        for local in locals.into_iter().rev() {
            let ty = frame.facts.locals[local.0 as usize].ty;
            if let Some(value) = frame.locals.insert(local, Value::Unit) {
                self.drop_value(&value, ty)?;
            }
        }
        flow
    }

    /// Drops every owned handle in `value`, of type `ty`: a resource the program
    /// implements runs its `drop` block, then drops what its representation owns.
    fn drop_value(&mut self, value: &Value, ty: TypeId) -> Flow<()> {
        let program = self.program;
        let types = &program.types;
        if !types.contains_own(ty) {
            return Ok(());
        }
        match (types.def(ty), value) {
            (TypeDef::Resource { .. }, Value::Handle(handle)) => {
                if *handle == 0 {
                    return Ok(());
                }
                let Some(implementation) = program.implementation(ty) else {
                    return Err(Unwind::Trap(Trap::new(
                        "the interpreter cannot drop handles of imported resources",
                    )));
                };
                if let Some(drop) = implementation.drop {
                    self.call(drop.0 as usize, vec![Value::Handle(*handle)])?;
                }
                let rep = match self
                    .handles
                    .table
                    .get_mut(*handle as usize)
                    .and_then(Option::take)
                {
                    Some((_, rep)) => rep,
                    None => return Err(Unwind::Trap(Trap::new("unknown handle"))),
                };
                self.drop_value(&rep, implementation.rep)
            }
            (TypeDef::List(elem), Value::List(items)) => {
                for item in items {
                    self.drop_value(item, *elem)?;
                }
                Ok(())
            }
            (_, Value::Fields(values)) => {
                let fields = types.fields(ty).expect("checked: fields");
                for (value, (_, field)) in values.iter().zip(fields) {
                    self.drop_value(value, field)?;
                }
                Ok(())
            }
            (_, Value::Case(case, Some(payload))) => {
                match types.case(ty, *case).and_then(|c| c.1) {
                    Some(payload_ty) => self.drop_value(payload, payload_ty),
                    None => Ok(()),
                }
            }
            // A moved-out value.
            _ => Ok(()),
        }
    }

    /// Uses one unit of fuel: each statement and each loop round costs one, so a run that
    /// does not end runs out.
    fn burn(&mut self) -> Flow<()> {
        self.burn_n(1)
    }

    fn burn_n(&mut self, units: u64) -> Flow<()> {
        if let Some(fuel) = &mut self.fuel {
            if *fuel < units {
                *fuel = 0;
                return Err(Unwind::Trap(Trap::new(OUT_OF_FUEL)));
            }
            *fuel -= units;
        }
        Ok(())
    }

    /// Charges for a value just copied or built, by its length, so fuel also bounds the
    /// memory a call can take (a loop doubling a list runs out of fuel, not of memory).
    fn burn_size(&mut self, value: &Value) -> Flow<()> {
        match value {
            Value::List(items) => self.burn_n(items.len() as u64),
            Value::Str(text) => self.burn_n(text.len() as u64 / 16),
            _ => Ok(()),
        }
    }

    /// Runs a loop body: `Ok(true)` to go round again, `Ok(false)` after a `break`.
    fn body(&mut self, frame: &mut Frame<'p>, block: &Block) -> Flow<bool> {
        self.burn()?;
        match self.block(frame, block) {
            Ok(()) | Err(Unwind::Continue(0)) => Ok(true),
            Err(Unwind::Break(0)) => Ok(false),
            // A jump to a loop further out leaves this one on the way.
            Err(Unwind::Break(n)) => Err(Unwind::Break(n - 1)),
            Err(Unwind::Continue(n)) => Err(Unwind::Continue(n - 1)),
            Err(other) => Err(other),
        }
    }

    fn stmt(&mut self, frame: &mut Frame<'p>, id: claw_syntax::ast::StmtId) -> Flow<()> {
        self.burn()?;
        let program = self.program;
        let (ast, facts) = (frame.ast, frame.facts);
        match &ast.stmts[id].kind {
            StmtKind::Let { init, .. } => {
                let value = self.expr(frame, *init)?;
                frame.locals.insert(facts.let_locals[id], value);
                self.owns(frame, facts.let_locals[id]);
            }
            StmtKind::Assign { place, op, value } => {
                // The value first, then the place, as in Rust.
                let rhs = self.expr(frame, *value)?;
                let target = self.place(frame, *place)?;
                let place_ty = facts.expr_type(*place);
                let new = match op {
                    Some(op) => {
                        let old = self.read(frame, &target)?;
                        ops::binary(&program.types, *op, place_ty, old, rhs)?
                    }
                    None if program.types.contains_own(place_ty) => {
                        // The old value is dropped before the new one goes in.
                        let old = self.read(frame, &target)?;
                        self.write(frame, &target, Value::Unit)?;
                        self.drop_value(&old, place_ty)?;
                        rhs
                    }
                    None => rhs,
                };
                self.write(frame, &target, new)?;
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                for (cond, block) in branches {
                    // An `if let`'s names are a scope around its block.
                    frame.scopes.push(Vec::new());
                    match self.condition(frame, *cond) {
                        Ok(true) => {
                            let flow = self.block(frame, block);
                            return self.close_scope(frame, flow);
                        }
                        Ok(false) => {
                            frame.scopes.pop();
                        }
                        Err(unwind) => {
                            frame.scopes.pop();
                            return Err(unwind);
                        }
                    }
                }
                if let Some(block) = otherwise {
                    self.block(frame, block)?;
                }
            }
            StmtKind::While { cond, body, .. } => {
                while self.expr(frame, *cond)?.bool() {
                    if !self.body(frame, body)? {
                        break;
                    }
                }
            }
            StmtKind::Loop { body, .. } => while self.body(frame, body)? {},
            StmtKind::For { iter, body, .. } => self.for_loop(frame, id, *iter, body)?,
            StmtKind::Break(_) => return Err(Unwind::Break(frame.facts.jumps[id])),
            StmtKind::Continue(_) => return Err(Unwind::Continue(frame.facts.jumps[id])),
            StmtKind::Return(value) => {
                let value = match value {
                    Some(value) => self.expr(frame, *value)?,
                    None => Value::Unit,
                };
                return Err(Unwind::Return(value));
            }
            StmtKind::Expr(expr) => {
                let value = self.expr(frame, *expr)?;
                self.drop_value(&value, facts.expr_type(*expr))?;
            }
        }
        Ok(())
    }

    /// An `if` branch's condition: a `bool`, or an `if let` that binds when it matches.
    fn condition(&mut self, frame: &mut Frame<'p>, cond: ExprId) -> Flow<bool> {
        let (ast, facts) = (frame.ast, frame.facts);
        if let ExprKind::Let { pat, value } = &ast.exprs[ast.unparen(cond)].kind {
            let v = self.expr(frame, *value)?;
            let matched = self.matches(frame, *pat, facts.expr_type(*value), &v);
            if matched {
                self.own_bindings(frame, *pat);
            }
            return Ok(matched);
        }
        Ok(self.expr(frame, cond)?.bool())
    }

    fn for_loop(
        &mut self,
        frame: &mut Frame<'p>,
        id: claw_syntax::ast::StmtId,
        iter: ExprId,
        body: &Block,
    ) -> Flow<()> {
        let (ast, facts) = (frame.ast, frame.facts);
        let binding = facts.for_locals[id];
        let iter = ast.unparen(iter);
        let items: Box<dyn Iterator<Item = Value>> = match &ast.exprs[iter].kind {
            ExprKind::Range {
                start,
                end,
                inclusive,
            } => {
                let start = self.expr(frame, *start)?.int();
                let end = self.expr(frame, *end)?.int();
                if *inclusive {
                    Box::new((start..=end).map(Value::Int))
                } else {
                    Box::new((start..end).map(Value::Int))
                }
            }
            ExprKind::Method { receiver, .. }
                if facts.expr_res.get(iter) == Some(&Res::Builtin(Builtin::Chars)) =>
            {
                let text = self.expr(frame, *receiver)?;
                let chars: Vec<_> = text.str().chars().map(Value::Char).collect();
                Box::new(chars.into_iter())
            }
            _ => Box::new(self.expr(frame, iter)?.list().into_iter()),
        };
        for item in items {
            frame.locals.insert(binding, item);
            if !self.body(frame, body)? {
                break;
            }
        }
        Ok(())
    }

    fn expr(&mut self, frame: &mut Frame<'p>, id: ExprId) -> Flow<Value> {
        let program = self.program;
        let (ast, facts) = (frame.ast, frame.facts);
        let types = &program.types;
        let ty = facts.expr_type(id);
        Ok(match &ast.exprs[id].kind {
            ExprKind::New { fields, .. } => {
                let implementation = program
                    .implementation(ty)
                    .expect("checked: a resource the program implements");
                // Evaluated as written, kept in declaration order.
                let mut values = vec![Value::Unit; implementation.fields.len()];
                for (name, value) in fields {
                    let index = implementation
                        .fields
                        .iter()
                        .position(|f| f.0 == name.text)
                        .expect("checked: a field");
                    values[index] = self.expr(frame, *value)?;
                }
                self.handles.table.push(Some((ty, Value::Fields(values))));
                Value::Handle(self.handles.table.len() as u32 - 1)
            }
            ExprKind::Paren(inner) => {
                let value = self.expr(frame, *inner)?;
                // `(5)` where a `tuple<u8>` is expected: WAVE's one-element tuple.
                if ty == facts.expr_type(*inner) {
                    value
                } else {
                    Value::Fields(vec![value])
                }
            }
            ExprKind::Int(v) => ops::literal_int(types, ty, *v),
            ExprKind::Float(v) if ty == TypeId::F32 => Value::F32(*v as f32),
            ExprKind::Float(v) => Value::F64(*v),
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Char(c) => Value::Char(*c),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Path(_) => match facts.expr_res.get(id) {
                // A move leaves nothing behind.
                Some(Res::Local(local)) if facts.moves.contains_idx(id) => frame
                    .locals
                    .insert(*local, Value::Unit)
                    .expect("bound before use"),
                Some(Res::Local(local)) => {
                    let value = frame.locals[local].clone();
                    self.burn_size(&value)?;
                    value
                }
                // Moving out of an option or list global leaves `none` or `[]`.
                Some(Res::Global(global)) if facts.moves.contains_idx(id) => {
                    let empty = match types.def(ty) {
                        TypeDef::List(_) => Value::List(Vec::new()),
                        _ => Value::Case(0, None),
                    };
                    std::mem::replace(&mut self.globals[global.0 as usize], empty)
                }
                Some(Res::Global(global)) => {
                    let value = self.globals[global.0 as usize].clone();
                    self.burn_size(&value)?;
                    value
                }
                Some(Res::Case { case, .. }) => Value::Case(*case, None),
                other => unreachable!("checked: a value, not {other:?}"),
            },
            ExprKind::Call { args, .. } => {
                let mut values = Vec::with_capacity(args.len());
                for &arg in args {
                    values.push(self.expr(frame, arg)?);
                }
                match facts.expr_res.get(id) {
                    Some(Res::Func(func)) => self.call(func.0 as usize, values)?,
                    Some(Res::Case { case, .. }) => Value::Case(*case, values.pop().map(Box::new)),
                    Some(Res::Builtin(Builtin::Print { newline })) => {
                        self.stdout.push_str(values[0].str());
                        if *newline {
                            self.stdout.push('\n');
                        }
                        Value::Unit
                    }
                    Some(Res::Builtin(Builtin::Drop)) => {
                        self.drop_value(&values[0], facts.expr_type(args[0]))?;
                        Value::Unit
                    }
                    Some(Res::Builtin(Builtin::FromBits)) => match ty {
                        TypeId::F32 => Value::F32(f32::from_bits(values[0].int() as u32)),
                        _ => Value::F64(f64::from_bits(values[0].int() as u64)),
                    },
                    Some(Res::Builtin(Builtin::FromUtf8)) => {
                        let bytes: Vec<u8> = match &values[0] {
                            Value::List(items) => items.iter().map(|b| b.int() as u8).collect(),
                            other => unreachable!("checked: a list<u8>, not {other:?}"),
                        };
                        match String::from_utf8(bytes) {
                            Ok(text) => Value::Case(0, Some(Box::new(Value::Str(text)))),
                            Err(err) => Value::Case(
                                1,
                                Some(Box::new(Value::Str(format!(
                                    "{}{}",
                                    crate::codegen::UTF8_ERROR,
                                    err.utf8_error().valid_up_to()
                                )))),
                            ),
                        }
                    }
                    other => unreachable!("checked: a callee, not {other:?}"),
                }
            }
            ExprKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for &item in items {
                    values.push(self.expr(frame, item)?);
                }
                Value::List(values)
            }
            ExprKind::Tuple(items) => {
                let mut values = Vec::with_capacity(items.len());
                for &item in items {
                    values.push(self.expr(frame, item)?);
                }
                Value::Fields(values)
            }
            ExprKind::Record(fields) => {
                // Evaluated as written, stored in declaration order.
                let mut given = Vec::with_capacity(fields.len());
                for (name, value) in fields {
                    given.push((name.text.as_str(), Some(self.expr(frame, *value)?)));
                }
                let declared = types.fields(ty).expect("checked: a record type");
                Value::Fields(
                    declared
                        .iter()
                        .map(|(name, _)| {
                            let slot = given.iter_mut().find(|(n, _)| n == name);
                            slot.and_then(|(_, v)| v.take())
                                .expect("checked: every field")
                        })
                        .collect(),
                )
            }
            ExprKind::Map(entries) => {
                let mut map = Vec::with_capacity(entries.len());
                for &(key, value) in entries {
                    let key = self.expr(frame, key)?;
                    let value = self.expr(frame, value)?;
                    map_insert(&mut map, (key, value));
                }
                Value::List(map)
            }
            // `{}` where a map is expected.
            ExprKind::Flags(_) if matches!(types.def(ty), TypeDef::Map { .. }) => {
                Value::List(Vec::new())
            }
            ExprKind::Flags(names) => {
                let TypeDef::Flags { flags, .. } = types.def(ty) else {
                    unreachable!("checked: a flags type")
                };
                Value::Flags(
                    flags
                        .iter()
                        .map(|f| names.iter().any(|n| n.text == *f))
                        .collect(),
                )
            }
            // A field inside a variable: read it, not a copy of the whole variable. (An index
            // is evaluated after its list, which it might change, so elements are not read
            // this way.)
            ExprKind::Field { .. } if Self::is_field_path(frame, id) => {
                let place = self.place(frame, id)?;
                self.read(frame, &place)?
            }
            ExprKind::Field { base, .. } => {
                let Some(Res::Field(index)) = facts.expr_res.get(id) else {
                    unreachable!("checked: a field")
                };
                match self.expr(frame, *base)? {
                    Value::Fields(mut fields) => fields.swap_remove(*index as usize),
                    Value::Flags(flags) => Value::Bool(flags[*index as usize]),
                    Value::Handle(handle) => match self.handles.rep(handle)? {
                        Value::Fields(fields) => fields[*index as usize].clone(),
                        other => unreachable!("a representation, not {other:?}"),
                    },
                    other => unreachable!("checked: fields, not {other:?}"),
                }
            }
            ExprKind::Index { .. } if ast.slice(id).is_some() => {
                let (base, start, end, inclusive) = ast.slice(id).expect("a slice");
                let value = self.expr(frame, base)?;
                let start = self.expr(frame, start)?.int() as usize;
                let end = self.expr(frame, end)?.int() as usize;
                let len = length(&value);
                let end = match inclusive {
                    true if end < len => end + 1,
                    false if end <= len => end,
                    _ => return Err(out_of_bounds()),
                };
                if start > end {
                    return Err(out_of_bounds());
                }
                match value {
                    Value::Str(text) => match text.get(start..end) {
                        Some(part) => Value::Str(part.to_owned()),
                        None => {
                            return Err(Unwind::Trap(Trap::new("slice is not on a char boundary")))
                        }
                    },
                    Value::List(items) => Value::List(items[start..end].to_vec()),
                    other => unreachable!("checked: a list or string, not {other:?}"),
                }
            }
            ExprKind::Index { base, index }
                if facts.expr_res.get(id) == Some(&Res::Builtin(Builtin::Byte)) =>
            {
                let text = self.expr(frame, *base)?;
                let i = self.expr(frame, *index)?.int();
                let byte = text.str().as_bytes().get(i as usize).copied();
                Value::Int(byte.ok_or_else(out_of_bounds)?.into())
            }
            ExprKind::Index { base, index }
                if facts.expr_res.get(id) == Some(&Res::Builtin(Builtin::Lookup)) =>
            {
                // The key first, then the map, as compiled code reads the map in place.
                let key = self.expr(frame, *index)?;
                let map = self.expr(frame, *base)?.list();
                let at =
                    map_find(&map, &key).ok_or_else(|| Unwind::Trap(Trap::new("key not found")))?;
                map.into_iter().nth(at).expect("found").pair().1
            }
            ExprKind::Index { base, index } => {
                let list = self.expr(frame, *base)?.list();
                let i = self.expr(frame, *index)?.int();
                list.into_iter().nth(i as usize).ok_or_else(out_of_bounds)?
            }
            ExprKind::Method { receiver, args, .. } => match facts.expr_res.get(id) {
                // A resource's method, with the handle lent as `self`, or a library's, with
                // the receiver as its first argument.
                Some(Res::Func(func)) => {
                    let mut values = vec![self.expr(frame, *receiver)?];
                    for &arg in args {
                        values.push(self.expr(frame, arg)?);
                    }
                    self.call(func.0 as usize, values)?
                }
                Some(Res::Builtin(Builtin::Len)) if Self::is_field_path(frame, *receiver) => {
                    let place = self.place(frame, *receiver)?;
                    Value::Int(self.len_at(frame, &place)? as i128)
                }
                Some(Res::Builtin(Builtin::Len)) => {
                    let value = self.expr(frame, *receiver)?;
                    Value::Int(length(&value) as i128)
                }
                Some(Res::Builtin(Builtin::ToString)) => {
                    Value::Str(ops::to_string(&self.expr(frame, *receiver)?))
                }
                Some(Res::Builtin(Builtin::Float(op))) => {
                    let mut operands = vec![self.expr(frame, *receiver)?];
                    for &arg in args {
                        operands.push(self.expr(frame, arg)?);
                    }
                    ops::float_method(*op, &operands)
                }
                Some(Res::Builtin(Builtin::ToBits)) => match self.expr(frame, *receiver)? {
                    Value::F32(x) => Value::Int(x.to_bits().into()),
                    Value::F64(x) => Value::Int(x.to_bits().into()),
                    other => unreachable!("checked: to-bits on a float, not {other:?}"),
                },
                Some(Res::Builtin(Builtin::Bytes)) => {
                    let text = self.expr(frame, *receiver)?;
                    Value::List(text.str().bytes().map(|b| Value::Int(b.into())).collect())
                }
                Some(Res::Builtin(builtin @ (Builtin::Get | Builtin::ContainsKey))) => {
                    let key = self.expr(frame, args[0])?;
                    let map = self.expr(frame, *receiver)?.list();
                    let found = map_find(&map, &key);
                    match (builtin, found) {
                        (Builtin::ContainsKey, found) => Value::Bool(found.is_some()),
                        (_, Some(at)) => {
                            let value = map.into_iter().nth(at).expect("found").pair().1;
                            Value::Case(1, Some(Box::new(value)))
                        }
                        (_, None) => Value::Case(0, None),
                    }
                }
                Some(Res::Builtin(Builtin::Insert))
                    if matches!(types.def(facts.expr_type(*receiver)), TypeDef::Map { .. }) =>
                {
                    let key = self.expr(frame, args[0])?;
                    let value = self.expr(frame, args[1])?;
                    let target = self.place(frame, *receiver)?;
                    let map = match self.slot(frame, target.root, &target.steps)? {
                        Value::List(map) => map,
                        other => unreachable!("checked: insert on a map, not {other:?}"),
                    };
                    match map_insert(map, (key, value)) {
                        Some(old) => Value::Case(1, Some(Box::new(old))),
                        None => Value::Case(0, None),
                    }
                }
                Some(Res::Builtin(Builtin::Remove))
                    if matches!(types.def(facts.expr_type(*receiver)), TypeDef::Map { .. }) =>
                {
                    let key = self.expr(frame, args[0])?;
                    let target = self.place(frame, *receiver)?;
                    let map = match self.slot(frame, target.root, &target.steps)? {
                        Value::List(map) => map,
                        other => unreachable!("checked: remove on a map, not {other:?}"),
                    };
                    match map_find(map, &key) {
                        Some(at) => Value::Case(1, Some(Box::new(map.remove(at).pair().1))),
                        None => Value::Case(0, None),
                    }
                }
                Some(Res::Builtin(Builtin::Push)) => {
                    let item = self.expr(frame, args[0])?;
                    let target = self.place(frame, *receiver)?;
                    match self.slot(frame, target.root, &target.steps)? {
                        Value::List(items) => items.push(item),
                        other => unreachable!("checked: push on a list, not {other:?}"),
                    }
                    Value::Unit
                }
                Some(Res::Builtin(Builtin::Pop)) => {
                    let target = self.place(frame, *receiver)?;
                    match self.slot(frame, target.root, &target.steps)? {
                        Value::List(items) => match items.pop() {
                            Some(item) => Value::Case(1, Some(Box::new(item))),
                            None => Value::Case(0, None),
                        },
                        other => unreachable!("checked: pop on a list, not {other:?}"),
                    }
                }
                Some(Res::Builtin(Builtin::Insert)) => {
                    let at = self.expr(frame, args[0])?.int() as usize;
                    let item = self.expr(frame, args[1])?;
                    let target = self.place(frame, *receiver)?;
                    match self.slot(frame, target.root, &target.steps)? {
                        Value::List(items) if at <= items.len() => items.insert(at, item),
                        Value::List(_) => return Err(out_of_bounds()),
                        other => unreachable!("checked: insert on a list, not {other:?}"),
                    }
                    Value::Unit
                }
                Some(Res::Builtin(Builtin::Remove)) => {
                    let at = self.expr(frame, args[0])?.int() as usize;
                    let target = self.place(frame, *receiver)?;
                    match self.slot(frame, target.root, &target.steps)? {
                        Value::List(items) if at < items.len() => items.remove(at),
                        Value::List(_) => return Err(out_of_bounds()),
                        other => unreachable!("checked: remove on a list, not {other:?}"),
                    }
                }
                other => unreachable!("checked: a method, not {other:?}"),
            },
            ExprKind::Match { scrutinee, arms } => {
                let scrutinee_ty = facts.expr_type(*scrutinee);
                let value = self.expr(frame, *scrutinee)?;
                let statement = facts.match_stmts.contains_idx(id);
                for arm in arms {
                    if !self.matches(frame, arm.pat, scrutinee_ty, &value) {
                        continue;
                    }
                    // The pattern's names are a scope around the guard and the arm: a guard
                    // that leaves (`?`, `return`, `break`) drops what they hold, and one that
                    // fails leaves the value to the next arm, dropping nothing.
                    frame.scopes.push(Vec::new());
                    self.own_bindings(frame, arm.pat);
                    if let Some(guard) = arm.guard {
                        match self.expr(frame, guard) {
                            Ok(holds) if holds.bool() => {}
                            Ok(_) => {
                                frame.scopes.pop();
                                continue;
                            }
                            Err(unwind) => return self.close_scope(frame, Err(unwind)),
                        }
                    }
                    let flow = match &arm.body {
                        ArmBody::Expr(body) if statement => {
                            // An arm of a `match` statement is a statement of its own.
                            self.expr(frame, *body).and_then(|v| {
                                self.drop_value(&v, facts.expr_type(*body))?;
                                Ok(Value::Unit)
                            })
                        }
                        ArmBody::Expr(body) => self.expr(frame, *body),
                        ArmBody::Block(block) => self.block(frame, block).map(|()| Value::Unit),
                    };
                    return self.close_scope(frame, flow);
                }
                unreachable!("checked: the arms are exhaustive")
            }
            ExprKind::Try(inner) => {
                let option = matches!(types.def(facts.expr_type(*inner)), TypeDef::Option(_));
                match (option, self.expr(frame, *inner)?) {
                    (true, Value::Case(1, Some(payload))) => *payload,
                    (true, _) => return Err(Unwind::Return(Value::Case(0, None))),
                    (false, Value::Case(0, payload)) => payload.map_or(Value::Unit, |p| *p),
                    (false, Value::Case(_, payload)) => {
                        return Err(Unwind::Return(Value::Case(1, payload)))
                    }
                    (_, other) => unreachable!("checked: `?` on a case, not {other:?}"),
                }
            }
            ExprKind::Format(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        FormatPart::Text(text) => out.push_str(text),
                        FormatPart::Expr(value) => match self.expr(frame, *value)? {
                            Value::Str(text) => out.push_str(&text),
                            other => out.push_str(&ops::to_string(&other)),
                        },
                    }
                }
                Value::Str(out)
            }
            ExprKind::Check { cond, .. } => {
                if self.expr(frame, *cond)?.bool() {
                    Value::Case(0, None)
                } else {
                    let message = facts.check_messages[id].clone();
                    Value::Case(1, Some(Box::new(Value::Str(message))))
                }
            }
            ExprKind::Unary { op, operand } => {
                let v = self.expr(frame, *operand)?;
                ops::unary(types, *op, ty, v)
            }
            ExprKind::Binary {
                op: op @ (BinaryOp::And | BinaryOp::Or),
                lhs,
                rhs,
            } => {
                let left = self.expr(frame, *lhs)?.bool();
                if left == (*op == BinaryOp::Or) {
                    Value::Bool(left)
                } else {
                    self.expr(frame, *rhs)?
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let a = self.expr(frame, *lhs)?;
                let b = self.expr(frame, *rhs)?;
                let value = ops::binary(types, *op, facts.expr_type(*lhs), a, b)?;
                self.burn_size(&value)?;
                value
            }
            ExprKind::Cast { expr, .. } => {
                let v = self.expr(frame, *expr)?;
                ops::cast(types, v, ty)
            }
            ExprKind::Range { .. } | ExprKind::Let { .. } | ExprKind::Error => {
                unreachable!("checked: not a value here")
            }
        })
    }

    /// Whether `value` (of type `ty`) matches `pat`, binding the pattern's names if it does.
    fn matches(&mut self, frame: &mut Frame<'p>, pat: PatId, ty: TypeId, value: &Value) -> bool {
        let program = self.program;
        let (ast, facts) = (frame.ast, frame.facts);
        match &ast.pats[pat].kind {
            PatKind::Wildcard => true,
            PatKind::Name(_) | PatKind::Case { .. } => match facts.pat_res.get(pat) {
                Some(PatRes::Bind(local)) => {
                    frame.locals.insert(*local, value.clone());
                    true
                }
                Some(PatRes::Case(case)) => {
                    let Value::Case(index, payload) = value else {
                        unreachable!("checked: a case")
                    };
                    if index != case {
                        return false;
                    }
                    match (&ast.pats[pat].kind, payload) {
                        (
                            PatKind::Case {
                                payload: Some(sub), ..
                            },
                            Some(payload),
                        ) => {
                            let cases = program.types.cases(ty).expect("checked: cases");
                            let payload_ty = cases[*case as usize].1.expect("checked: payload");
                            self.matches(frame, *sub, payload_ty, payload)
                        }
                        _ => true,
                    }
                }
                None => true,
            },
            PatKind::Int(v) => value.int() == *v,
            PatKind::Str(s) => value.str() == s,
            PatKind::Char(c) => matches!(value, Value::Char(x) if x == c),
            PatKind::Bool(b) => value.bool() == *b,
            PatKind::Tuple(items) => {
                let (Value::Fields(values), TypeDef::Tuple(item_types)) =
                    (value, program.types.def(ty).clone())
                else {
                    unreachable!("checked: a tuple")
                };
                items
                    .iter()
                    .zip(values)
                    .zip(item_types)
                    .all(|((&item, v), t)| self.matches(frame, item, t, v))
            }
            PatKind::Or(alternatives) => alternatives
                .iter()
                .any(|&alternative| self.matches(frame, alternative, ty, value)),
            PatKind::Range { .. } => {
                let (lo, hi) = ast.range_bounds(pat).expect("a range pattern");
                let at = match value {
                    Value::Char(c) => i128::from(u32::from(*c)),
                    other => other.int(),
                };
                (lo..=hi).contains(&at)
            }
        }
    }

    /// Puts the names a matched pattern bound in the innermost scope.
    fn own_bindings(&mut self, frame: &mut Frame<'p>, pat: PatId) {
        let ast = frame.ast;
        match &ast.pats[pat].kind {
            PatKind::Name(_) | PatKind::Case { .. } => match frame.facts.pat_res.get(pat) {
                Some(PatRes::Bind(local)) => self.owns(frame, *local),
                _ => {
                    if let PatKind::Case {
                        payload: Some(sub), ..
                    } = &ast.pats[pat].kind
                    {
                        self.own_bindings(frame, *sub);
                    }
                }
            },
            PatKind::Tuple(items) => {
                for &item in items {
                    self.own_bindings(frame, item);
                }
            }
            _ => {}
        }
    }

    /// Resolves a place expression: its variable, then each field and element, evaluating and
    /// bounds-checking indices as it goes (after the value that is stored is evaluated).
    fn place(&mut self, frame: &mut Frame<'p>, id: ExprId) -> Flow<Place> {
        let (ast, facts) = (frame.ast, frame.facts);
        match &ast.exprs[id].kind {
            ExprKind::Path(_) => Ok(Place {
                root: match facts.expr_res.get(id) {
                    Some(Res::Local(local)) => Root::Local(*local),
                    Some(Res::Global(global)) => Root::Global(*global),
                    other => unreachable!("checked: a variable, not {other:?}"),
                },
                steps: Vec::new(),
            }),
            ExprKind::Paren(inner) => self.place(frame, *inner),
            ExprKind::Field { base, .. } => {
                let mut place = self.place(frame, *base)?;
                let Some(Res::Field(index)) = facts.expr_res.get(id) else {
                    unreachable!("checked: a field")
                };
                if self
                    .program
                    .types
                    .resource(facts.expr_type(*base))
                    .is_some()
                {
                    place.steps.push(Step::Deref);
                }
                place.steps.push(Step::Field(*index as usize));
                Ok(place)
            }
            ExprKind::Index { base, index } => {
                let mut place = self.place(frame, *base)?;
                let i = self.expr(frame, *index)?.int() as usize;
                if i >= self.len_at(frame, &place)? {
                    return Err(out_of_bounds());
                }
                place.steps.push(Step::Index(i));
                Ok(place)
            }
            other => unreachable!("checked: not a place: {other:?}"),
        }
    }

    /// Whether `id` names a variable or a field inside one (`p`, `r.pos.x`): a place whose
    /// resolution evaluates nothing.
    fn is_field_path(frame: &Frame<'_>, id: ExprId) -> bool {
        let (ast, facts) = (frame.ast, frame.facts);
        match &ast.exprs[id].kind {
            ExprKind::Path(_) => {
                matches!(facts.expr_res.get(id), Some(Res::Local(_) | Res::Global(_)))
            }
            ExprKind::Field { base, .. } | ExprKind::Paren(base) => {
                Self::is_field_path(frame, *base)
            }
            _ => false,
        }
    }

    /// The length of the list or string at `place`, without copying it.
    fn len_at(&mut self, frame: &mut Frame<'p>, place: &Place) -> Flow<usize> {
        Ok(length(self.slot(frame, place.root, &place.steps)?))
    }

    fn read(&mut self, frame: &mut Frame<'p>, place: &Place) -> Flow<Value> {
        let (flag, steps) = self.split_flag(frame.facts, place);
        Ok(match (flag, self.slot(frame, place.root, steps)?) {
            (Some(bit), Value::Flags(flags)) => Value::Bool(flags[bit]),
            (_, value) => value.clone(),
        })
    }

    fn write(&mut self, frame: &mut Frame<'p>, place: &Place, new: Value) -> Flow<()> {
        let (flag, steps) = self.split_flag(frame.facts, place);
        match (flag, self.slot(frame, place.root, steps)?) {
            (Some(bit), Value::Flags(flags)) => flags[bit] = new.bool(),
            (_, slot) => *slot = new,
        }
        Ok(())
    }

    /// A place's last step when it picks one flag of a flags value, and the steps before it.
    fn split_flag<'s>(&self, facts: &BodyFacts, place: &'s Place) -> (Option<usize>, &'s [Step]) {
        if let Some((Step::Field(bit), before)) = place.steps.split_last() {
            if self.is_flags(facts, place.root, before) {
                return (Some(*bit), before);
            }
        }
        (None, &place.steps)
    }

    /// Whether the value at `steps` inside `root` is a flags value, from the types alone.
    fn is_flags(&self, facts: &BodyFacts, root: Root, steps: &[Step]) -> bool {
        let program = self.program;
        let types = &program.types;
        let mut ty = match root {
            Root::Local(local) => facts.locals[local.0 as usize].ty,
            Root::Global(global) => program.globals[global.0 as usize].ty,
        };
        for step in steps {
            ty = match (types.def(ty), step) {
                (_, Step::Deref) => {
                    match types.resource(ty).and_then(|r| program.implementation(r)) {
                        Some(implementation) => implementation.rep,
                        None => return false,
                    }
                }
                (TypeDef::List(elem), Step::Index(_)) => *elem,
                (_, Step::Field(i)) => match types.fields(ty) {
                    Some(fields) => fields[*i].1,
                    None => return false,
                },
                _ => return false,
            };
        }
        matches!(types.def(ty), TypeDef::Flags { .. })
    }
}
