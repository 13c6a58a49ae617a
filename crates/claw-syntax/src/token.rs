//! The tokens of Claw, with the regular expressions that recognise them.

use logos::Logos;

use crate::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\n\f]+")]
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
pub enum TokenKind {
    // Words are checked for WIT's casing rule after lexing, so that a mixed-case word is one
    // clear error rather than a stream of confusing ones.
    #[regex(r"%?[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z][a-zA-Z0-9]*)*")]
    Ident,
    #[regex(r"[0-9][0-9_]*")]
    #[regex(r"0x[0-9a-fA-F_]+")]
    #[regex(r"0b[01_]+")]
    Int,
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?")]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9_]+")]
    Float,
    #[regex(r#""([^"\\\n]|\\.)*""#)]
    Str,
    /// Any quoted run, so `'ab'` is one token the parser can reject as a whole.
    #[regex(r"'([^'\\\n]|\\.)*'")]
    Char,
    /// A loop label, `'outer`: the lexer finds labels itself (see `lexer::label_at`).
    Label,
    /// A string missing its closing quote, through the end of the line (a trailing `\` too,
    /// so nothing of the line is left over to report again). The lexer reports it and hands the
    /// parser an [`TokenKind::Error`] in its place.
    #[regex(r#""([^"\\\n]|\\.)*\\?"#)]
    UnterminatedStr,
    /// A character literal missing its closing quote, likewise.
    #[regex(r"'([^'\\\n]|\\.)*\\?")]
    UnterminatedChar,

    #[token("import")]
    Import,
    #[token("export")]
    Export,
    #[token("from")]
    From,
    #[token("func")]
    Func,
    #[token("let")]
    Let,
    #[token("mut")]
    Mut,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("while")]
    While,
    #[token("loop")]
    Loop,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("return")]
    Return,
    #[token("as")]
    As,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("match")]
    Match,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("_")]
    Underscore,

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token("::")]
    ColonColon,
    #[token(";")]
    Semi,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token("..=")]
    DotDotEq,
    #[token("=>")]
    FatArrow,
    #[token("?")]
    Question,
    #[token("@")]
    At,
    #[token("->")]
    Arrow,
    #[token("=")]
    Eq,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("%=")]
    PercentEq,
    #[token("&=")]
    AmpEq,
    #[token("|=")]
    PipeEq,
    #[token("^=")]
    CaretEq,
    #[token("<<=")]
    ShlEq,
    #[token(">>=")]
    ShrEq,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<=")]
    LtEq,
    #[token(">=")]
    GtEq,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("!")]
    Bang,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,

    /// Text no token matches; the lexer reports it and the parser skips it.
    Error,
    /// End of input, so the parser never runs off the token list.
    Eof,
}

impl TokenKind {
    /// How the token is named in "expected …" messages.
    pub fn describe(self) -> &'static str {
        use TokenKind::*;
        match self {
            Ident => "an identifier",
            Int => "an integer",
            Float => "a float",
            Str => "a string",
            Char => "a character",
            UnterminatedStr => "an unterminated string",
            UnterminatedChar => "an unterminated character",
            Label => "a loop label",
            Import => "`import`",
            Export => "`export`",
            From => "`from`",
            Func => "`func`",
            Let => "`let`",
            Mut => "`mut`",
            If => "`if`",
            Else => "`else`",
            While => "`while`",
            Loop => "`loop`",
            Break => "`break`",
            Continue => "`continue`",
            Return => "`return`",
            As => "`as`",
            True => "`true`",
            False => "`false`",
            Match => "`match`",
            For => "`for`",
            In => "`in`",
            Underscore => "`_`",
            LParen => "`(`",
            RParen => "`)`",
            LBrace => "`{`",
            RBrace => "`}`",
            LBracket => "`[`",
            RBracket => "`]`",
            Lt => "`<`",
            Gt => "`>`",
            Comma => "`,`",
            Colon => "`:`",
            ColonColon => "`::`",
            Semi => "`;`",
            Dot => "`.`",
            DotDot => "`..`",
            DotDotEq => "`..=`",
            FatArrow => "`=>`",
            Question => "`?`",
            At => "`@`",
            Arrow => "`->`",
            Eq => "`=`",
            PlusEq => "`+=`",
            MinusEq => "`-=`",
            StarEq => "`*=`",
            SlashEq => "`/=`",
            PercentEq => "`%=`",
            AmpEq => "`&=`",
            PipeEq => "`|=`",
            CaretEq => "`^=`",
            ShlEq => "`<<=`",
            ShrEq => "`>>=`",
            Plus => "`+`",
            Minus => "`-`",
            Star => "`*`",
            Slash => "`/`",
            Percent => "`%`",
            EqEq => "`==`",
            NotEq => "`!=`",
            LtEq => "`<=`",
            GtEq => "`>=`",
            AndAnd => "`&&`",
            OrOr => "`||`",
            Bang => "`!`",
            Amp => "`&`",
            Pipe => "`|`",
            Caret => "`^`",
            Shl => "`<<`",
            Shr => "`>>`",
            Error => "an invalid token",
            Eof => "end of file",
        }
    }
}
