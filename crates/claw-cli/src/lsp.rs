//! `claw lsp`: a language server on stdin and stdout, for any editor that speaks the Language
//! Server Protocol. Each open file is checked again on every change (the whole text is
//! sent), with the WIT folder beside it as `claw check` would load it; the answers come from
//! `claw_compiler::query`, the formatting from `claw fmt`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use claw_compiler::query::{
    self, Analysis, CompletionKind as Kind, Place, Symbol, SymbolKind as SKind,
};
use claw_compiler::{Diagnostic, Resolve, Source};
use claw_syntax::{FileId, Span};
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;

use crate::compile::wit_folder;
use crate::term::Term;

/// Run the language server on stdin and stdout (for editors; see `editors/`).
#[derive(clap::Args)]
#[command(after_help = "\
Editors start it themselves; in VS Code, install `editors/vscode`. By hand:
  $ claw lsp        # then speak the Language Server Protocol on stdin")]
pub struct Opts {}

pub fn run(_opts: Opts, _term: &Term) -> anyhow::Result<ExitCode> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![".".into()]),
            ..Default::default()
        }),
        ..Default::default()
    };
    connection
        .initialize(serde_json::to_value(capabilities)?)
        .context("the editor did not start the session")?;
    let mut server = Server {
        connection: &connection,
        docs: HashMap::new(),
    };
    server.serve()?;
    drop(connection);
    io_threads.join()?;
    Ok(ExitCode::SUCCESS)
}

struct Server<'a> {
    connection: &'a Connection,
    docs: HashMap<String, Doc>,
}

/// An open file: its text and what checking it found.
struct Doc {
    uri: lsp::Uri,
    text: String,
    lines: Lines,
    analysis: Analysis,
}

