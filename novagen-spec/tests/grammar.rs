//! The grammar: what each text parses to, its canonical print, and the refusals (offset and
//! sentence).
#![cfg(feature = "parse")]

use novagen_spec::{
    parse_expr, parse_template, Call, Cmp, Expr, Filter, Lit, Path, Piece, Root, Step, Template,
};

fn p(t: &str) -> Expr {
    match parse_expr(t) {
        Ok(e) => e,
        Err(e) => panic!("{t:?} did not parse: {e}"),
    }
}

/// Parses, prints as `canon`, and the print parses back to the same tree.
fn canon(t: &str, want: &str) {
    let e = p(t);
    assert_eq!(e.to_string(), want, "print of {t:?}");
    assert_eq!(p(want), e, "re-parse of {want:?}");
}

fn fails(t: &str, offset: usize, words: &str) {
    match parse_expr(t) {
        Ok(e) => panic!("{t:?} parsed as {e:?}"),
        Err(e) => {
            assert_eq!(e.offset, offset, "offset for {t:?}: {}", e.message);
            assert!(
                e.message.contains(words),
                "{t:?}: {:?} lacks {words:?}",
                e.message
            );
        }
    }
}

fn tfails(t: &str, offset: usize, words: &str) {
    match parse_template(t) {
        Ok(e) => panic!("{t:?} parsed as {e:?}"),
        Err(e) => {
            assert_eq!(e.offset, offset, "offset for {t:?}: {}", e.message);
            assert!(
                e.message.contains(words),
                "{t:?}: {:?} lacks {words:?}",
                e.message
            );
        }
    }
}

fn arg(n: &'static str) -> Expr {
    Expr::Path(Path {
        root: Root::Arg(n),
        steps: &[],
    })
}

#[test]
fn paths_and_roots() {
    assert_eq!(p("name"), arg("name"));
    assert_eq!(
        p("reply.servers[-1].id"),
        Expr::Path(Path {
            root: Root::Reply,
            steps: &[Step::Key("servers"), Step::Index(-1), Step::Key("id")],
        })
    );
    assert_eq!(
        p("reply.'OS-EXT-STS:vm_state'"),
        Expr::Path(Path {
            root: Root::Reply,
            steps: &[Step::Key("OS-EXT-STS:vm_state")],
        })
    );
    assert_eq!(
        p("it.^.^.name"),
        Expr::Path(Path {
            root: Root::Parent(2),
            steps: &[Step::Key("name")],
        })
    );
    let roots = [
        ("typed.server", Root::Typed("server")),
        ("found.flavor", Root::Found("flavor")),
        ("session.project_id", Root::Session("project_id")),
        ("now", Root::Now),
        ("it", Root::It),
        ("reply", Root::Reply),
        ("version", Root::Version),
    ];
    for (t, root) in roots {
        assert_eq!(p(t), Expr::Path(Path { root, steps: &[] }), "{t}");
    }
    canon("h[].s[].'a b'", "h[].s[].'a b'");
}

#[test]
fn literals() {
    let lits = [
        ("'a\\'b\\\\c\\n'", Lit::Str("a'b\\c\n")),
        ("12", Lit::Int(12)),
        ("-3", Lit::Int(-3)),
        ("2.5", Lit::Float(2.5)),
        ("true", Lit::Bool(true)),
        ("false", Lit::Bool(false)),
        ("null", Lit::Null),
        ("absent", Lit::Absent),
    ];
    for (t, l) in lits {
        assert_eq!(p(t), Expr::Lit(l), "{t}");
        assert_eq!(p(&p(t).to_string()), Expr::Lit(l), "{t}");
    }
    canon("[1, 'a', [true]]", "[1, 'a', [true]]");
    canon("[]", "[]");
    canon("\"a {b} {{c}} \\\"q\\\"\"", "\"a {b} {{c}} \\\"q\\\"\"");
    canon("\"{x}\"", "\"{x}\"");
    canon("1.0", "1.0");
}

#[test]
fn reply_in_is_not_a_path_with_spaces() {
    // `reply .in`: the `.` must touch the root; here `.in` is trailing text.
    assert!(parse_expr("reply .in").is_err());
}

