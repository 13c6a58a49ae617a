//! Blocks and statements.

use super::{PResult, Parser, Recover};
use crate::ast::{BinaryOp, Block, Name, Stmt, StmtId, StmtKind};
use crate::TokenKind;

impl Parser<'_> {
    pub(super) fn block(&mut self) -> PResult<Block> {
        // A block inside the head of an `if` (say, in a match arm) lifts the brace rule.
        self.with_brace_literals(true, Self::block_inner)
    }

    fn block_inner(&mut self) -> PResult<Block> {
        let start = self.expect(TokenKind::LBrace)?.span;
        self.enter()?;
        let mut stmts = Vec::new();
        while !matches!(self.peek(), TokenKind::RBrace | TokenKind::Eof) {
            let start = self.pos;
            match self.stmt() {
                Ok(stmt) => stmts.push(stmt),
                Err(Recover) => {
                    self.recover_statement();
                    // Never spin on a token that recovery stops at.
                    if self.pos == start {
                        self.bump();
                    }
                }
            }
        }
        self.leave();
        let end = self.expect(TokenKind::RBrace)?.span;
        Ok(Block {
            stmts,
            span: start.to(end),
        })
    }

    fn stmt(&mut self) -> PResult<StmtId> {
        let start = self.span();
        let kind = match self.peek() {
            TokenKind::Let => {
                self.bump();
                let mutable = self.eat(TokenKind::Mut);
                let name = self.binding()?;
                let ty = if self.eat(TokenKind::Colon) {
                    Some(self.type_expr()?)
                } else {
                    None
                };
                self.expect(TokenKind::Eq)?;
                let init = self.expr()?;
                self.expect(TokenKind::Semi)?;
                StmtKind::Let {
                    mutable,
                    name,
                    ty,
                    init,
                }
            }
            TokenKind::If => self.if_stmt()?,
            TokenKind::Label => {
                let label = self.label();
                self.expect(TokenKind::Colon)?;
                self.loop_stmt(Some(label))?
            }
            TokenKind::While | TokenKind::For | TokenKind::Loop => self.loop_stmt(None)?,
            // Like `if`, a `match` statement ends at its `}`.
            TokenKind::Match => {
                let expr = self.match_expr()?;
                self.eat(TokenKind::Semi);
                StmtKind::Expr(expr)
            }
            TokenKind::Break => {
                self.bump();
                let label = self.at(TokenKind::Label).then(|| self.label());
                self.expect(TokenKind::Semi)?;
                StmtKind::Break(label)
            }
            TokenKind::Continue => {
                self.bump();
                let label = self.at(TokenKind::Label).then(|| self.label());
                self.expect(TokenKind::Semi)?;
                StmtKind::Continue(label)
            }
            TokenKind::Return => {
                self.bump();
                let value = if self.at(TokenKind::Semi) {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.expect(TokenKind::Semi)?;
                StmtKind::Return(value)
            }
            _ => {
                let expr = self.expr()?;
                let op = match self.peek() {
                    TokenKind::Eq => Some(None),
                    TokenKind::PlusEq => Some(Some(BinaryOp::Add)),
                    TokenKind::MinusEq => Some(Some(BinaryOp::Sub)),
                    TokenKind::StarEq => Some(Some(BinaryOp::Mul)),
                    TokenKind::SlashEq => Some(Some(BinaryOp::Div)),
                    TokenKind::PercentEq => Some(Some(BinaryOp::Rem)),
                    TokenKind::AmpEq => Some(Some(BinaryOp::BitAnd)),
                    TokenKind::PipeEq => Some(Some(BinaryOp::BitOr)),
                    TokenKind::CaretEq => Some(Some(BinaryOp::BitXor)),
                    TokenKind::ShlEq => Some(Some(BinaryOp::Shl)),
                    TokenKind::ShrEq => Some(Some(BinaryOp::Shr)),
                    _ => None,
                };
                let kind = match op {
                    Some(op) => {
                        self.bump();
                        let value = self.expr()?;
                        StmtKind::Assign {
                            place: expr,
                            op,
                            value,
                        }
                    }
                    None => StmtKind::Expr(expr),
                };
                if !self.eat(TokenKind::Semi) {
                    return Err(self.unexpected("`;`"));
                }
                kind
            }
        };
        let span = start.to(self.prev_span());
        Ok(self.body.stmts.alloc(Stmt { kind, span }))
    }

    /// The name a `let` or `for` binds. `_` binds nothing and comes back as a name `_`, which
    /// no expression can refer to (as with `result<_, E>` in types).
    /// `while`, `for` or `loop`, after its label if it has one.
    fn loop_stmt(&mut self, label: Option<Name>) -> PResult<StmtKind> {
        Ok(match self.peek() {
            TokenKind::While => {
                self.bump();
                let cond = self.head_expr()?;
                let body = self.block()?;
                StmtKind::While { label, cond, body }
            }
            TokenKind::For => {
                self.bump();
                let binding = self.binding()?;
                self.expect(TokenKind::In)?;
                let iter = self.head_expr()?;
                let body = self.block()?;
                StmtKind::For {
                    label,
                    binding,
                    iter,
                    body,
                }
            }
            TokenKind::Loop => {
                self.bump();
                let body = self.block()?;
                StmtKind::Loop { label, body }
            }
            _ => return Err(self.unexpected("`while`, `for` or `loop` after a label")),
        })
    }

    /// The label token at the current position, as a name with its quote.
    fn label(&mut self) -> Name {
        let token = self.bump();
        self.name_of(token)
    }

    fn binding(&mut self) -> PResult<Name> {
        if self.at(TokenKind::Underscore) {
            let span = self.bump().span;
            return Ok(Name {
                text: "_".to_string(),
                span,
            });
        }
        self.name()
    }

    fn if_stmt(&mut self) -> PResult<StmtKind> {
        let mut branches = Vec::new();
        let mut otherwise = None;
        self.expect(TokenKind::If)?;
        loop {
            let cond = self.head_expr()?;
            let body = self.block()?;
            branches.push((cond, body));
            if !self.eat(TokenKind::Else) {
                break;
            }
            if !self.eat(TokenKind::If) {
                otherwise = Some(self.block()?);
                break;
            }
        }
        Ok(StmtKind::If {
            branches,
            otherwise,
        })
    }
}
