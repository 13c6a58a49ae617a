/**
 * @file Claw: a language that compiles to WebAssembly components.
 * @license Apache-2.0 WITH LLVM-exception
 *
 * The grammar follows the compiler's parser (crates/claw-syntax/src/parser): items, then
 * statements, then expressions with Rust's precedence table.
 */

const PREC = {
  range: 1,
  or: 2,
  and: 3,
  compare: 4,
  bit_or: 5,
  bit_xor: 6,
  bit_and: 7,
  shift: 8,
  add: 9,
  multiply: 10,
  cast: 11,
  unary: 12,
  postfix: 13,
};

const commaSep = (rule) => optional(seq(rule, repeat(seq(',', rule)), optional(',')));
const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)), optional(','));

module.exports = grammar({
  name: 'claw',

  word: ($) => $.identifier,

  extras: ($) => [/\s/, $.comment],

  conflicts: ($) => [
    [$.record, $.flags],
  ],

  rules: {
    source_file: ($) => repeat($._item),

    _item: ($) =>
      choice(
        $.import_function,
        $.import_from,
        $.global,
        $.function,
        $.type_declaration,
        $.export_block,
      ),

    import_function: ($) =>
      seq(
        'import',
        field('name', $.identifier),
        optional(seq('as', field('alias', $.identifier))),
        ':',
        'func',
        $.parameters,
        optional(seq('->', field('result', $._type))),
        ';',
      ),

    import_from: ($) =>
      seq('import', '{', commaSep1($.import_name), '}', 'from', $.interface_path, ';'),

    import_name: ($) =>
      seq(field('name', $.identifier), optional(seq('as', field('alias', $.identifier)))),

    interface_path: ($) =>
      seq(
        field('namespace', $.identifier),
        ':',
        field('package', $.identifier),
        '/',
        field('interface', $.identifier),
        optional(field('version', $.version)),
      ),

    version: (_) => token(seq('@', /[0-9][0-9A-Za-z.+-]*/)),

    global: ($) =>
      seq(
        'let',
        optional('mut'),
        field('name', $.identifier),
        optional(seq(':', field('type', $._type))),
        optional(seq('=', field('value', $._expression))),
        ';',
      ),

    function: ($) =>
      seq(
        optional('export'),
        'func',
        field('name', $.identifier),
        $.parameters,
        optional(seq('->', field('result', $._type))),
        field('body', $.block),
      ),

    parameters: ($) => seq('(', commaSep($.parameter), ')'),

    parameter: ($) => seq(field('name', $.identifier), ':', field('type', $._type)),

    export_block: ($) =>
      seq(
        'export',
        choice($.interface_path, seq(field('name', $.identifier), ':', 'interface')),
        '{',
        repeat(choice($.function, $.resource_declaration)),
        '}',
      ),

    // `resource`, `constructor`, `static` and `drop` are keywords only where the compiler
    // reads them so (tree-sitter lexes a keyword only where it is valid); inside a resource
    // block the last three still name fields (`drop: u32,`), told apart by the next token.
    resource_declaration: ($) =>
      seq(
        'resource',
        field('name', $.identifier),
        '{',
        repeat(
          choice(
            seq($.field_declaration, ','),
            $.constructor,
            $.destructor,
            $.method,
            $.static_function,
          ),
        ),
        // As in the compiler, a comma follows every field but one just before the `}`.
        optional($.field_declaration),
        '}',
      ),

    constructor: ($) =>
      seq(
        'constructor',
        $.parameters,
        optional(seq('->', field('result', $._type))),
        field('body', $.block),
      ),

    destructor: ($) => seq('drop', field('body', $.block)),

    method: ($) =>
      seq(
        'func',
        field('name', $.identifier),
        $.parameters,
        optional(seq('->', field('result', $._type))),
        field('body', $.block),
      ),

    static_function: ($) =>
      seq(
        'static',
        'func',
        field('name', $.identifier),
        $.parameters,
        optional(seq('->', field('result', $._type))),
        field('body', $.block),
      ),

    type_declaration: ($) =>
      choice(
        seq('record', field('name', $.identifier), '{', commaSep($.field_declaration), '}'),
        seq('variant', field('name', $.identifier), '{', commaSep($.case_declaration), '}'),
        seq(choice('enum', 'flags'), field('name', $.identifier), '{', commaSep($.identifier), '}'),
        seq('type', field('name', $.identifier), '=', field('type', $._type), ';'),
      ),

    field_declaration: ($) =>
      seq(
        field('name', choice($.identifier, alias(choice('constructor', 'static', 'drop'), $.identifier))),
        ':',
        field('type', $._type),
      ),

    case_declaration: ($) =>
      seq(field('name', $.identifier), optional(seq('(', field('payload', $._type), ')'))),

    _type: ($) => choice($.type, $.generic_type),

    type: ($) => choice($.identifier, '_'),

    // As in the compiler, a `<` after a type name opens its arguments, after `as` too.
    generic_type: ($) =>
      prec(PREC.postfix, seq(field('name', $.identifier), '<', commaSep1($._type), '>')),

    // A `{` where a block may start opens one (an arm's body), as in the compiler.
    block: ($) => prec(1, seq('{', repeat($._statement), '}')),

    _statement: ($) =>
      choice(
        $.let_statement,
        $.assignment,
        $.if_statement,
        $.while_statement,
        $.loop_statement,
        $.for_statement,
        $.labeled_statement,
        $.break_statement,
        $.continue_statement,
        $.return_statement,
        $.expression_statement,
        $.match_statement,
      ),

    let_statement: ($) =>
      seq(
        'let',
        optional('mut'),
        field('name', choice($.identifier, '_')),
        optional(seq(':', field('type', $._type))),
        '=',
        field('value', $._expression),
        ';',
      ),

    assignment: ($) =>
      seq(
        field('place', $._expression),
        field('operator', choice('=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=')),
        field('value', $._expression),
        ';',
      ),

    if_statement: ($) =>
      seq(
        'if',
        field('condition', $._condition),
        field('consequence', $.block),
        repeat(seq('else', 'if', field('condition', $._condition), field('consequence', $.block))),
        optional(seq('else', field('alternative', $.block))),
      ),

    _condition: ($) => choice($._expression, $.let_condition),

    let_condition: ($) => seq('let', field('pattern', $._pattern), '=', field('value', $._expression)),

    while_statement: ($) => seq('while', field('condition', $._expression), field('body', $.block)),

    loop_statement: ($) => seq('loop', field('body', $.block)),

    for_statement: ($) =>
      seq(
        'for',
        field('binding', choice($.identifier, '_')),
        'in',
        field('iterable', $._expression),
        field('body', $.block),
      ),

    // `'outer: for …`; `break 'outer;` leaves that loop.
    labeled_statement: ($) =>
      seq(
        field('label', $.label),
        ':',
        field('body', choice($.while_statement, $.loop_statement, $.for_statement)),
      ),

    label: (_) => /'[a-zA-Z][a-zA-Z0-9-]*/,

    break_statement: ($) => seq('break', optional(field('label', $.label)), ';'),

    continue_statement: ($) => seq('continue', optional(field('label', $.label)), ';'),

    return_statement: ($) => seq('return', optional($._expression), ';'),

    expression_statement: ($) => seq($._expression, ';'),

    match_statement: ($) => prec(1, seq($.match_expression, optional(';'))),

    _expression: ($) =>
      choice(
        $.integer,
        $.float,
        $.string,
        $.char,
        $.boolean,
        $.path,
        $.call,
        $.list,
        $.tuple,
        $.parenthesized,
        $.record,
        $.flags,
        $.map,
        $.field_access,
        $.index,
        $.method_call,
        $.try_expression,
        $.unary,
        $.binary,
        $.cast,
        $.range,
        $.match_expression,
        $.check,
        $.format,
        $.new_expression,
      ),

    integer: (_) => token(choice(/[0-9][0-9_]*/, /0x[0-9a-fA-F_]+/, /0b[01_]+/)),

    float: (_) =>
      token(
        choice(/[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?/, /[0-9][0-9_]*[eE][+-]?[0-9_]+/),
      ),

    string: (_) => token(seq('"', repeat(choice(/[^"\\\n]/, /\\./)), '"')),

    char: (_) => token(seq("'", repeat1(choice(/[^'\\\n]/, /\\./)), "'")),

    boolean: (_) => choice('true', 'false'),

    // `new` is a keyword only before a name and a `{`; elsewhere it is an ordinary name.
    path: ($) =>
      prec.right(
        seq(choice($.identifier, alias('new', $.identifier)), repeat(seq('::', $.identifier))),
      ),

    call: ($) =>
      prec(PREC.postfix, seq(field('function', $.path), field('arguments', $.arguments))),

    arguments: ($) => seq('(', commaSep($._expression), ')'),

    list: ($) => seq('[', commaSep($._expression), ']'),

    tuple: ($) =>
      choice(
        seq('(', ')'),
        seq('(', $._expression, ',', ')'),
        seq('(', $._expression, repeat1(seq(',', $._expression)), optional(','), ')'),
      ),

    parenthesized: ($) => seq('(', $._expression, ')'),

    record: ($) => seq('{', commaSep1($.field_value), '}'),

    field_value: ($) => seq(field('name', $.identifier), ':', field('value', $._expression)),

    flags: ($) => seq('{', commaSep($.identifier), '}'),

    // `{"a": 1}`: any key but a bare name, which makes a record (`{(k): v}` for a variable).
    map: ($) => seq('{', commaSep1($.map_entry), '}'),

    map_entry: ($) =>
      seq(field('key', $._map_key), ':', field('value', $._expression)),

    _map_key: ($) =>
      choice(
        $.integer,
        $.float,
        $.string,
        $.char,
        $.boolean,
        $.parenthesized,
        $.tuple,
        $.unary,
      ),

    new_expression: ($) =>
      seq('new', field('type', $.identifier), '{', commaSep($.field_value), '}'),

    field_access: ($) =>
      prec(
        PREC.postfix,
        seq(field('value', $._expression), '.', field('field', choice($.identifier, $.integer, $.float))),
      ),

    index: ($) =>
      prec(PREC.postfix, seq(field('value', $._expression), '[', field('index', $._expression), ']')),

    method_call: ($) =>
      prec(
        PREC.postfix + 1,
        seq(
          field('receiver', $._expression),
          '.',
          field('method', $.identifier),
          field('arguments', $.arguments),
        ),
      ),

    try_expression: ($) => prec(PREC.postfix, seq($._expression, '?')),

    unary: ($) => prec(PREC.unary, seq(field('operator', choice('-', '!')), $._expression)),

    cast: ($) => prec.left(PREC.cast, seq($._expression, 'as', $._type)),

    binary: ($) => {
      const table = [
        [PREC.multiply, choice('*', '/', '%')],
        [PREC.add, choice('+', '-')],
        [PREC.shift, choice('<<', '>>')],
        [PREC.bit_and, '&'],
        [PREC.bit_xor, '^'],
        [PREC.bit_or, '|'],
        [PREC.compare, choice('==', '!=', '<', '<=', '>', '>=')],
        [PREC.and, '&&'],
        [PREC.or, '||'],
      ];
      return choice(
        ...table.map(([precedence, operator]) =>
          prec.left(
            precedence,
            seq(
              field('left', $._expression),
              field('operator', operator),
              field('right', $._expression),
            ),
          ),
        ),
      );
    },

    range: ($) =>
      prec.left(PREC.range, seq($._expression, choice('..', '..='), $._expression)),

    match_expression: ($) =>
      seq('match', field('value', $._expression), '{', repeat($.match_arm), optional($.last_arm), '}'),

    match_arm: ($) =>
      seq(
        field('pattern', $._pattern),
        optional($._guard),
        '=>',
        choice(seq(field('value', $._expression), ','), seq(field('body', $.block), optional(','))),
      ),

    last_arm: ($) =>
      seq(field('pattern', $._pattern), optional($._guard), '=>', field('value', $._expression)),

    // `some(n) if n > 0 => …`: the arm runs only when the guard holds too.
    _guard: ($) => seq('if', field('guard', $._expression)),

    // One token, so that `check` stays an ordinary name elsewhere (`check(x)` is a call).
    check: ($) => seq(token(prec(1, 'check!')), '(', $._expression, ')'),

    // `format!("{name} has {n} items")`: the placeholders are part of the string's text.
    format: ($) => seq(token(prec(1, 'format!')), '(', $.string, ')'),

    _pattern: ($) =>
      choice(
        '_',
        $.identifier,
        $.case_pattern,
        $.integer_pattern,
        $.range_pattern,
        $.string,
        $.char,
        $.boolean,
        $.tuple_pattern,
        $.or_pattern,
      ),

    // `red | green`: alternatives, loosest of all, as in Rust.
    or_pattern: ($) => prec.left(seq($._pattern, '|', $._pattern)),

    case_pattern: ($) =>
      choice(
        seq($.identifier, repeat1(seq('::', $.identifier))),
        seq(
          $.identifier,
          repeat(seq('::', $.identifier)),
          '(',
          field('payload', $._pattern),
          ')',
        ),
      ),

    integer_pattern: ($) => seq(optional('-'), $.integer),

    // `1..=9`, `0..10`, `10..`, `..=-1`, `..0`, `'a'..='z'`: ends are numbers or chars; only
    // `..` may leave out its end.
    range_pattern: ($) =>
      choice(
        seq(field('start', $._range_end), choice('..', '..='), field('end', $._range_end)),
        seq(field('start', $._range_end), '..'),
        seq(choice('..', '..='), field('end', $._range_end)),
      ),

    _range_end: ($) => choice($.integer_pattern, $.char),

    tuple_pattern: ($) => seq('(', commaSep($._pattern), ')'),

    identifier: (_) => /%?[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z][a-zA-Z0-9]*)*/,

    comment: (_) => token(seq('//', /.*/)),
  },
});
