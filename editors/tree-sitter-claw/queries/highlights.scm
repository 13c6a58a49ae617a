; Highlighting for Neovim, Helix, Zed and other tree-sitter editors.

(comment) @comment
(string) @string
(char) @character
(label) @label
(integer) @number
(float) @number.float
(boolean) @boolean
(version) @string.special

[
  "let"
  "mut"
  "func"
  "export"
  "import"
  "from"
  "as"
  "interface"
  "record"
  "variant"
  "enum"
  "flags"
  "type"
  "resource"
  "constructor"
  "static"
  "drop"
  "new"
] @keyword

[
  "if"
  "else"
  "while"
  "loop"
  "for"
  "in"
  "break"
  "continue"
  "return"
  "match"
] @keyword.control

"check!" @function.macro
"format!" @function.macro

(function name: (identifier) @function)
(import_function name: (identifier) @function)
(import_name name: (identifier) @function)
(call function: (path (identifier) @function.call))
(method_call method: (identifier) @function.method)
(method name: (identifier) @function.method)
(static_function name: (identifier) @function)

(type (identifier) @type)
(generic_type name: (identifier) @type)
(type_declaration name: (identifier) @type)
(resource_declaration name: (identifier) @type)
(new_expression type: (identifier) @type)
(case_declaration name: (identifier) @constant)
(case_pattern (identifier) @constant)

((path . (identifier) @variable.builtin .)
  (#eq? @variable.builtin "self"))
(parameter name: (identifier) @variable.parameter)
(field_declaration name: (identifier) @property)
(field_value name: (identifier) @property)
(field_access field: (identifier) @property)

(interface_path) @module
(export_block name: (identifier) @module)

[
  "+" "-" "*" "/" "%" "==" "!=" "<" "<=" ">" ">=" "&&" "||" "!" "&" "|" "^" "<<" ">>"
  "=" "+=" "-=" "*=" "/=" "%=" "&=" "|=" "^=" "<<=" ">>=" "=>" "->" ".." "..=" "?" "::"
] @operator

["(" ")" "[" "]" "{" "}"] @punctuation.bracket
["," ";" ":" "."] @punctuation.delimiter