#[test]
fn precedence() {
    canon(
        "a ?? b or c and not d == e | count",
        "a ?? b or c and not d == e | count",
    );
    // each level binds tighter than the one before it
    let e = p("a ?? b or c");
    assert!(matches!(e, Expr::Coalesce([_, Expr::Or(_)])));
    let e = p("a or b and c");
    assert!(matches!(e, Expr::Or([_, Expr::And(_)])));
    let e = p("not a and b");
    assert!(matches!(e, Expr::And([Expr::Not(_), _])));
    let e = p("not a == b");
    assert!(matches!(e, Expr::Not(Expr::Compare(_, Cmp::Eq, _))));
    let e = p("a | count == 2");
    assert!(matches!(e, Expr::Compare(Expr::Pipe(..), Cmp::Eq, _)));
    let e = p("'HARD' if hard else 'SOFT'");
    assert!(matches!(
        e,
        Expr::If {
            otherwise: Some(_),
            ..
        }
    ));
    canon("(a ?? b) ?? c", "(a ?? b) ?? c");
    canon("a ?? (b ?? c)", "a ?? (b ?? c)");
    canon("((a))", "a");
    canon("(a or b) and c", "(a or b) and c");
    canon("not (a and b)", "not (a and b)");
    canon("not not a", "not not a");
    canon("(a | first) | count", "(a | first) | count");
    canon("a if b else c if d else e", "a if b else c if d else e");
    canon("(a if b else c) if d", "(a if b else c) if d");
    canon("(a if b) ?? c", "(a if b) ?? c");
    canon("a  in  b", "a in b");
    canon("a not in b", "a not in b");
    canon("x|map(it.addr)|join(', ')", "x | map(it.addr) | join(', ')");
    canon("(a == b) == c", "(a == b) == c");
}

#[test]
fn conditionals_replace_the_old_filters() {
    canon("'HARD' if hard else 'SOFT'", "'HARD' if hard else 'SOFT'");
    canon(
        "null if key_unset else key_name",
        "null if key_unset else key_name",
    );
    canon(
        "description ?? (null if version >= 2.19)",
        "description ?? (null if version >= 2.19)",
    );
    canon(
        "null if description == '' else description",
        "null if description == '' else description",
    );
}

#[test]
fn versions() {
    let e = p("version >= 2.37");
    assert_eq!(
        e,
        Expr::Compare(
            &Expr::Path(Path {
                root: Root::Version,
                steps: &[]
            }),
            Cmp::Ge,
            &Expr::Lit(Lit::Version(2, 37))
        )
    );
    // 2.10 is minor 10, not a decimal 2.1
    assert!(matches!(
        p("version < 2.10"),
        Expr::Compare(_, Cmp::Lt, Expr::Lit(Lit::Version(2, 10)))
    ));
    assert!(matches!(
        p("2.9 <= version"),
        Expr::Compare(Expr::Lit(Lit::Version(2, 9)), Cmp::Le, _)
    ));
    canon("version == 2.10", "version == 2.10");
    // outside a comparison with `version`, 2.10 is a number
    assert_eq!(p("2.10"), Expr::Lit(Lit::Float(2.1)));
    fails("version >= 2", 11, "MAJOR.MINOR");
    fails("version == '2.3'", 11, "MAJOR.MINOR");
    fails("version >= x", 11, "MAJOR.MINOR");
    fails("version in [2.1]", 8, "`version` is compared with");
    fails(
        "version == version",
        0,
        "compare `version` with a microversion",
    );
    fails("version.x", 7, "`version` has no keys");
}

#[test]
fn filters_and_arity() {
    let e = p("l | join | split(';') | case('auto', null)");
    let Expr::Pipe(_, calls) = e else {
        panic!("{e:?}")
    };
    let names: Vec<_> = calls.iter().map(|c| c.filter.name()).collect();
    assert_eq!(names, ["join", "split", "case"]);
    assert_eq!(
        calls[2],
        Call {
            filter: Filter::Case,
            args: &[Expr::Lit(Lit::Str("auto")), Expr::Lit(Lit::Null)],
        }
    );
    // every filter parses with its least and its most arguments, and prints back
    for f in Filter::ALL {
        let (min, max) = f.arity();
        for n in [min, max] {
            let args: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
            let t = if n == 0 {
                format!("x | {}", f.name())
            } else {
                format!("x | {}({})", f.name(), args.join(", "))
            };
            canon(&t, &t);
        }
        if max < 3 {
            let too_many = format!("x | {}(1, 2, 3)", f.name());
            fails(&too_many, 4, &format!("the filter `{}` takes", f.name()));
        }
        if min > 0 {
            fails(&format!("x | {}", f.name()), 4, f.usage());
        }
    }
    fails(
        "x | join(',', ';')",
        4,
        "takes 0 to 1 arguments, not 2: write `join(sep)",
    );
    fails(
        "x | case('a')",
        4,
        "takes 2 arguments, not 1: write `case(from, to)`",
    );
}