impl Server<'_> {
    fn serve(&mut self) -> anyhow::Result<()> {
        for message in &self.connection.receiver {
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    let response = self.request(request);
                    self.connection.sender.send(Message::Response(response))?;
                }
                Message::Notification(notification) => self.notification(notification)?,
                Message::Response(_) => {}
            }
        }
        Ok(())
    }

    fn notification(&mut self, notification: Notification) -> anyhow::Result<()> {
        use lsp::notification::{DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument};
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: lsp::DidOpenTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                self.update(params.text_document.uri, params.text_document.text)?;
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp::DidChangeTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                // Full sync: the last change is the whole text.
                if let Some(change) = params.content_changes.into_iter().last() {
                    self.update(params.text_document.uri, change.text)?;
                }
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp::DidCloseTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                self.docs.remove(params.text_document.uri.as_str());
                self.publish(params.text_document.uri, Vec::new())?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Checks the new text of a file and publishes its diagnostics.
    fn update(&mut self, uri: lsp::Uri, text: String) -> anyhow::Result<()> {
        let path = file_path(&uri);
        let name = path
            .as_ref()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("<editor>")
            .to_string();
        let mut wit_problem = None;
        let resolve = match path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|dir| dir.join("wit"))
            .filter(|dir| dir.is_dir())
        {
            Some(dir) => wit_folder(&dir).unwrap_or_else(|problem| {
                wit_problem = Some(*problem);
                Resolve::new()
            }),
            None => Resolve::new(),
        };
        let source = Source {
            file: FileId(0),
            name: &name,
            text: &text,
        };
        let Ok(mut analysis) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            query::analysis(source, resolve)
        })) else {
            // The file keeps its last analysis; the session goes on.
            return Ok(());
        };
        analysis.diagnostics.extend(wit_problem);
        let lines = Lines::new(&text);
        let diagnostics = analysis
            .diagnostics
            .iter()
            .map(|d| diagnostic(&uri, &lines, &text, d))
            .collect();
        self.docs.insert(
            uri.as_str().to_string(),
            Doc {
                uri: uri.clone(),
                text,
                lines,
                analysis,
            },
        );
        self.publish(uri, diagnostics)
    }

    fn publish(&self, uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>) -> anyhow::Result<()> {
        use lsp::notification::PublishDiagnostics;
        let params = lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        self.connection
            .sender
            .send(Message::Notification(Notification::new(
                PublishDiagnostics::METHOD.to_string(),
                params,
            )))?;
        Ok(())
    }

    fn request(&self, request: Request) -> Response {
        let id = request.id.clone();
        // A bug in one answer is that answer's error, not the end of the session.
        let answer =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(request)));
        match answer {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(err)) => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                format!("{err:#}"),
            ),
            Err(_) => Response::new_err(
                id,
                lsp_server::ErrorCode::InternalError as i32,
                "claw lsp failed on this request (a bug; please report it)".into(),
            ),
        }
    }

    fn answer(&self, request: Request) -> anyhow::Result<serde_json::Value> {
        use lsp::request::{
            Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
            References, Rename,
        };
        let params = request.params;
        let value = match request.method.as_str() {
            HoverRequest::METHOD => {
                let params: lsp::HoverParams = serde_json::from_value(params)?;
                let at = &params.text_document_position_params;
                let (doc, offset) = self.at(&at.text_document.uri, at.position)?;
                serde_json::to_value(doc.analysis.hover(offset).map(|(span, text)| lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: hover_markdown(&text),
                    }),
                    range: Some(doc.range(span)),
                }))?
            }
            GotoDefinition::METHOD => {
                let params: lsp::GotoDefinitionParams = serde_json::from_value(params)?;
                let at = &params.text_document_position_params;
                let (doc, offset) = self.at(&at.text_document.uri, at.position)?;
                let location = match doc.analysis.definition(offset) {
                    Some(Place::Here(span)) => Some(lsp::Location {
                        uri: doc.uri.clone(),
                        range: doc.range(span),
                    }),
                    Some(Place::Wit { path, range }) => wit_location(&path, range),
                    None => None,
                };
                serde_json::to_value(location.map(lsp::GotoDefinitionResponse::Scalar))?
            }
            References::METHOD => {
                let params: lsp::ReferenceParams = serde_json::from_value(params)?;
                let at = &params.text_document_position;
                let (doc, offset) = self.at(&at.text_document.uri, at.position)?;
                let locations: Vec<lsp::Location> = doc
                    .analysis
                    .references(offset)
                    .into_iter()
                    .map(|span| lsp::Location {
                        uri: doc.uri.clone(),
                        range: doc.range(span),
                    })
                    .collect();
                serde_json::to_value(locations)?
            }
            Rename::METHOD => {
                let params: lsp::RenameParams = serde_json::from_value(params)?;
                let at = &params.text_document_position;
                let (doc, offset) = self.at(&at.text_document.uri, at.position)?;
                let edits: Vec<lsp::TextEdit> = doc
                    .analysis
                    .references(offset)
                    .into_iter()
                    .map(|span| lsp::TextEdit {
                        range: doc.range(span),
                        new_text: params.new_name.clone(),
                    })
                    .collect();
                if edits.is_empty() {
                    serde_json::Value::Null
                } else {
                    serde_json::to_value(lsp::WorkspaceEdit {
                        changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
                        ..Default::default()
                    })?
                }
            }
            Completion::METHOD => {
                let params: lsp::CompletionParams = serde_json::from_value(params)?;
                let at = &params.text_document_position;
                let (doc, offset) = self.at(&at.text_document.uri, at.position)?;
                let items: Vec<lsp::CompletionItem> = doc
                    .analysis
                    .completions(&doc.text, offset)
                    .into_iter()
                    .map(|c| lsp::CompletionItem {
                        label: c.label,
                        kind: Some(completion_kind(c.kind)),
                        detail: (!c.detail.is_empty()).then_some(c.detail),
                        ..Default::default()
                    })
                    .collect();
                serde_json::to_value(lsp::CompletionResponse::Array(items))?
            }
            DocumentSymbolRequest::METHOD => {
                let params: lsp::DocumentSymbolParams = serde_json::from_value(params)?;
                let doc = self.doc(&params.text_document.uri)?;
                let symbols: Vec<lsp::DocumentSymbol> = doc
                    .analysis
                    .symbols()
                    .into_iter()
                    .map(|s| doc.symbol(s))
                    .collect();
                serde_json::to_value(lsp::DocumentSymbolResponse::Nested(symbols))?
            }
            Formatting::METHOD => {
                let params: lsp::DocumentFormattingParams = serde_json::from_value(params)?;
                let doc = self.doc(&params.text_document.uri)?;
                // A file that does not parse is left alone; its diagnostics say why.
                match claw_fmt::format(&doc.text) {
                    Ok(text) if text != doc.text => {
                        let end = doc.lines.position(&doc.text, doc.text.len());
                        serde_json::to_value(vec![lsp::TextEdit {
                            range: lsp::Range {
                                start: lsp::Position::new(0, 0),
                                end,
                            },
                            new_text: text,
                        }])?
                    }
                    Ok(_) => serde_json::to_value(Vec::<lsp::TextEdit>::new())?,
                    Err(_) => serde_json::Value::Null,
                }
            }
            method => anyhow::bail!("`{method}` is not supported"),
        };
        Ok(value)
    }

    fn doc(&self, uri: &lsp::Uri) -> anyhow::Result<&Doc> {
        self.docs
            .get(uri.as_str())
            .with_context(|| format!("`{}` is not open", uri.as_str()))
    }

    /// The open file and the byte offset of `position` in it.
    fn at(&self, uri: &lsp::Uri, position: lsp::Position) -> anyhow::Result<(&Doc, usize)> {
        let doc = self.doc(uri)?;
        Ok((doc, doc.lines.offset(&doc.text, position)))
    }
}

