//! The terminal: whether to colour stderr, and printing the CLI's own `error: …` lines.

use std::io::IsTerminal;

use claw_render::paint;

/// `--color`: the usual three choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What the subcommands need to know about where their messages go.
pub struct Term {
    /// Whether stderr gets ANSI colours.
    pub color: bool,
}

/// An error whose details are already on stderr, such as compile diagnostics; `main` only sets
/// the exit status for it.
#[derive(Debug)]
pub struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("errors were reported")
    }
}

impl std::error::Error for Reported {}

impl Term {
    /// Decides colour once. An explicit `--color always` wins over `NO_COLOR` because the user
    /// asked for it on this very command line; `auto` follows <https://no-color.org>.
    pub fn new(choice: ColorChoice) -> Term {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && std::io::stderr().is_terminal()
            }
        };
        Term { color }
    }

    /// Prints `error: message` to stderr, the prefix in bold red when colouring.
    pub fn error(&self, message: &str) {
        eprintln!("{}: {message}", paint(self.color, "error"));
    }
}
