//! Type-directed expressions: given a wanted type, build an expression of it from the
//! variables in scope, literals, operators, casts, calls, fields, `match`, `?` and methods,
//! with a depth limit so expressions stay small.
//!
//! Claw's inference is bidirectional (see `check/expr.rs`): a literal takes the type its
//! context expects, and an operator's literal operand takes the other operand's type. The
//! generator mirrors that with [`Want`], so that every expression it writes checks as the
//! type it was built for.

use crate::context::{Gen, MAX_REC_DEPTH};
use crate::types::{DeclKind, Int, Ty};
use crate::wave;

/// What the checker will know about the expression's type from its context.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Want {
    /// It checks the expression against the wanted type, so literals of any type work.
    Expected,
    /// It checks the expression with no expectation: the expression's own type must be the
    /// wanted one (a bare `5` is `s32`, so a `u8` needs `(5 as u8)` or a variable).
    Free,
    /// As `Free`, and not "literal-like" either (a literal or a local still flexible), so
    /// that it gives its type to a literal partner (a range's other bound).
    Typed,
}

/// Operator precedence, loosest first, as in Rust.
pub(crate) mod prec {
    pub(crate) const OR: u8 = 2;
    pub(crate) const AND: u8 = 3;
    pub(crate) const CMP: u8 = 4;
    pub(crate) const BITOR: u8 = 5;
    pub(crate) const BITXOR: u8 = 6;
    pub(crate) const BITAND: u8 = 7;
    pub(crate) const SHIFT: u8 = 8;
    pub(crate) const ADD: u8 = 9;
    pub(crate) const MUL: u8 = 10;
    pub(crate) const UNARY: u8 = 12;
    pub(crate) const PRIMARY: u8 = 13;
}

/// An expression's text and what its parent needs to know to place it.
#[derive(Clone, Debug)]
pub(crate) struct Expr {
    pub(crate) text: String,
    pub(crate) prec: u8,
    /// "Literal-like" in the checker's sense: number literals, and operators and matches
    /// made only of them.
    pub(crate) lit: bool,
    /// A number literal, which must be parenthesized before `.method()`.
    pub(crate) number: bool,
    /// For a list literal, how many elements it has.
    pub(crate) items: Option<u32>,
    /// Contains a `{`, so it needs parentheses at the head of an `if`, `while` or `match`.
    pub(crate) brace: bool,
}

impl Expr {
    pub(crate) fn primary(text: String) -> Expr {
        Expr {
            text,
            prec: prec::PRIMARY,
            lit: false,
            number: false,
            items: None,
            brace: false,
        }
    }

    /// The text, parenthesized unless it binds at least as tightly as `min`.
    pub(crate) fn at(&self, min: u8) -> String {
        if self.prec >= min {
            self.text.clone()
        } else {
            format!("({})", self.text)
        }
    }

    /// The text as the base of `.field`, `[i]`, `.method()` or `?`.
    pub(crate) fn base(&self) -> String {
        if self.prec >= prec::PRIMARY && !self.number {
            self.text.clone()
        } else {
            format!("({})", self.text)
        }
    }

    /// The text as a statement of its own (`e?;`), where a leading `match` would start a
    /// `match` statement.
    pub(crate) fn stmt(&self) -> String {
        let text = self.base();
        if text.starts_with("match ") {
            format!("({text})")
        } else {
            text
        }
    }

    /// The value of an `if let`, which `&&` and `||` would end.
    pub(crate) fn let_value(&self) -> String {
        if self.prec <= prec::AND {
            format!("({})", self.text)
        } else {
            self.head()
        }
    }

