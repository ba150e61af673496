//! Templates and conditions: parsed once, their roots checked against what is known where they stand.

use super::*;

/// The `{...}` expressions of a template, in order; `Err` names an unclosed brace.
pub(super) fn exprs(t: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else {
            return Err(format!("'{t}' has a '{{' without its '}}'."));
        };
        out.push(rest[i + 1..i + j].to_string());
        rest = &rest[i + j + 1..];
    }
    Ok(out)
}

/// What an expression may name at its root, and the arguments it used.
pub(super) struct Scope<'s> {
    pub(super) args: &'s BTreeMap<String, ArgType>,
    /// Extra roots valid here (`item`, `result`, step names, `typed`, ...).
    pub(super) roots: Vec<String>,
    pub(super) used: &'s mut BTreeSet<String>,
    /// Conditions may name any argument (a resource's own columns serve many operations).
    pub(super) any_arg: bool,
    /// The arguments looked up as a resource (`found.NAME`).
    pub(super) looked_up: Vec<String>,
    /// The arguments whose value is several values (`many:` not run once per value by
    /// `each:`), or an object (`key_value`, `record`): never one URL path segment.
    pub(super) several: BTreeSet<String>,
}

impl<'s> Scope<'s> {
    /// A scope of these arguments and roots, outside any operation: no argument is looked up
    /// or several-valued, and only the arguments given may be named.
    pub(super) fn plain(
        args: &'s BTreeMap<String, ArgType>,
        roots: &[&str],
        used: &'s mut BTreeSet<String>,
    ) -> Scope<'s> {
        Scope {
            args,
            roots: roots.iter().map(|r| r.to_string()).collect(),
            used,
            any_arg: false,
            looked_up: Vec::new(),
            several: BTreeSet::new(),
        }
    }

    /// Parse a template (a spec string with `{expr}`s) and check its roots. On a mistake
    /// (reported) an empty template.
    pub(super) fn template(&mut self, cx: &mut Cx, t: &str, path: &str) -> Template {
        match novagen_spec::parse_template(t) {
            Ok(tp) => {
                let mut roots = Vec::new();
                visit_template(&tp, 0, &mut |r, depth| roots.push((*r, depth)));
                self.roots_in(cx, roots, t, path);
                self.keys_of(cx, &Expr::Template(Box::leak(Box::new(tp))), t, path);
                tp
            }
            Err(e) => {
                cx.err(path, format!("the template \"{t}\" cannot be read: {e}."));
                Template::Text(&[])
            }
        }
    }

    /// Parse an expression and check its roots. On a mistake (reported) `absent`.
    pub(super) fn expr(&mut self, cx: &mut Cx, e: &str, path: &str) -> Expr {
        match novagen_spec::parse_expr(e) {
            Ok(x) => {
                self.roots_of(cx, &x, e, path);
                x
            }
            Err(err) => {
                cx.err(
                    path,
                    format!("the expression \"{e}\" cannot be read: {err}."),
                );
                Expr::Lit(novagen_spec::Lit::Absent)
            }
        }
    }

    /// A variant's or a step's guard (`versions:` and `when:`), read at `path`.
    pub(super) fn guard(
        &mut self,
        cx: &mut Cx,
        g: &impl model::Guarded,
        path: &str,
    ) -> (Range, Cond) {
        let (versions, when) = g.guard();
        (
            cx.versions(versions, path),
            self.conds(cx, when, &format!("{path}.when")),
        )
    }

    /// A condition (`when:`): each expression parsed and its roots checked; a list is one
    /// `and`.
    pub(super) fn conds(&mut self, cx: &mut Cx, w: &Option<model::When>, path: &str) -> Cond {
        let w = w.as_ref()?;
        let mut all = Vec::new();
        for c in w.items() {
            match novagen_spec::parse_expr(&c) {
                Ok(e) => {
                    self.roots_of(cx, &e, &c, path);
                    all.push(e);
                }
                Err(e) => cx.err(path, format!("the condition \"{c}\" cannot be read: {e}.")),
            }
        }
        match all.len() {
            0 => None,
            1 => all.pop(),
            _ => Some(Expr::And(Box::leak(all.into_boxed_slice()))),
        }
    }

    /// Check what every path of `e` starts at: an argument of the operation, or a root this
    /// context has (`it` only inside a loop, `found.X` only for an argument looked up).
    pub(super) fn roots_of(&mut self, cx: &mut Cx, e: &Expr, text: &str, path: &str) {
        let mut roots = Vec::new();
        visit(e, 0, &mut |r, depth| roots.push((*r, depth)));
        self.roots_in(cx, roots, text, path);
        self.keys_of(cx, e, text, path);
    }

    pub(super) fn keys_of(&mut self, cx: &mut Cx, e: &Expr, text: &str, path: &str) {
        // `rsa_decrypt(key)` takes the key's PEM text: an argument of type file holds it (a
        // path typed by the user, read by nova); any other value would be a file name or a
        // key written into the spec.
        let mut keys = Vec::new();
        pipes(e, &mut |c| {
            if c.filter == Filter::RsaDecrypt {
                keys.extend(c.args.first().copied());
            }
        });
        for k in keys {
            let file = match k {
                Expr::Path(novagen_spec::Path {
                    root: Root::Arg(n),
                    steps: [],
                }) => self.args.get(n) == Some(&ArgType::File),
                _ => false,
            };
            if !file && !self.any_arg {
                cx.err(
                    path,
                    format!(
                        "\"{text}\": rsa_decrypt(key) takes the private key's text: name an argument of type file (the user's key file), e.g. rsa_decrypt(private_key)."
                    ),
                );
            }
        }
    }

    pub(super) fn roots_in(
        &mut self,
        cx: &mut Cx,
        roots: Vec<(Root, usize)>,
        text: &str,
        path: &str,
    ) {
        for (root, depth) in roots {
            let has = |name: &str| self.roots.iter().any(|r| r == name);
            let problem = match root {
                Root::Arg(n) => {
                    // A name the context gives (a reply's `headers`, `poll` where an
                    // operation waits) before an argument of that name.
                    if has(n) {
                        None
                    } else if self.args.contains_key(n) || self.any_arg {
                        self.used.insert(n.to_string());
                        None
                    } else {
                        let known: Vec<&str> = self
                            .args
                            .keys()
                            .map(String::as_str)
                            .chain(self.roots.iter().map(String::as_str))
                            .chain(["version", "now"])
                            .collect();
                        Some(format!(
                            "names '{n}', which is no argument or value known here (known: {}).",
                            known.join(", ")
                        ))
                    }
                }
                Root::Typed(n) | Root::Found(n) => {
                    let (root, given) = match root {
                        Root::Typed(_) => ("typed", self.args.contains_key(n)),
                        _ => ("found", self.looked_up.iter().any(|a| a == n)),
                    };
                    if !has(root) {
                        Some(format!("uses '{root}', which is not known here."))
                    } else if !given {
                        let what = match root {
                            "typed" => "no argument of this operation",
                            _ => "no argument looked up as a resource (resource:)",
                        };
                        Some(format!("names '{root}.{n}', but '{n}' is {what}."))
                    } else {
                        self.used.insert(n.to_string());
                        None
                    }
                }
                Root::Reply => (!has("reply"))
                    .then(|| "uses 'reply', which is known only after a request.".to_string()),
                Root::It => (depth == 0 && !has("it")).then(|| {
                    "uses 'it', which is known only inside a loop (map, where, for).".to_string()
                }),
                Root::Parent(n) => (depth + usize::from(has("it")) + usize::from(has("it.^"))
                    <= usize::from(n))
                .then(|| {
                    format!(
                        "uses 'it{}', but there are not that many loops around it.",
                        ".^".repeat(n.into())
                    )
                }),
                Root::Version | Root::Session(_) | Root::Now => None,
            };
            if let Some(p) = problem {
                cx.err(path, format!("\"{text}\" {p}"));
            }
        }
    }
}