impl Doc {
    fn range(&self, span: Span) -> lsp::Range {
        lsp::Range {
            start: self.lines.position(&self.text, span.start as usize),
            end: self.lines.position(&self.text, span.end as usize),
        }
    }

    #[allow(deprecated)] // `deprecated` is a required field, superseded by `tags`.
    fn symbol(&self, symbol: Symbol) -> lsp::DocumentSymbol {
        lsp::DocumentSymbol {
            name: symbol.name,
            detail: (!symbol.detail.is_empty()).then_some(symbol.detail),
            kind: match symbol.kind {
                SKind::Function => lsp::SymbolKind::FUNCTION,
                SKind::Global => lsp::SymbolKind::VARIABLE,
                SKind::Type => lsp::SymbolKind::STRUCT,
                SKind::Interface => lsp::SymbolKind::INTERFACE,
            },
            tags: None,
            deprecated: None,
            range: self.range(symbol.span),
            selection_range: self.range(symbol.name_span),
            children: (!symbol.children.is_empty()).then(|| {
                symbol
                    .children
                    .into_iter()
                    .map(|s| self.symbol(s))
                    .collect()
            }),
        }
    }
}

/// A `claw check` diagnostic as the protocol carries it: the primary label's place, the
/// message with its label, notes and hint, and the secondary labels as related places.
fn diagnostic(uri: &lsp::Uri, lines: &Lines, text: &str, d: &Diagnostic) -> lsp::Diagnostic {
    let range = |span: Span| lsp::Range {
        start: lines.position(text, span.start as usize),
        end: lines.position(text, span.end as usize),
    };
    let mut message = d.message.clone();
    for note in &d.notes {
        message += &format!("\nnote: {note}");
    }
    if let Some(hint) = &d.hint {
        message += &format!("\nhelp: {hint}");
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|label| lsp::DiagnosticRelatedInformation {
            location: lsp::Location {
                uri: uri.clone(),
                range: range(label.span),
            },
            message: label.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: d
            .primary
            .as_ref()
            .map_or_else(lsp::Range::default, |l| range(l.span)),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        source: Some("claw".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// The code of a hover in a `claw` block, and what follows its first blank line (where it
/// came from, its doc comment) as prose.
fn hover_markdown(text: &str) -> String {
    let (code, prose) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut out = format!("```claw\n{code}\n```");
    if !prose.is_empty() {
        out += &format!("\n\n{prose}");
    }
    out
}

fn completion_kind(kind: Kind) -> lsp::CompletionItemKind {
    match kind {
        Kind::Local | Kind::Global => lsp::CompletionItemKind::VARIABLE,
        Kind::Function => lsp::CompletionItemKind::FUNCTION,
        Kind::Field => lsp::CompletionItemKind::FIELD,
        Kind::Method => lsp::CompletionItemKind::METHOD,
        Kind::Case => lsp::CompletionItemKind::ENUM_MEMBER,
        Kind::Keyword => lsp::CompletionItemKind::KEYWORD,
        Kind::Interface => lsp::CompletionItemKind::INTERFACE,
    }
}

/// A place in a WIT file, read to find its lines.
fn wit_location(path: &str, range: std::ops::Range<usize>) -> Option<lsp::Location> {
    let text = std::fs::read_to_string(path).ok()?;
    let lines = Lines::new(&text);
    let path = std::path::Path::new(path).canonicalize().ok()?;
    let uri: lsp::Uri = format!("file://{}", path.display()).parse().ok()?;
    Some(lsp::Location {
        uri,
        range: lsp::Range {
            start: lines.position(&text, range.start),
            end: lines.position(&text, range.end),
        },
    })
}

/// The path of a `file:` URI, its `%XX` escapes decoded.
fn file_path(uri: &lsp::Uri) -> Option<PathBuf> {
    let text = uri.as_str().strip_prefix("file://")?;
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

/// Line starts, to turn byte offsets into the protocol's line and UTF-16 column and back.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn position(&self, text: &str, offset: usize) -> lsp::Position {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let column = text
            .get(start..offset)
            .map_or(0, |s| s.encode_utf16().count());
        lsp::Position::new(line as u32, column as u32)
    }

    fn offset(&self, text: &str, position: lsp::Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let mut units = 0;
        for (index, c) in text[start..].char_indices() {
            if units >= position.character as usize || c == '\n' {
                return start + index;
            }
            units += c.len_utf16();
        }
        text.len()
    }
}
