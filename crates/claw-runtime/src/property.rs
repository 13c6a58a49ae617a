//! Values for property tests, made from a function's parameter types alone: [`generate`]
//! draws one, [`shrink`] proposes smaller ones.
//!
//! Generation leans toward the values that break code: integers at their edges (0, ±1, MIN,
//! MAX), floats that are NaN, ±0, ±infinity or subnormal, chars from every plane and strings
//! of multi-byte UTF-8. Sizes (of lists, strings and how deep values nest) grow with the case
//! number, so the first cases are small. Shrinking proposes, simplest first, values that are
//! smaller in one respect: an integer nearer 0, a shorter list or string, an earlier case of a
//! variant, fewer flags, or one part shrunk.

use wasmtime::component::{Type, Val};

/// The largest size a case is drawn at: the longest list or string, and the bound on how
/// much a value nests.
pub const MAX_SIZE: u32 = 32;

/// A small, fast, reproducible random number generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A value of type `ty` no bigger than `size`. `ty` must be [`generable`]: a resource
/// handle, a future or a stream cannot be made up.
pub fn generate(ty: &Type, rng: &mut Rng, size: u32) -> Val {
    let inner = size / 2;
    let many = |rng: &mut Rng, elem: &Type, len: u64| -> Vec<Val> {
        (0..len).map(|_| generate(elem, rng, inner)).collect()
    };
    match ty {
        Type::Bool => Val::Bool(rng.chance(50)),
        Type::S8 => Val::S8(int(rng, size, i8::MIN.into(), i8::MAX.into()) as i8),
        Type::U8 => Val::U8(int(rng, size, 0, u8::MAX.into()) as u8),
        Type::S16 => Val::S16(int(rng, size, i16::MIN.into(), i16::MAX.into()) as i16),
        Type::U16 => Val::U16(int(rng, size, 0, u16::MAX.into()) as u16),
        Type::S32 => Val::S32(int(rng, size, i32::MIN.into(), i32::MAX.into()) as i32),
        Type::U32 => Val::U32(int(rng, size, 0, u32::MAX.into()) as u32),
        Type::S64 => Val::S64(int(rng, size, i64::MIN.into(), i64::MAX.into()) as i64),
        Type::U64 => Val::U64(int(rng, size, 0, u64::MAX.into()) as u64),
        Type::Float32 => Val::Float32(float(rng, size, true) as f32),
        Type::Float64 => Val::Float64(float(rng, size, false)),
        Type::Char => Val::Char(char(rng)),
        Type::String => {
            let len = rng.below(u64::from(size) + 1);
            Val::String((0..len).map(|_| char(rng)).collect())
        }
        Type::List(list) => {
            let len = rng.below(u64::from(size) + 1);
            Val::List(many(rng, &list.ty(), len))
        }
        Type::Map(map) => {
            let len = rng.below(u64::from(size) + 1);
            let (key, value) = (map.key(), map.value());
            Val::Map(
                (0..len)
                    .map(|_| (generate(&key, rng, inner), generate(&value, rng, inner)))
                    .collect(),
            )
        }
        Type::FixedLengthList(list) => {
            Val::FixedLengthList(many(rng, &list.ty(), u64::from(list.len())))
        }
        Type::Record(record) => Val::Record(
            record
                .fields()
                .map(|field| (field.name.to_owned(), generate(&field.ty, rng, inner)))
                .collect(),
        ),
        Type::Tuple(tuple) => {
            Val::Tuple(tuple.types().map(|ty| generate(&ty, rng, inner)).collect())
        }
        Type::Variant(variant) => {
            let cases: Vec<_> = variant.cases().collect();
            let case = &cases[rng.below(cases.len() as u64) as usize];
            let payload = case
                .ty
                .as_ref()
                .map(|ty| Box::new(generate(ty, rng, inner)));
            Val::Variant(case.name.to_owned(), payload)
        }
        Type::Enum(enum_) => {
            let names: Vec<&str> = enum_.names().collect();
            Val::Enum(rng.pick(&names).to_owned())
        }
        Type::Option(option) => Val::Option(if rng.chance(25) {
            None
        } else {
            Some(Box::new(generate(&option.ty(), rng, inner)))
        }),
        Type::Result(result) => {
            let ok = rng.chance(50);
            let payload = if ok { result.ok() } else { result.err() };
            let payload = payload.map(|ty| Box::new(generate(&ty, rng, inner)));
            Val::Result(if ok { Ok(payload) } else { Err(payload) })
        }
        Type::Flags(flags) => Val::Flags(
            flags
                .names()
                .filter(|_| rng.chance(50))
                .map(str::to_owned)
                .collect(),
        ),
        Type::Own(_) | Type::Borrow(_) | Type::Future(_) | Type::Stream(_) | Type::ErrorContext => {
            unreachable!("`generable` turns these types away")
        }
    }
}