#[test]
fn the_first_editions_spellings_say_what_to_write() {
    fails("hard|then:HARD", 5, "write `X if <cond>` instead");
    fails("a||b", 1, "write `a ?? b`");
    fails("a | or:x", 4, "??");
    fails("d | null", 4, "?? null");
    fails("d | empty_null", 4, "null if value == '' else value");
    fails("d | since:2.19", 4, "version >= 2.19");
    fails("d | until:2.19", 4, "version <= 2.19");
    fails("d | prefix:x", 4, "\"P{value}\" if value else value");
    fails("s | part:0", 4, "split(':') | at(0)");
    fails("n | pyrepr", 4, "display format");
    fails("i | ref:image", 4, "lookup");
    fails("l | join:', '", 8, "write `join(sep)");
    fails(
        "x | nope",
        4,
        "there is no filter `nope` (filters: default, absent_if_empty",
    );
    // No command of the 125 needs them (spec_keys counts filter use): not filters any more.
    fails("x | float", 4, "there is no filter `float`");
    fails("x | str", 4, "there is no filter `str`");
    fails("x | ", 4, "a filter name is missing");
    fails("a && b", 2, "write `and`");
    fails("!a", 0, "write `not x`");
    fails("a = b", 2, "write `==`");
}

#[test]
fn braces_inside_expressions() {
    fails(
        "default({b})",
        0,
        "a filter follows `|`: write `value | default(...)`",
    );
    fails("lower(x)", 0, "no function calls");
    fails("given(x)", 0, "write `x != absent`");
    fails("a | default({b})", 12, "double-quoted template");
    tfails("x {a | default({b})} y", 15, "`{` inside an expression");
    // the right way
    canon("a | default(\"{b}-x\")", "a | default(\"{b}-x\")");
}

#[test]
fn other_refusals_have_offsets() {
    fails("", 0, "a value");
    fails("a b", 2, "unexpected `b` after a complete expression");
    fails("(a", 0, "a `(` without its `)`");
    fails("[a, b", 0, "a `[` without its `]`");
    fails("[a b]", 3, "items are separated by `,`");
    fails("'abc", 0, "a `'` without its closing `'`");
    fails("\"abc", 0, "a `\"` without its closing `\"`");
    fails("'a\\qb'", 2, "a backslash");
    fails("a.", 2, "a key is missing");
    fails("a.0", 2, "`[0]`");
    fails("a[x]", 1, "`[]` (every item)");
    fails(
        "reply.OS-EXT-STS:vm_state",
        6,
        "write `.'OS-EXT-STS:vm_state'`",
    );
    fails("a.^", 2, "`^` follows only `it`");
    fails("typed", 5, "`typed.NAME`");
    fails("session.token", 8, "project_id, user_id");
    fails("a else b", 2, "`else` without its `if`");
    fails("a < b < c", 6, "comparisons do not chain");
    fails("and", 0, "reserved word");
    fails("x if", 4, "a value");
    fails("-a", 0, "no minus operator");
    fails("1x", 1, "a number is digits");
    fails("99999999999999999999", 0, "does not fit 64 bits");
    fails("a)", 1, "a `)` without its `(`");
    fails("a}", 1, "a `}` without its `{`");
    fails("é", 0, "`é` cannot start a value");
    // offsets count characters, not bytes
    fails("'é' é", 4, "unexpected `é`");
    let deep = format!("{}a{}", "(".repeat(200), ")".repeat(200));
    fails(&deep, 48, "nests more than");
}

#[test]
fn templates() {
    assert_eq!(parse_template("{name}"), Ok(Template::Value(arg("name"))));
    assert_eq!(parse_template(""), Ok(Template::Text(&[])));
    assert_eq!(
        parse_template("Server {name} ({id})"),
        Ok(Template::Text(&[
            Piece::Text("Server "),
            Piece::Expr(Expr::Path(Path {
                root: Root::Arg("name"),
                steps: &[]
            })),
            Piece::Text(" ("),
            Piece::Expr(Expr::Path(Path {
                root: Root::Arg("id"),
                steps: &[]
            })),
            Piece::Text(")"),
        ]))
    );
    assert_eq!(
        parse_template("{{literal}} \"q\" \\"),
        Ok(Template::Text(&[Piece::Text("{literal} \"q\" \\")]))
    );
    let t = "{hard | default('}') } {{x}} {reply.'a:b' | map(\"{it}-{{}}\")}";
    let parsed = parse_template(t).unwrap_or_else(|e| panic!("{e}"));
    let printed = parsed.to_string();
    assert_eq!(
        printed,
        "{hard | default('}')} {{x}} {reply.'a:b' | map(\"{it}-{{}}\")}"
    );
    assert_eq!(parse_template(&printed), Ok(parsed));
    // the design note's site format
    let f = "{entries | map(\"{it.key}={it.value | map(it.addr) | join(', ')}\") | join('; ')}";
    let parsed = parse_template(f).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.to_string(), f);
    tfails("a {b", 2, "a `{` without its `}`");
    tfails("a } b", 2, "write `}}` for a literal brace");
    tfails("a { } b", 2, "an empty `{}`");
    tfails("{a b}", 3, "unexpected `b` in `{...}`");
    tfails("{a ||b}", 3, "`||`");
}
