// Syntax highlighting for Claw: a CodeMirror StreamLanguage that follows the keyword and type
// lists of editors/vscode/syntaxes/claw.tmLanguage.json and editors/tree-sitter-claw.
// (Claw has only line comments, `//` and `///`; there are no block comments.)
import { StreamLanguage, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

const CONTROL = new Set(['if', 'else', 'while', 'loop', 'for', 'in', 'break', 'continue', 'return', 'match']);
const KEYWORDS = new Set(['let', 'mut', 'func', 'export', 'import', 'from', 'as', 'interface']);
// Words that are keywords only where an item starts (they stay usable as names elsewhere).
const ITEM_KEYWORDS = new Set(['record', 'variant', 'enum', 'flags', 'type', 'resource']);
const PRIMITIVES = new Set(['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'bool', 'char', 'string']);
const GENERICS = new Set(['list', 'option', 'result', 'tuple', 'borrow', 'own', 'map']);

const WORD = /^%?[a-zA-Z][a-zA-Z0-9]*(?:-[a-zA-Z][a-zA-Z0-9]*)*/;
const INTERFACE_PATH = /^%?[a-z][a-z0-9-]*:[a-z][a-z0-9-]*(?:\/[a-z][a-z0-9-]*)?(?:@[0-9A-Za-z.+-]+)?/;
const ESCAPE = /^\\(?:[ntr0\\"']|u\{[0-9a-fA-F]{1,6}\})/;
const OPERATOR = /^(?:=>|->|::|\.\.=|\.\.|==|!=|<=|>=|&&|\|\||<<=|>>=|<<|>>|[-+*/%&|^]=|[-+*/%&|^!<>=?])/;

export const clawStreamParser = {
  name: 'claw',
  startState: () => ({ inString: false, afterItem: null, lineStart: true, depth: 0 }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (stream.sol()) state.lineStart = true;
    if (state.inString) {
      if (stream.match(ESCAPE)) return 'escape';
      if (stream.match(/^\\./)) return 'invalid';
      while (!stream.eol()) {
        const ch = stream.peek();
        if (ch === '\\') return 'string';
        stream.next();
        if (ch === '"') { state.inString = false; return 'string'; }
      }
      state.inString = false; // an unterminated string ends with its line
      return 'string';
    }
    if (stream.eatSpace()) return null;
    const atLineStart = state.lineStart;
    state.lineStart = false;
    const expecting = state.afterItem;
    state.afterItem = null;

    if (stream.match('///')) { stream.skipToEnd(); return 'docComment'; }
    if (stream.match('//')) { stream.skipToEnd(); return 'comment'; }
    if (stream.peek() === '"') {
      stream.next();
      state.inString = true;
      return 'string';
    }
    if (stream.match(/^'(?:[^'\\\n]|\\(?:[ntr0\\"']|u\{[0-9a-fA-F]{1,6}\}))'/)) return 'character';
    if (stream.match(/^'[a-zA-Z][a-zA-Z0-9-]*/)) return 'labelName';
    if (stream.match(/^0x[0-9a-fA-F_]+/) || stream.match(/^0b[01_]+/)
      || stream.match(/^[0-9][0-9_]*(?:\.[0-9][0-9_]*(?:[eE][+-]?[0-9_]+)?|[eE][+-]?[0-9_]+)/)
      || stream.match(/^[0-9][0-9_]*/)) return 'number';
    if (expecting === 'interface' && stream.match(INTERFACE_PATH)) return 'namespace';
    if (stream.match(/^(?:check|format)!/)) return 'macroName';

    const m = stream.match(WORD);
    if (m) {
      const word = m[0];
      if (expecting === 'function') return 'definition';
      if (expecting === 'type') return 'typeDefinition';
      if (word.startsWith('%')) return stream.match(/^\s*(?=\()/, false) ? 'function' : 'variableName';
      if (CONTROL.has(word)) return 'controlKeyword';
      if (KEYWORDS.has(word)) {
        if (word === 'func') state.afterItem = 'function';
        if (word === 'from' || word === 'export') state.afterItem = 'interface';
        return 'keyword';
      }
      if (word === 'true' || word === 'false') return 'bool';
      if (atLineStart && ITEM_KEYWORDS.has(word) && stream.match(/^\s+%?[a-zA-Z]/, false)) {
        state.afterItem = 'type';
        return 'keyword';
      }
      if (atLineStart && (word === 'static' || word === 'constructor') ) return 'keyword';
      if (word === 'drop' && stream.match(/^\s*\{/, false)) return 'keyword';
      if (word === 'new' && stream.match(/^\s+%?[a-zA-Z][a-zA-Z0-9-]*\s*\{/, false)) {
        state.afterItem = 'type';
        return 'keyword';
      }
      if (word === 'self') return 'self';
      if (PRIMITIVES.has(word)) return 'typeName';
      if (GENERICS.has(word) && stream.match(/^\s*</, false)) return 'typeName';
      if (stream.match(/^\s*(?=\()/, false)) return 'function';
      return 'variableName';
    }
    if (stream.match(OPERATOR)) return 'operator';
    const bracket = stream.match(/^[{}()[\]]/);
    if (bracket) {
      state.depth = Math.max(0, state.depth + ('{(['.includes(bracket[0]) ? 1 : -1));
      return 'bracket';
    }
    if (stream.match(/^[,;:.]/)) return 'punctuation';
    stream.next();
    return null;
  },
  indent(state, textAfter, context) {
    if (state.inString) return null;
    const closing = /^\s*[}\])]/.test(textAfter) ? 1 : 0;
    return Math.max(0, state.depth - closing) * context.unit;
  },
  languageData: {
    commentTokens: { line: '//' },
    closeBrackets: { brackets: ['(', '[', '{', '"'] },
    indentOnInput: /^\s*[}\]]$/,
  },
  tokenTable: {
    docComment: t.docComment,
    escape: t.escape,
    invalid: t.invalid,
    character: t.character,
    labelName: t.labelName,
    namespace: t.namespace,
    macroName: t.macroName,
    definition: t.function(t.definition(t.variableName)),
    typeDefinition: t.definition(t.typeName),
    controlKeyword: t.controlKeyword,
    bool: t.bool,
    self: t.self,
    function: t.function(t.variableName),
  },
};

export const clawLanguage = StreamLanguage.define(clawStreamParser);

export const clawHighlightStyle = HighlightStyle.define([
  { tag: [t.comment, t.docComment], color: 'var(--hl-comment)', fontStyle: 'italic' },
  { tag: [t.keyword, t.controlKeyword], color: 'var(--hl-keyword)', fontWeight: '600' },
  { tag: [t.string, t.character], color: 'var(--hl-string)' },
  { tag: t.escape, color: 'var(--hl-escape)' },
  { tag: t.invalid, color: 'var(--hl-invalid)', textDecoration: 'underline wavy' },
  { tag: [t.number, t.bool], color: 'var(--hl-number)' },
  { tag: [t.typeName, t.definition(t.typeName)], color: 'var(--hl-type)' },
  { tag: [t.function(t.variableName), t.function(t.definition(t.variableName)), t.macroName], color: 'var(--hl-function)' },
  { tag: [t.namespace, t.labelName], color: 'var(--hl-namespace)' },
  { tag: t.self, color: 'var(--hl-keyword)', fontStyle: 'italic' },
  { tag: t.operator, color: 'var(--hl-operator)' },
]);

export function claw() {
  return [clawLanguage, syntaxHighlighting(clawHighlightStyle)];
}