/// Whether values of `ty` can be generated; if not, what stands in the way (a resource
/// handle, a future, a stream), anywhere inside it.
pub fn generable(ty: &Type) -> Result<(), String> {
    match ty {
        Type::List(list) => generable(&list.ty()),
        Type::FixedLengthList(list) => generable(&list.ty()),
        Type::Map(map) => generable(&map.key()).and(generable(&map.value())),
        Type::Record(record) => record.fields().try_for_each(|f| generable(&f.ty)),
        Type::Tuple(tuple) => tuple.types().try_for_each(|t| generable(&t)),
        Type::Variant(variant) => variant
            .cases()
            .filter_map(|c| c.ty)
            .try_for_each(|t| generable(&t)),
        Type::Option(option) => generable(&option.ty()),
        Type::Result(result) => result
            .ok()
            .into_iter()
            .chain(result.err())
            .try_for_each(|t| generable(&t)),
        Type::Own(_) | Type::Borrow(_) => Err("a resource handle".to_owned()),
        Type::Future(_) => Err("a future".to_owned()),
        Type::Stream(_) => Err("a stream".to_owned()),
        Type::ErrorContext => Err("an error context".to_owned()),
        _ => Ok(()),
    }
}

/// An integer in `min..=max`: an edge, a small one, or any.
fn int(rng: &mut Rng, size: u32, min: i128, max: i128) -> i128 {
    match rng.below(10) {
        0..=2 => {
            let edges = [0, 1, -1, min, max, min + 1, max - 1];
            rng.pick(&edges).clamp(min, max)
        }
        3..=6 => {
            let reach = i128::from(size) * 4 + 1;
            let small = rng.below(2 * reach as u64 + 1) as i128 - reach;
            small.clamp(min, max)
        }
        _ => {
            let span = (max - min + 1) as u128;
            let bits = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
            min + (bits % span) as i128
        }
    }
}

/// A float: an edge (NaN, ±0, ±infinity, subnormal, the extremes), a small one, or any bits.
fn float(rng: &mut Rng, size: u32, single: bool) -> f64 {
    match rng.below(10) {
        0..=2 if single => rng.pick(&[
            f32::NAN,
            0.0,
            -0.0,
            1.0,
            -1.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE / 2.0,
            f32::MAX,
            f32::MIN,
        ]) as f64,
        0..=2 => rng.pick(&[
            f64::NAN,
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE / 2.0,
            f64::MAX,
            f64::MIN,
        ]),
        3..=7 => {
            // Quarters, so sums and halvings are exact.
            let reach = i64::from(size) * 16 + 4;
            (rng.below(2 * reach as u64 + 1) as i64 - reach) as f64 / 4.0
        }
        _ if single => f64::from(f32::from_bits(rng.next_u64() as u32)),
        _ => f64::from_bits(rng.next_u64()),
    }
}

/// A char: mostly printable ASCII, else one of the awkward ones or any scalar value.
fn char(rng: &mut Rng) -> char {
    match rng.below(10) {
        0..=4 => char::from(b' ' + rng.below(95) as u8),
        5..=6 => rng.pick(&[
            '\0',
            '\n',
            '\u{7f}',
            'é',
            'ß',
            '中',
            '😀',
            '\u{ffff}',
            '\u{10ffff}',
        ]),
        _ => loop {
            if let Some(c) = char::from_u32(rng.below(0x11_0000) as u32) {
                break c;
            }
        },
    }
}