/// Every filter call of `e`, inner ones too.
pub(super) fn pipes(e: &Expr, f: &mut dyn FnMut(&novagen_spec::Call)) {
    let t = |t: &Template, f: &mut dyn FnMut(&novagen_spec::Call)| match t {
        Template::Value(e) => pipes(e, f),
        Template::Text(pieces) => pieces.iter().for_each(|p| {
            if let Piece::Expr(e) = p {
                pipes(e, f)
            }
        }),
    };
    match e {
        Expr::Lit(_) | Expr::Path(_) => {}
        Expr::Template(x) => t(x, f),
        Expr::List(xs) | Expr::And(xs) | Expr::Or(xs) | Expr::Coalesce(xs) => {
            xs.iter().for_each(|x| pipes(x, f))
        }
        Expr::Pipe(input, calls) => {
            pipes(input, f);
            for c in *calls {
                f(c);
                c.args.iter().for_each(|a| pipes(a, f));
            }
        }
        Expr::Compare(a, _, b) => {
            pipes(a, f);
            pipes(b, f);
        }
        Expr::Not(a) => pipes(a, f),
        Expr::If {
            then,
            cond,
            otherwise,
        } => {
            pipes(then, f);
            pipes(cond, f);
            if let Some(o) = otherwise {
                pipes(o, f);
            }
        }
    }
}

/// Every path root of `e`, with how many loops (`map`, `where`) are around it.
pub(super) fn visit(e: &Expr, depth: usize, f: &mut dyn FnMut(&Root, usize)) {
    match e {
        Expr::Lit(_) => {}
        Expr::Path(p) => f(&p.root, depth),
        Expr::Template(t) => visit_template(t, depth, f),
        Expr::List(xs) | Expr::And(xs) | Expr::Or(xs) | Expr::Coalesce(xs) => {
            xs.iter().for_each(|x| visit(x, depth, f))
        }
        Expr::Pipe(input, calls) => {
            visit(input, depth, f);
            for c in *calls {
                let inner = match c.filter {
                    Filter::Map | Filter::Where => depth + 1,
                    _ => depth,
                };
                c.args.iter().for_each(|a| visit(a, inner, f));
            }
        }
        Expr::Compare(a, _, b) => {
            visit(a, depth, f);
            visit(b, depth, f);
        }
        Expr::Not(a) => visit(a, depth, f),
        Expr::If {
            then,
            cond,
            otherwise,
        } => {
            visit(then, depth, f);
            visit(cond, depth, f);
            if let Some(o) = otherwise {
                visit(o, depth, f);
            }
        }
    }
}

pub(super) fn visit_template(t: &Template, depth: usize, f: &mut dyn FnMut(&Root, usize)) {
    match t {
        Template::Value(e) => visit(e, depth, f),
        Template::Text(pieces) => {
            for p in *pieces {
                if let Piece::Expr(e) = p {
                    visit(e, depth, f);
                }
            }
        }
    }
}