    /// The text as the head of an `if`, `while`, `match` or `for`, where a `{` would open
    /// the block.
    pub(crate) fn head(&self) -> String {
        if self.brace {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }

    fn wrap(text: String, prec: u8, parts: &[&Expr]) -> Expr {
        Expr {
            text,
            prec,
            lit: false,
            number: false,
            items: None,
            brace: parts.iter().any(|p| p.brace),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Prod {
    Lit,
    Access,
    Call,
    Arith,
    Unary,
    Cast,
    Match,
    Len,
    ToString,
    Concat,
    Compare,
    Logic,
    Try,
    Pop,
    Check,
    Lend,
    /// `xs[a..b]`, `s[a..=b]`: a copy of part of a list or string.
    Slice,
    /// `s.bytes()`, a `list<u8>`.
    Bytes,
    /// `string::from-utf8(bytes)`, as itself or as the text or error it gives.
    Decode,
    /// A method of the bundled libraries or a float instruction (`a.min(b)`, `s.split(",")`,
    /// `c.code()`, `u8::parse(s)`, `x.sqrt()`), or a string's byte `s[i]`.
    Method,
}

impl Gen<'_> {
    /// An expression of `ty` checked against `ty`; never fails.
    pub(crate) fn expect(&mut self, ty: &Ty, depth: u32) -> Expr {
        self.expr(ty, Want::Expected, depth)
            .expect("an expected type always has a literal")
    }

    /// An expression of `ty`, or `None` when none can be written for `want` (a record
    /// with no variable of its type in scope has no self-typed form).
    pub(crate) fn expr(&mut self, ty: &Ty, want: Want, depth: u32) -> Option<Expr> {
        if *ty == Ty::Borrow {
            // Only a handle in a variable can be lent.
            return self.lend_arg();
        }
        let mut options = self.productions(ty, depth);
        while !options.is_empty() {
            let weights: Vec<u32> = options.iter().map(|o| o.1).collect();
            let (prod, _) = options.remove(self.rng.weighted(&weights));
            let mark = self.pin_mark();
            if let Some(e) = self.produce(prod, ty, want, depth) {
                return Some(e);
            }
            // A failed production may have built parts (a `match` arm's `return …`, a
            // tuple's first element) that pinned soft variables before it gave up.
            self.unpin_since(mark);
        }
        None
    }

    fn productions(&self, ty: &Ty, depth: u32) -> Vec<(Prod, u32)> {
        use Prod::*;
        let deep = depth > 0;
        let mut out = vec![(Lit, 10), (Access, 30)];
        let mut add = |p: Prod, w: u32, ok: bool| {
            if ok && w > 0 {
                out.push((p, w));
            }
        };
        add(Call, 8, deep);
        add(Match, 3, deep);
        add(
            Try,
            6,
            deep && self.f.ret.as_ref().is_some_and(|r| self.tryable(r)),
        );
        match ty {
            Ty::Int(_) => {
                add(Arith, 24, deep);
                add(Unary, 4, deep);
                add(Cast, 8, deep);
                add(Len, 6, deep && *ty == Ty::Int(Int::U32));
            }
            Ty::F32 | Ty::F64 => {
                add(Arith, 20, deep);
                add(Unary, 4, deep);
                add(Cast, 8, deep);
            }
            Ty::Bool => {
                add(Compare, 30, deep);
                add(Logic, 10, deep);
                add(Unary, 4, deep);
            }
            Ty::Str => {
                add(Concat, 10, deep && self.f.concats > 0);
                add(ToString, 10, deep);
                add(Slice, 3, deep);
                add(Decode, 4, deep);
            }
            // `+` and slices copy lists, and handles are never copied.
            Ty::List(elem) => {
                add(Concat, 6, deep && self.f.concats > 0 && !ty.has_handle());
                add(Slice, 3, deep && !ty.has_handle());
                add(Bytes, 6, deep && **elem == Ty::Int(Int::U8));
            }
            Ty::Result(Some(ok), Some(err)) if **ok == Ty::Str && **err == Ty::Str => {
                add(Decode, 10, deep);
            }
            Ty::Option(_) => add(Pop, 6, true),
            Ty::Result(None, Some(err)) if **err == Ty::Str => add(Check, 6, deep),
            _ => {}
        }
        add(Lend, 8, deep && self.can_lend(ty));
        add(Method, 8, deep && Self::has_method(ty));
        out
    }

    /// Whether [`Gen::method`] can write an expression of `ty`.
    fn has_method(ty: &Ty) -> bool {
        match ty {
            Ty::Int(_) | Ty::F32 | Ty::F64 | Ty::Bool | Ty::Str | Ty::Char => true,
            Ty::List(elem) => Self::listed(elem),
            Ty::Option(inner) => matches!(**inner, Ty::Int(_) | Ty::Char),
            Ty::Result(Some(ok), Some(err)) => matches!(**ok, Ty::Int(_)) && **err == Ty::Str,
            _ => false,
        }
    }

    /// Whether lists of `elem` have `contains`, `index-of` and `reversed` here. Lists of
    /// numbers have them too, but a list built from literals and flexible locals has no
    /// element type yet when its method is looked up (`cannot-infer`), and the generator
    /// cannot tell such lists apart; the golden programs cover them instead.
    fn listed(elem: &Ty) -> bool {
        matches!(elem, Ty::Char | Ty::Bool | Ty::Str)
    }

    /// A list of some element type that has the list methods, and an element for it.
    fn list_and_element(&mut self, depth: u32) -> Option<(Expr, Expr)> {
        let elem = match self.rng.below(3) {
            0 => Ty::Str,
            1 => Ty::Char,
            _ => Ty::Bool,
        };
        let list = self.receiver(&Ty::list(elem.clone()), depth)?;
        let x = self.expect(&elem, depth);
        Some((list, x))
    }

    /// A receiver of `ty` whose type the checker knows without a context (a method on a
    /// number whose type is still open is an error), written to take `.method()`.
    fn receiver(&mut self, ty: &Ty, depth: u32) -> Option<Expr> {
        let mark = self.pin_mark();
        let e = self.expr(ty, Want::Typed, depth)?;
        // A list literal of numbers may hold literals only, whose type is still open.
        let numbers =
            matches!(ty, Ty::List(elem) if matches!(**elem, Ty::Int(_) | Ty::F32 | Ty::F64));
        if numbers && e.items.is_some() {
            self.unpin_since(mark);
            return None;
        }
        Some(e)
    }

    /// A short string, mostly a literal that occurs in generated text.
    fn needle(&mut self, depth: u32) -> Expr {
        if self.rng.chance(60) {
            let text = *self.rng.pick(&["", " ", ",", "a", "é", "ab", "-", "1"]);
            Expr::primary(format!("\"{text}\""))
        } else {
            self.expect(&Ty::Str, depth)
        }
    }

    /// `format!("…{value}…")`, with values of the types it writes whose text needs no quote
    /// or brace (which would end the literal or the placeholder).
    fn format(&mut self, depth: u32) -> Expr {
        let mut text = String::new();
        for _ in 0..self.rng.range(1, 4) {
            let between = *self
                .rng
                .pick(&["", "a ", "{{", "}}", "é", "\\n", " = ", ","]);
            text.push_str(between);
            let ty = match self.rng.below(5) {
                0 => Ty::Str,
                1 => Ty::Char,
                2 => Ty::Bool,
                3 if !self.floats.is_empty() => self.rng.pick(&self.floats).clone(),
                _ => Ty::Int(self.int_type()),
            };
            let mark = self.pin_mark();
            match self.expr(&ty, Want::Free, depth) {
                Some(value) if !value.text.contains(['"', '{', '}', '\\']) => {
                    text.push('{');
                    text.push_str(&value.text);
                    text.push('}');
                }
                _ => self.unpin_since(mark),
            }
        }
        Expr::primary(format!("format!(\"{text}\")"))
    }

    fn method(&mut self, ty: &Ty, depth: u32) -> Option<Expr> {
        let call = |receiver: &Expr, text: String| {
            Expr::wrap(
                format!("{}.{text}", receiver.base()),
                prec::PRIMARY,
                &[receiver],
            )
        };
        match ty {
            Ty::Int(int) => {
                let int = *int;
                if int == Int::U8 && self.rng.chance(20) {
                    let text = self.receiver(&Ty::Str, depth)?;
                    let at = self.rng.below(4);
                    return Some(Expr::wrap(
                        format!("{}[{at}]", text.base()),
                        prec::PRIMARY,
                        &[&text],
                    ));
                }
                if int == Int::U32 && self.rng.chance(20) {
                    let c = self.receiver(&Ty::Char, depth)?;
                    return Some(call(&c, "code()".into()));
                }
                let a = self.receiver(ty, depth)?;
                let mut names = vec![
                    "min",
                    "max",
                    "clamp",
                    "saturating-add",
                    "saturating-sub",
                    "saturating-mul",
                ];
                if int.signed() {
                    names.push("abs");
                }
                let name = *self.rng.pick(&names);
                let args = match name {
                    "abs" => String::new(),
                    "clamp" => {
                        let low = self.expect(ty, 0);
                        let high = self.expect(ty, 0);
                        format!("{}, {}", low.text, high.text)
                    }
                    _ => self.expect(ty, depth).text,
                };
                Some(call(&a, format!("{name}({args})")))
            }
            Ty::F32 | Ty::F64 if self.rng.chance(15) => {
                // `parse` of some text, or the value when the text is no number.
                let result = Ty::Result(Some(Box::new(ty.clone())), Some(Box::new(Ty::Str)));
                let parsed = self.method(&result, depth)?;
                let fallback = self.expect(ty, 0);
                let mut e = Expr::primary(format!(
                    "match {} {{ ok(v) => v, err(_) => {} }}",
                    parsed.text, fallback.text
                ));
                e.brace = true;
                Some(e)
            }
            Ty::F32 | Ty::F64 => {
                let x = self.receiver(ty, depth)?;
                let name = *self.rng.pick(&[
                    "abs", "sqrt", "floor", "ceil", "trunc", "nearest", "round", "min", "max",
                    "clamp",
                ]);
                let args = match name {
                    "min" | "max" => self.expect(ty, depth).text,
                    "clamp" => {
                        let low = self.expect(ty, 0);
                        let high = self.expect(ty, 0);
                        format!("{}, {}", low.text, high.text)
                    }
                    _ => String::new(),
                };
                Some(call(&x, format!("{name}({args})")))
            }
            Ty::Bool => {
                if self.rng.chance(20) {
                    let (list, x) = self.list_and_element(depth)?;
                    return Some(call(&list, format!("contains({})", x.text)));
                }
                if self.rng.chance(40) {
                    let c = self.receiver(&Ty::Char, depth)?;
                    let name = *self.rng.pick(&[
                        "is-digit",
                        "is-alphabetic",
                        "is-alphanumeric",
                        "is-whitespace",
                        "is-upper",
                        "is-lower",
                    ]);
                    return Some(call(&c, format!("{name}()")));
                }
                let s = self.receiver(&Ty::Str, depth)?;
                let name = *self.rng.pick(&["contains", "starts-with", "ends-with"]);
                let part = self.needle(depth);
                Some(call(&s, format!("{name}({})", part.text)))
            }
            Ty::Char => {
                let c = self.receiver(&Ty::Char, depth)?;
                let name = *self.rng.pick(&["to-upper", "to-lower"]);
                Some(call(&c, format!("{name}()")))
            }
            Ty::Str => {
                if self.rng.chance(25) {
                    return Some(self.format(depth));
                }
                if self.rng.chance(10) && !self.floats.is_empty() {
                    let float = self.rng.pick(&self.floats).clone();
                    let x = self.receiver(&float, depth)?;
                    return Some(call(&x, "to-string()".into()));
                }
                if self.rng.chance(15) {
                    let parts = self.receiver(&Ty::list(Ty::Str), depth)?;
                    let separator = self.needle(0);
                    return Some(call(&parts, format!("join({})", separator.text)));
                }
                let s = self.receiver(&Ty::Str, depth)?;
                let mut names = vec!["trim", "trim-start", "trim-end", "to-upper", "to-lower"];
                // These may grow the string as `+` does, and are limited as it is.
                if self.f.concats > 0 {
                    names.extend(["replace", "repeat"]);
                }
                let name = *self.rng.pick(&names);
                if matches!(name, "replace" | "repeat") {
                    self.f.concats -= 1;
                }
                let args = match name {
                    "replace" => {
                        let old = self.needle(0);
                        let new = self.needle(0);
                        format!("{}, {}", old.text, new.text)
                    }
                    "repeat" => self.rng.below(3).to_string(),
                    _ => String::new(),
                };
                Some(call(&s, format!("{name}({args})")))
            }
            Ty::List(_) if self.rng.chance(50) => {
                let Ty::List(elem) = ty else { unreachable!() };
                let xs = self.receiver(ty, depth)?;
                let name = if **elem != Ty::Bool && self.rng.chance(60) {
                    "sorted"
                } else {
                    "reversed"
                };
                Some(call(&xs, format!("{name}()")))
            }
            Ty::List(elem) if **elem == Ty::Char => {
                let s = self.receiver(&Ty::Str, depth)?;
                Some(call(&s, "chars()".into()))
            }
            Ty::List(elem) if **elem != Ty::Str => None,
            Ty::List(_) => {
                let s = self.receiver(&Ty::Str, depth)?;
                if self.rng.chance(40) {
                    return Some(call(&s, "lines()".into()));
                }
                let separator = self.needle(0);
                Some(call(&s, format!("split({})", separator.text)))
            }
            Ty::Option(inner) if **inner == Ty::Char => {
                let code = self.expect(&Ty::Int(Int::U32), depth);
                Some(Expr::primary(format!("char::from-code({})", code.text)))
            }
            Ty::Option(inner) => {
                let Ty::Int(int) = **inner else { return None };
                if int == Int::U32 && self.rng.chance(60) {
                    match self.rng.below(3) {
                        0 => {
                            let (list, x) = self.list_and_element(depth)?;
                            return Some(call(&list, format!("index-of({})", x.text)));
                        }
                        1 => {
                            let s = self.receiver(&Ty::Str, depth)?;
                            let part = self.needle(depth);
                            return Some(call(&s, format!("find({})", part.text)));
                        }
                        _ => {
                            let c = self.receiver(&Ty::Char, depth)?;
                            let radix = *self.rng.pick(&[2, 10, 16, 36]);
                            return Some(call(&c, format!("to-digit({radix})")));
                        }
                    }
                }
                let a = self.receiver(inner, depth)?;
                let name =
                    *self
                        .rng
                        .pick(&["checked-add", "checked-sub", "checked-mul", "checked-div"]);
                let b = self.expect(inner, depth);
                Some(call(&a, format!("{name}({})", b.text)))
            }
            Ty::Result(Some(ok), _) if matches!(**ok, Ty::F32 | Ty::F64) => {
                // The float library's reading, which the interpreter runs too; its writing
                // (`to-string`) the interpreter does in Rust, so that one is checked against Rust.
                let text = if self.rng.chance(50) {
                    let digits = *self.rng.pick(&[
                        "0",
                        "-0",
                        "1.5",
                        "0.1",
                        "1e308",
                        "1e309",
                        "2.5e-324",
                        "-.5",
                        "7.",
                        "inf",
                        "NaN",
                        "1e",
                        "x",
                        "",
                        "123456789012345678901234567890",
                    ]);
                    Expr::primary(format!("\"{digits}\""))
                } else {
                    self.expect(&Ty::Str, depth)
                };
                let name = if **ok == Ty::F32 { "f32" } else { "f64" };
                Some(Expr::primary(format!("{name}::parse({})", text.text)))
            }
            Ty::Result(Some(ok), _) => {
                let Ty::Int(int) = **ok else { return None };
                let text = if self.rng.chance(50) {
                    let digits = *self
                        .rng
                        .pick(&["0", "-1", "+7", "255", "-128", "65536", "x", ""]);
                    Expr::primary(format!("\"{digits}\""))
                } else {
                    self.expect(&Ty::Str, depth)
                };
                Some(Expr::primary(format!(
                    "{}::parse({})",
                    int.name(),
                    text.text
                )))
            }
            _ => None,
        }
    }

    /// Whether `?` can be used in a function returning `ret`.
    fn tryable(&self, ret: &Ty) -> bool {
        matches!(ret, Ty::Option(_) | Ty::Result(_, _))
    }

    fn produce(&mut self, prod: Prod, ty: &Ty, want: Want, depth: u32) -> Option<Expr> {
        let sub = depth.saturating_sub(1);
        match prod {
            Prod::Lit => self.literal(ty, want, sub),
            Prod::Access => self.access(ty, want),
            Prod::Call => self.call(ty, sub),
            Prod::Arith => self.arith(ty, want, sub),
            Prod::Unary => self.unary(ty, want, sub),
            Prod::Cast => self.cast(ty, sub),
            Prod::Match => self.match_expr(ty, want, sub),
            Prod::Len => self.len(sub),
            Prod::ToString => self.stringify(sub),
            Prod::Concat => self.concat(ty, want),
            Prod::Compare => self.compare(sub),
            Prod::Logic => self.logic(want, sub),
            Prod::Try => self.try_expr(ty, want, sub),
            Prod::Pop => self.pop(ty),
            Prod::Lend => self.lend_expr(ty, sub),
            Prod::Slice => self.slice(ty, sub),
            Prod::Bytes => {
                let text = self.expr(&Ty::Str, Want::Free, sub)?;
                Some(Expr::wrap(
                    format!("{}.bytes()", text.base()),
                    prec::PRIMARY,
                    &[&text],
                ))
            }
            Prod::Decode => self.decode(ty, sub),
            Prod::Method => self.method(ty, sub),
            Prod::Check => {
                let cond = self.expect(&Ty::Bool, sub);
                let mut e = Expr::primary(format!("check!({})", cond.text));
                e.brace = cond.brace;
                Some(e)
            }
        }
    }

    /// A literal of `ty` (for compound types, built from expressions of their parts).
    pub(crate) fn literal(&mut self, ty: &Ty, want: Want, depth: u32) -> Option<Expr> {
        let expected = want == Want::Expected;
        if ty.has_handle() {
            // New handles only: an expression that may be thrown away takes none.
            return self.try_hold_value(ty, crate::handles::Take::Fresh, expected, depth);
        }
        match ty {
            Ty::Bool => Some(Expr::primary(
                if self.rng.chance(50) { "true" } else { "false" }.into(),
            )),
            Ty::Int(int) => {
                let v = if self.rng.chance(70) {
                    wave::small_int(&mut self.rng, *int)
                } else {
                    wave::int_value(&mut self.rng, *int)
                };
                if expected || (want == Want::Free && *int == Int::S32) {
                    Some(self.number(v))
                } else {
                    // `(v as T)`: the literal is an `s32`, so `v` must fit one.
                    let v = v.clamp(i128::from(i32::MIN), i128::from(i32::MAX));
                    let text = wave::int_text(&mut self.rng, v);
                    Some(Expr::primary(format!("({text} as {})", int.name())))
                }
            }
            Ty::F32 | Ty::F64 => {
                let f32 = *ty == Ty::F32;
                let v = wave::float_value(&mut self.rng, f32, false);
                // `-0.0` is a negation, which must not be folded into `0.0`.
                let text = if self.rng.chance(4) {
                    "-0.0".into()
                } else {
                    wave::float_text(v, f32)
                };
                if expected || (want == Want::Free && !f32) {
                    Some(Expr {
                        prec: if text.starts_with('-') {
                            prec::UNARY
                        } else {
                            prec::PRIMARY
                        },
                        text,
                        lit: true,
                        number: true,
                        items: None,
                        brace: false,
                    })
                } else {
                    let name = self.types.render(ty, &mut self.rng);
                    Some(Expr::primary(format!("({text} as {name})")))
                }
            }
            Ty::Char => {
                let c = wave::char_value(&mut self.rng);
                Some(Expr::primary(wave::claw_char(&mut self.rng, c)))
            }
            Ty::Str => {
                let s = wave::string_value(&mut self.rng);
                Some(Expr::primary(wave::claw_string(&mut self.rng, &s)))
            }
            Ty::List(elem) => {
                let len = if expected {
                    self.rng.weighted(&[25, 25, 25, 15, 10])
                } else {
                    1 + self.rng.below(3) as usize
                };
                let mut items = Vec::new();
                for i in 0..len {
                    let item = if i == 0 && !expected {
                        self.expr(elem, Want::Free, depth)?
                    } else {
                        self.expect(elem, depth)
                    };
                    items.push(item);
                }
                let brace = items.iter().any(|e| e.brace);
                let texts: Vec<String> = items.into_iter().map(|e| e.text).collect();
                let mut e = Expr::primary(format!("[{}]", texts.join(", ")));
                e.brace = brace;
                e.items = Some(texts.len() as u32);
                Some(e)
            }
            Ty::Option(inner) => {
                if expected && self.rng.chance(30) {
                    return Some(Expr::primary("none".into()));
                }
                // `some(x)` has the type of `x`: as typed as the literal must be.
                let payload = if expected {
                    self.expect(inner, depth)
                } else {
                    self.expr(inner, want, depth)?
                };
                Some(Expr::wrap(
                    format!("some({})", payload.text),
                    prec::PRIMARY,
                    &[&payload],
                ))
            }
            Ty::Result(ok, err) => {
                if !expected {
                    return None;
                }
                let (name, payload) = if self.rng.chance(60) {
                    ("ok", ok)
                } else {
                    ("err", err)
                };
                Some(match payload {
                    Some(t) => {
                        let p = self.expect(t, depth);
                        Expr::wrap(format!("{name}({})", p.text), prec::PRIMARY, &[&p])
                    }
                    None => Expr::primary(name.into()),
                })
            }
            Ty::Tuple(items) => {
                let mut parts = Vec::new();
                for t in items {
                    parts.push(if expected {
                        self.expect(t, depth)
                    } else {
                        self.expr(t, want, depth)?
                    });
                }
                let texts: Vec<&str> = parts.iter().map(|e| e.text.as_str()).collect();
                let text = if texts.len() == 1 {
                    format!("({},)", texts[0])
                } else {
                    format!("({})", texts.join(", "))
                };
                let refs: Vec<&Expr> = parts.iter().collect();
                Some(Expr::wrap(text, prec::PRIMARY, &refs))
            }
            Ty::Named(i) => self.named_literal(*i, expected, depth),
            Ty::Handle | Ty::Borrow | Ty::Holder => unreachable!("handled above"),
        }
    }

    fn named_literal(&mut self, index: usize, expected: bool, depth: u32) -> Option<Expr> {
        let decl = self.types.decl(index).clone();
        match &decl.kind {
            DeclKind::Record(fields) => {
                if !expected {
                    return None;
                }
                let mut order: Vec<usize> = (0..fields.len()).collect();
                if self.rng.chance(30) {
                    self.rng.shuffle(&mut order);
                }
                let parts: Vec<String> = order
                    .iter()
                    .map(|&f| {
                        let (name, t) = &fields[f];
                        format!("{name}: {}", self.expect(t, depth).text)
                    })
                    .collect();
                let mut e = Expr::primary(format!("{{{}}}", parts.join(", ")));
                e.brace = true;
                Some(e)
            }
            DeclKind::Flags(flags) => {
                if !expected {
                    return None;
                }
                let set: Vec<&str> = flags
                    .iter()
                    .filter(|_| self.rng.chance(40))
                    .map(String::as_str)
                    .collect();
                let mut e = Expr::primary(format!("{{{}}}", set.join(", ")));
                e.brace = true;
                Some(e)
            }
            DeclKind::Enum(cases) => {
                let case = self.rng.pick(cases).clone();
                Some(Expr::primary(self.case_name(&decl.name, &case)))
            }
            DeclKind::Variant(cases) => {
                let (case, payload) = self.rng.pick(cases).clone();
                let name = self.case_name(&decl.name, &case);
                Some(match payload {
                    Some(t) => {
                        let p = self.expect(&t, depth);
                        Expr::wrap(format!("{name}({})", p.text), prec::PRIMARY, &[&p])
                    }
                    None => Expr::primary(name),
                })
            }
        }
    }

    /// A case written bare (`red`) or qualified (`color::red`).
    pub(crate) fn case_name(&mut self, type_name: &str, case: &str) -> String {
        if self.rng.chance(25) {
            format!("{type_name}::{case}")
        } else {
            case.to_string()
        }
    }

    /// An integer literal as an expression.
    pub(crate) fn number(&mut self, v: i128) -> Expr {
        Expr {
            text: wave::int_text(&mut self.rng, v),
            prec: if v < 0 { prec::UNARY } else { prec::PRIMARY },
            lit: true,
            number: true,
            items: None,
            brace: false,
        }
    }

    fn call(&mut self, ty: &Ty, depth: u32) -> Option<Expr> {
        let candidates: Vec<usize> = (0..self.f.callable)
            .filter(|&j| self.funcs[j].ret.as_ref() == Some(ty))
            .filter(|&j| self.affordable(self.funcs[j].cost) && self.can_call(j))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let j = *self.rng.pick(&candidates);
        Some(self.call_to(j, depth))
    }

    /// A call to function `j`, its arguments generated (a recursive helper gets a small
    /// depth).
    pub(crate) fn call_to(&mut self, j: usize, depth: u32) -> Expr {
        let func = self.funcs[j].clone();
        self.f.pending += func.cost;
        let mut args = Vec::new();
        let mut brace = false;
        let holds = func.params.iter().any(|(_, t)| t.has_handle());
        self.no_try += u32::from(holds);
        for (i, (_, t)) in func.params.iter().enumerate() {
            let arg = match (func.rec, i) {
                (Some(rec), 0) => self.depth_arg(rec.depth_ty),
                _ => self.expect(t, depth),
            };
            brace |= arg.brace;
            args.push(arg.text);
        }
        self.no_try -= u32::from(holds);
        let mut e = Expr::primary(format!("{}({})", func.name, args.join(", ")));
        e.brace = brace;
        e
    }

    /// The first argument of a call into recursion: at most [`MAX_REC_DEPTH`].
    fn depth_arg(&mut self, int: Int) -> Expr {
        if self.rng.chance(50) {
            let v = self.rng.range(0, MAX_REC_DEPTH);
            return self.number(i128::from(v));
        }
        let ty = Ty::Int(int);
        let e = self.expect(&ty, 1);
        // `e % (MAX + 1)` is at most MAX; for a signed `e` it may be negative, which the
        // helper treats as its base case.
        Expr::wrap(
            format!("{} % {}", e.at(prec::MUL), MAX_REC_DEPTH + 1),
            prec::MUL,
            &[&e],
        )
    }

    fn arith(&mut self, ty: &Ty, want: Want, depth: u32) -> Option<Expr> {
        const INT_OPS: &[(&str, u8)] = &[
            ("+", prec::ADD),
            ("-", prec::ADD),
            ("*", prec::MUL),
            ("/", prec::MUL),
            ("%", prec::MUL),
            ("&", prec::BITAND),
            ("|", prec::BITOR),
            ("^", prec::BITXOR),
            ("<<", prec::SHIFT),
            (">>", prec::SHIFT),
        ];
        const FLOAT_OPS: &[(&str, u8)] = &[
            ("+", prec::ADD),
            ("-", prec::ADD),
            ("*", prec::MUL),
            ("/", prec::MUL),
        ];
        let ops = if ty.is_int() { INT_OPS } else { FLOAT_OPS };
        let (op, p) = *self.rng.pick(ops);
        let lhs = self.expr(ty, want, depth)?;
        let rhs_want = Self::rhs_want(want, &lhs, ty);
        let rhs = if ty.is_int() && (op == "/" || op == "%") {
            self.divisor(ty, rhs_want, depth)
        } else {
            self.expr(ty, rhs_want, depth)?
        };
        let text = format!("{} {op} {}", lhs.at(p), rhs.at(p + 1));
        let mut e = Expr::wrap(text, p, &[&lhs, &rhs]);
        e.lit = lhs.lit && rhs.lit;
        Some(e)
    }

    /// How the checker sees the right operand of a binary operator whose left operand `lhs`
    /// was built for `want`. With no expected type, a context-typed left operand (a
    /// literal, or a local still flexible, which is only ever of a default type) makes it
    /// infer the right operand on its own first (see `binary` in `check/expr.rs`), so the
    /// right operand must then have its type by itself: a `match` whose arms all leave,
    /// for one, would be a `()`.
    fn rhs_want(want: Want, lhs: &Expr, ty: &Ty) -> Want {
        if want == Want::Expected || !(lhs.lit || ty.is_default_numeric()) {
            Want::Expected
        } else {
            Want::Free
        }
    }

    /// A right operand for `/` or `%` (or the value of `/=`, `%=`), checked as `want` says:
    /// mostly one that cannot be zero, sometimes any.
    pub(crate) fn divisor(&mut self, ty: &Ty, want: Want, depth: u32) -> Expr {
        let Ty::Int(int) = ty else {
            unreachable!("integer division")
        };
        if self.rng.chance(self.config.trap_percent) {
            // A literal zero, which folding must leave to trap, or anything at all.
            if self.rng.chance(30) && (want == Want::Expected || *int == Int::S32) {
                return self.number(0);
            }
            return self
                .expr(ty, want, depth)
                .expect("an integer always has a self-typed form");
        }
        // A bare number is an `s32` unless a type is expected.
        if self.rng.chance(55) && (want == Want::Expected || *int == Int::S32) {
            let mut v = wave::small_int(&mut self.rng, *int);
            if v == 0 {
                v = 3;
            }
            return self.number(v);
        }
        let e = self
            .expr(ty, want, depth)
            .expect("an integer always has a self-typed form");
        let mut d = Expr::primary(format!("({} | 1)", e.at(prec::BITOR + 1)));
        d.brace = e.brace;
        d.lit = e.lit;
        d
    }

    fn unary(&mut self, ty: &Ty, want: Want, depth: u32) -> Option<Expr> {
        let negate = match ty {
            Ty::Int(i) if i.signed() => self.rng.chance(60),
            Ty::Int(_) | Ty::Bool => false,
            _ => true,
        };
        let operand = self.expr(ty, want, depth)?;
        let op = if negate { "-" } else { "!" };
        let mut e = Expr::wrap(
            format!("{op}{}", operand.at(prec::PRIMARY)),
            prec::UNARY,
            &[&operand],
        );
        e.lit = operand.lit;
        Some(e)
    }

    fn cast(&mut self, ty: &Ty, depth: u32) -> Option<Expr> {
        let mut sources: Vec<Ty> = self.ints.iter().map(|&i| Ty::Int(i)).collect();
        sources.extend(self.floats.iter().cloned());
        let from = self.rng.pick(&sources).clone();
        let operand = self.expr(&from, Want::Free, depth)?;
        let name = self.types.render(ty, &mut self.rng);
        // Always parenthesized: `x as u32 < y` could read as the start of a type argument.
        Some(Expr::wrap(
            format!("({} as {name})", operand.at(prec::UNARY)),
            prec::PRIMARY,
            &[&operand],
        ))
    }

    fn len(&mut self, depth: u32) -> Option<Expr> {
        let ty = if self.rng.chance(40) {
            Ty::Str
        } else {
            let lists: Vec<Ty> = self
                .pool
                .iter()
                .filter(|t| matches!(t, Ty::List(_)))
                .cloned()
                .collect();
            if lists.is_empty() {
                Ty::Str
            } else {
                self.rng.pick(&lists).clone()
            }
        };
        let e = self.expr(&ty, Want::Free, depth)?;
        Some(Expr::wrap(
            format!("{}.len()", e.base()),
            prec::PRIMARY,
            &[&e],
        ))
    }

    /// `base[a..b]` or `base[a..=b]`, with bounds that are mostly small literals (so that
    /// many slices fit and some trap) and sometimes computed.
    fn slice(&mut self, ty: &Ty, depth: u32) -> Option<Expr> {
        let base = self.expr(ty, Want::Free, depth)?;
        let u32_ty = Ty::Int(Int::U32);
        let (start, end) = if self.rng.chance(75) {
            let start = self.rng.below(3);
            (start.to_string(), (start + self.rng.below(3)).to_string())
        } else {
            let start = self.expect(&u32_ty, 0);
            let end = self.expect(&u32_ty, 0);
            (start.text, end.text)
        };
        let op = if self.rng.chance(25) { "..=" } else { ".." };
        Some(Expr::wrap(
            format!("{}[{start}{op}{end}]", base.base()),
            prec::PRIMARY,
            &[&base],
        ))
    }

    /// `string::from-utf8(bytes)` for a `result<string, string>`, or for a `string` the
    /// text it gives (or its error). The bytes are a string's, often sliced (which may cut a
    /// character), or any `list<u8>`.
    fn decode(&mut self, ty: &Ty, depth: u32) -> Option<Expr> {
        let bytes = match self.rng.below(3) {
            0 => self.expect(&Ty::list(Ty::Int(Int::U8)), depth).text,
            1 => {
                let text = self.expr(&Ty::Str, Want::Free, depth)?;
                format!("{}.bytes()", text.base())
            }
            _ => {
                let text = self.expr(&Ty::Str, Want::Free, depth)?;
                let start = self.rng.below(3);
                let end = start + self.rng.below(4);
                format!("{}.bytes()[{start}..{end}]", text.base())
            }
        };
        let call = format!("string::from-utf8({bytes})");
        if *ty != Ty::Str {
            return Some(Expr::primary(call));
        }
        let mut e = Expr::primary(format!(
            "match {call} {{ ok(decoded) => decoded, err(why) => why }}"
        ));
        e.brace = true;
        Some(e)
    }

    fn stringify(&mut self, depth: u32) -> Option<Expr> {
        let ty = match self.rng.below(4) {
            0 => Ty::Char,
            1 => Ty::Bool,
            _ => Ty::Int(self.int_type()),
        };
        let e = self.expr(&ty, Want::Free, depth)?;
        Some(Expr::wrap(
            format!("{}.to-string()", e.base()),
            prec::PRIMARY,
            &[&e],
        ))
    }

    /// `a + b` on strings or lists, at most once per statement (see `FnState::concats`).
    fn concat(&mut self, ty: &Ty, want: Want) -> Option<Expr> {
        if self.f.concats == 0 {
            return None;
        }
        self.f.concats -= 1;
        let lhs = self.expr(ty, want, 0)?;
        let rhs = self.expect(ty, 0);
        let text = format!("{} + {}", lhs.at(prec::ADD), rhs.at(prec::ADD + 1));
        Some(Expr::wrap(text, prec::ADD, &[&lhs, &rhs]))
    }

    fn compare(&mut self, depth: u32) -> Option<Expr> {
        let ty = match self.rng.weighted(&[40, 10, 10, 10, 8, 20]) {
            0 => Ty::Int(self.int_type()),
            1 if !self.floats.is_empty() => self.rng.pick(&self.floats).clone(),
            2 => Ty::Char,
            3 => Ty::Str,
            4 => Ty::Bool,
            5 if !self.pool.is_empty() => self.rng.pick(&self.pool).clone(),
            _ => Ty::Int(self.int_type()),
        };
        let ops: &[&str] = if ty.is_ordered() {
            &["==", "!=", "<", "<=", ">", ">="]
        } else {
            &["==", "!="]
        };
        let op = *self.rng.pick(ops);
        let lhs = self.expr(&ty, Want::Free, depth)?;
        let rhs = self.expr(&ty, Self::rhs_want(Want::Free, &lhs, &ty), depth)?;
        let text = format!("{} {op} {}", lhs.at(prec::CMP + 1), rhs.at(prec::CMP + 1));
        Some(Expr::wrap(text, prec::CMP, &[&lhs, &rhs]))
    }

    fn logic(&mut self, want: Want, depth: u32) -> Option<Expr> {
        let (op, p) = *self.rng.pick(&[
            ("&&", prec::AND),
            ("||", prec::OR),
            ("&", prec::BITAND),
            ("|", prec::BITOR),
            ("^", prec::BITXOR),
        ]);
        // `&&` and `||` expect `bool` on both sides; `&`, `|` and `^` pass down only the
        // type expected of them, like arithmetic.
        let lhs = if matches!(op, "&&" | "||") {
            self.expect(&Ty::Bool, depth)
        } else {
            self.expr(&Ty::Bool, want, depth)?
        };
        let rhs = self.expect(&Ty::Bool, depth);
        let text = format!("{} {op} {}", lhs.at(p), rhs.at(p + 1));
        Some(Expr::wrap(text, p, &[&lhs, &rhs]))
    }

    /// `e?` on an option, or on a result with the function's error type. A `Typed` one
    /// (a method's receiver) must get its type from `e`, which then must not be flexible
    /// (`some(some(x))??.abs()` with `x` a literal's local is `cannot-infer`).
    fn try_expr(&mut self, ty: &Ty, want: Want, depth: u32) -> Option<Expr> {
        if self.no_try > 0 {
            return None;
        }
        let inner = match self.f.ret.clone()? {
            Ty::Option(_) => Ty::option(ty.clone()),
            Ty::Result(_, err) => Ty::Result(Some(Box::new(ty.clone())), err),
            _ => return None,
        };
        let inner_want = if want == Want::Typed {
            Want::Typed
        } else {
            Want::Free
        };
        let e = self.expr(&inner, inner_want, depth)?;
        Some(Expr::wrap(format!("{}?", e.base()), prec::PRIMARY, &[&e]))
    }
}