/// Values of `ty` smaller than `val` in one respect, simplest first.
pub fn shrink(ty: &Type, val: &Val) -> Vec<Val> {
    match (ty, val) {
        (_, Val::Bool(true)) => vec![Val::Bool(false)],
        (_, Val::S8(v)) => ints(i128::from(*v)).map(|v| Val::S8(v as i8)).collect(),
        (_, Val::U8(v)) => ints(i128::from(*v)).map(|v| Val::U8(v as u8)).collect(),
        (_, Val::S16(v)) => ints(i128::from(*v)).map(|v| Val::S16(v as i16)).collect(),
        (_, Val::U16(v)) => ints(i128::from(*v)).map(|v| Val::U16(v as u16)).collect(),
        (_, Val::S32(v)) => ints(i128::from(*v)).map(|v| Val::S32(v as i32)).collect(),
        (_, Val::U32(v)) => ints(i128::from(*v)).map(|v| Val::U32(v as u32)).collect(),
        (_, Val::S64(v)) => ints(i128::from(*v)).map(|v| Val::S64(v as i64)).collect(),
        (_, Val::U64(v)) => ints(i128::from(*v)).map(|v| Val::U64(v as u64)).collect(),
        (_, Val::Float32(v)) => floats(f64::from(*v))
            .map(|v| Val::Float32(v as f32))
            .collect(),
        (_, Val::Float64(v)) => floats(*v).map(Val::Float64).collect(),
        (_, Val::Char(c)) => chars(*c).map(Val::Char).collect(),
        (_, Val::String(text)) => {
            let chars: Vec<char> = text.chars().collect();
            let elems: Vec<Val> = chars.iter().map(|&c| Val::Char(c)).collect();
            sequences(&elems, &Type::Char)
                .into_iter()
                .map(|items| {
                    Val::String(
                        items
                            .into_iter()
                            .map(|v| match v {
                                Val::Char(c) => c,
                                _ => unreachable!("chars shrink to chars"),
                            })
                            .collect(),
                    )
                })
                .collect()
        }
        (Type::List(list), Val::List(items)) => sequences(items, &list.ty())
            .into_iter()
            .map(Val::List)
            .collect(),
        (Type::Map(map), Val::Map(pairs)) => {
            let mut out = Vec::new();
            if !pairs.is_empty() {
                out.push(Val::Map(Vec::new()));
            }
            for i in 0..pairs.len().min(32) {
                let mut fewer = pairs.clone();
                fewer.remove(i);
                out.push(Val::Map(fewer));
            }
            let (key, value) = (map.key(), map.value());
            for (i, (k, v)) in pairs.iter().enumerate().take(8) {
                for smaller in shrink(&key, k) {
                    let mut changed = pairs.clone();
                    changed[i].0 = smaller;
                    out.push(Val::Map(changed));
                }
                for smaller in shrink(&value, v) {
                    let mut changed = pairs.clone();
                    changed[i].1 = smaller;
                    out.push(Val::Map(changed));
                }
            }
            out
        }
        (Type::FixedLengthList(list), Val::FixedLengthList(items)) => parts(items, |_| list.ty())
            .map(Val::FixedLengthList)
            .collect(),
        (Type::Record(record), Val::Record(fields)) => {
            let types: Vec<Type> = record.fields().map(|f| f.ty).collect();
            let values: Vec<Val> = fields.iter().map(|(_, v)| v.clone()).collect();
            parts(&values, |i| types[i].clone())
                .map(|values| {
                    Val::Record(
                        fields
                            .iter()
                            .zip(values)
                            .map(|((name, _), v)| (name.clone(), v))
                            .collect(),
                    )
                })
                .collect()
        }
        (Type::Tuple(tuple), Val::Tuple(items)) => {
            let types: Vec<Type> = tuple.types().collect();
            parts(items, |i| types[i].clone()).map(Val::Tuple).collect()
        }
        (Type::Variant(variant), Val::Variant(name, payload)) => {
            let cases: Vec<_> = variant.cases().collect();
            let index = cases.iter().position(|c| c.name == name).unwrap_or(0);
            let mut out: Vec<Val> = cases[..index]
                .iter()
                .filter_map(|case| {
                    let payload = match &case.ty {
                        Some(ty) => Some(Box::new(smallest(ty)?)),
                        None => None,
                    };
                    Some(Val::Variant(case.name.to_owned(), payload))
                })
                .collect();
            if let (Some(ty), Some(payload)) = (&cases[index].ty, payload) {
                out.extend(
                    shrink(ty, payload)
                        .into_iter()
                        .map(|v| Val::Variant(name.clone(), Some(Box::new(v)))),
                );
            }
            out
        }
        (Type::Enum(enum_), Val::Enum(name)) => enum_
            .names()
            .take_while(|n| n != name)
            .map(|n| Val::Enum(n.to_owned()))
            .collect(),
        (Type::Option(option), Val::Option(Some(payload))) => {
            let mut out = vec![Val::Option(None)];
            out.extend(
                shrink(&option.ty(), payload)
                    .into_iter()
                    .map(|v| Val::Option(Some(Box::new(v)))),
            );
            out
        }
        (Type::Result(result), Val::Result(value)) => {
            let mut out = Vec::new();
            if value.is_err() {
                if let Some(ok) = result.ok().map_or(Some(None), |ty| smallest(&ty).map(Some)) {
                    out.push(Val::Result(Ok(ok.map(Box::new))));
                }
            }
            let (ty, payload, ok) = match value {
                Ok(payload) => (result.ok(), payload, true),
                Err(payload) => (result.err(), payload, false),
            };
            if let (Some(ty), Some(payload)) = (ty, payload) {
                out.extend(shrink(&ty, payload).into_iter().map(|v| {
                    let v = Some(Box::new(v));
                    Val::Result(if ok { Ok(v) } else { Err(v) })
                }));
            }
            out
        }
        (_, Val::Flags(set)) => (0..set.len())
            .map(|i| {
                let mut fewer = set.clone();
                fewer.remove(i);
                Val::Flags(fewer)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// How many calls shrinking a counterexample may make.
const MAX_SHRINK_CALLS: usize = 2_000;

/// The smallest arguments found from failing `args` (of types `params`) that still fail,
/// trying simpler values one argument and one step at a time: `fails` calls with a candidate
/// and says why it failed, if it did; `found` is what it said of `args`.
pub(crate) fn minimize<F>(
    params: &[Type],
    mut args: Vec<Val>,
    mut found: F,
    mut fails: impl FnMut(&[Val]) -> Option<F>,
) -> (Vec<Val>, F) {
    let mut calls = 0;
    'smaller: loop {
        for (i, ty) in params.iter().enumerate() {
            for candidate in shrink(ty, &args[i]) {
                if calls == MAX_SHRINK_CALLS {
                    break 'smaller;
                }
                calls += 1;
                let mut tried = args.clone();
                tried[i] = candidate;
                if let Some(failure) = fails(&tried) {
                    (args, found) = (tried, failure);
                    continue 'smaller;
                }
            }
        }
        break;
    }
    (args, found)
}

/// The simplest value of `ty`: what shrinking ends at.
fn smallest(ty: &Type) -> Option<Val> {
    Some(match ty {
        Type::Bool => Val::Bool(false),
        Type::S8 => Val::S8(0),
        Type::U8 => Val::U8(0),
        Type::S16 => Val::S16(0),
        Type::U16 => Val::U16(0),
        Type::S32 => Val::S32(0),
        Type::U32 => Val::U32(0),
        Type::S64 => Val::S64(0),
        Type::U64 => Val::U64(0),
        Type::Float32 => Val::Float32(0.0),
        Type::Float64 => Val::Float64(0.0),
        Type::Char => Val::Char('a'),
        Type::String => Val::String(String::new()),
        Type::List(_) => Val::List(Vec::new()),
        Type::Map(_) => Val::Map(Vec::new()),
        Type::FixedLengthList(list) => Val::FixedLengthList(
            (0..list.len())
                .map(|_| smallest(&list.ty()))
                .collect::<Option<_>>()?,
        ),
        Type::Record(record) => Val::Record(
            record
                .fields()
                .map(|f| Some((f.name.to_owned(), smallest(&f.ty)?)))
                .collect::<Option<_>>()?,
        ),
        Type::Tuple(tuple) => {
            Val::Tuple(tuple.types().map(|t| smallest(&t)).collect::<Option<_>>()?)
        }
        Type::Variant(variant) => {
            let case = variant.cases().next()?;
            let payload = match &case.ty {
                Some(ty) => Some(Box::new(smallest(ty)?)),
                None => None,
            };
            Val::Variant(case.name.to_owned(), payload)
        }
        Type::Enum(enum_) => Val::Enum(enum_.names().next()?.to_owned()),
        Type::Option(_) => Val::Option(None),
        Type::Result(result) => Val::Result(Ok(match result.ok() {
            Some(ty) => Some(Box::new(smallest(&ty)?)),
            None => None,
        })),
        Type::Flags(_) => Val::Flags(Vec::new()),
        _ => return None,
    })
}

/// Integers nearer 0 than `v`: 0, half of it, and one step toward 0.
fn ints(v: i128) -> impl Iterator<Item = i128> {
    let mut out: Vec<i128> = Vec::new();
    for c in [0, v / 2, v - v.signum()] {
        if c != v && !out.contains(&c) {
            out.push(c);
        }
    }
    if v < 0 && v.checked_neg().is_some() {
        // A positive value reads more simply than its negation.
        out.push(-v);
    }
    out.into_iter()
}

/// Floats simpler than `v`: 0, then whole numbers nearer 0, in big steps first so that
/// even 1e300 shrinks in a few hundred tries, then one step toward 0.
fn floats(v: f64) -> impl Iterator<Item = f64> {
    if !v.is_finite() {
        // NaN and the infinities are as simple as they come, but 0 is simpler.
        return vec![0.0].into_iter();
    }
    let mut out: Vec<f64> = Vec::new();
    let mut offer = |c: f64| {
        let simpler = c.abs() < v.abs() || (c == v && c.fract() == 0.0 && v.fract() != 0.0);
        if c.to_bits() != v.to_bits() && simpler && !out.iter().any(|o| o.to_bits() == c.to_bits())
        {
            out.push(c);
        }
    };
    if v.to_bits() != 0.0f64.to_bits() {
        offer(0.0);
    }
    for divisor in [1048576.0, 1024.0, 2.0] {
        offer((v / divisor).trunc());
    }
    offer(v.trunc());
    if v.abs() < 9007199254740992.0 {
        offer(v.trunc() - v.signum());
    }
    out.into_iter()
}

/// Chars simpler than `c`: `a` is the simplest, then the smaller the code point the simpler
/// (so shrinking always ends).
fn chars(c: char) -> impl Iterator<Item = char> {
    let mut out = Vec::new();
    if c == 'a' {
        return out.into_iter();
    }
    out.push('a');
    let code = c as u32;
    for smaller in [code / 2, code.saturating_sub(1)] {
        if let Some(s) = char::from_u32(smaller) {
            if s < c && s != 'a' && !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out.into_iter()
}

/// Shorter sequences (empty, each half, each with one element fewer), then ones with one
/// element shrunk.
fn sequences(items: &[Val], elem: &Type) -> Vec<Vec<Val>> {
    let mut out = Vec::new();
    if items.is_empty() {
        return out;
    }
    out.push(Vec::new());
    let half = items.len() / 2;
    if half > 0 {
        out.push(items[..half].to_vec());
        out.push(items[half..].to_vec());
    }
    for i in 0..items.len().min(32) {
        let mut fewer = items.to_vec();
        fewer.remove(i);
        out.push(fewer);
    }
    out.extend(parts(items, |_| elem.clone()).take(64));
    out
}

/// `items` with one of them shrunk, for each that can be. The first proposal for every item
/// comes before the second for any, so that a big step on a later item is tried before a
/// small step on an earlier one (which could otherwise take all the tries).
fn parts(items: &[Val], ty: impl Fn(usize) -> Type) -> impl Iterator<Item = Vec<Val>> {
    let proposals: Vec<Vec<Val>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| shrink(&ty(i), item))
        .collect();
    let rounds = proposals.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = Vec::new();
    for round in 0..rounds {
        for (i, proposal) in proposals.iter().enumerate() {
            if let Some(smaller) = proposal.get(round) {
                let mut changed = items.to_vec();
                changed[i] = smaller.clone();
                out.push(changed);
            }
        }
    }
    out.into_iter()
}
