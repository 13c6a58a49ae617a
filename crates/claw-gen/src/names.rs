//! Fresh kebab-case names. Every name in a program is distinct (types, cases, fields,
//! functions, globals and locals alike), except where a `let` shadows on purpose, so a binding
//! in a pattern can never be mistaken for a case and no two WIT items collide.

use std::collections::HashSet;

use crate::rng::Rng;

/// Words that are safe everywhere: not Claw, WIT or WAVE keywords, not built-in names or
/// methods, and not `state` (the name of the final export).
const WORDS: &[&str] = &[
    "acc", "item", "node", "mark", "tally", "sum", "val", "key", "note", "tag", "word", "step",
    "pos", "level", "score", "bit", "cell", "span", "edge", "leaf", "root", "part", "seed", "slot",
    "zone", "pair", "wave", "glyph", "token", "frame", "limit", "depth", "width", "delta", "ratio",
    "rate", "mode", "kind", "shade", "tone", "hue", "spot", "dot", "grid", "row", "col", "lane",
    "path", "trail", "fork", "bead", "coin", "gem", "rock", "sand", "fern", "moss", "reed", "pine",
    "oak", "elm", "ash", "bay", "cove", "reef", "dune", "peak", "vale", "glen", "brook", "pond",
    "lake", "tide", "gust", "mist", "haze", "frost", "spark", "flame", "ember", "glow", "beam",
    "ray", "arc", "hop", "skip", "jump", "dash", "run-at", "walk", "crawl", "drift", "sway",
    "spin", "twist", "turn", "bend", "fold", "knot", "link", "chain", "hook", "pin", "nail",
    "bolt", "nut", "gear", "cog", "lever", "wheel", "axle", "shaft", "blade", "hilt", "shield",
    "crown", "throne", "tower", "gate", "wall", "moat", "keep", "hall", "room", "door", "latch",
    "bell", "horn", "drum", "harp", "lute", "flute", "chord", "tune", "verse", "rhyme", "prose",
    "quill", "ink", "page", "book", "atlas", "scroll", "chart", "guide", "clue", "hint", "sign",
    "omen", "fate", "luck", "wish", "hope", "dream", "sleep", "wake", "dawn", "dusk", "noon",
    "night", "moon", "sun", "star", "comet", "orbit", "void", "alpha", "beta", "gamma", "omega",
    "sigma", "kappa", "zeta", "theta", "lambda", "mu",
];

/// Hands out fresh names.
#[derive(Default)]
pub(crate) struct Names {
    used: HashSet<String>,
}

impl Names {
    /// A fresh name of one or two words.
    pub(crate) fn fresh(&mut self, rng: &mut Rng) -> String {
        let mut base = (*rng.pick(WORDS)).to_string();
        if rng.chance(35) {
            base = format!("{base}-{}", rng.pick(WORDS));
        }
        self.claim(base)
    }

    /// `base` if unused, else `base` with a number appended to its last word (`acc2`), which
    /// keeps it a valid name: each word must start with a letter.
    fn claim(&mut self, base: String) -> String {
        let mut name = base.clone();
        let mut n = 2;
        while self.used.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.used.insert(name.clone());
        name
    }

    /// Reserves a name chosen elsewhere, so no fresh name equals it.
    pub(crate) fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_string());
    }
}
