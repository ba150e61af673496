//! An operation: its arguments, variants and steps, refusals, what it prints and polls.

use super::*;

/// The argument names each resource's show rules' `when:` read (unreadable ones are reported
/// where the rule is checked).
pub(super) fn show_args(files: &[&model::ResourceFile]) -> HashMap<String, BTreeSet<String>> {
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for f in files {
        let names = out.entry(f.resource.clone()).or_default();
        for r in &f.show {
            for c in r.when.iter().flat_map(|w| w.items()) {
                if let Ok(e) = novagen_spec::parse_expr(&c) {
                    visit(&e, 0, &mut |root, _| {
                        if let Root::Arg(a) = root {
                            names.insert(a.to_string());
                        }
                    });
                }
            }
        }
    }
    out
}

/// The operations of a file (a resource's own, or an extension's for that resource).
pub(super) fn operations(
    cx: &mut Cx,
    f: &ResourceFile,
    specs: &[model::OperationSpec],
    statics: &HashMap<String, (String, bool)>,
    taken: &mut Taken,
) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (i, o) in specs.iter().enumerate() {
        let p = format!("operations[{i}]");
        if !is_command(&o.command) {
            cx.err(&format!("{p}.command"), format!("command '{}' is not a valid command name: use lower-case letters, digits and single '-'.", o.command));
        }
        if RESERVED_COMMANDS.contains(&o.command.as_str()) {
            cx.err(
                &format!("{p}.command"),
                format!(
                    "command '{}' is reserved: nova's own '{}' would hide it.",
                    o.command, o.command
                ),
            );
        }
        cx.ident(&o.method, "method name", &format!("{p}.method"));
        let op = operation(cx, f, o, &p, statics);
        taken.claim(
            cx,
            "command",
            "a command",
            &o.command,
            &format!("{p}.command"),
        );
        taken.claim(
            cx,
            "method",
            "a method",
            &format!("{}.{}", f.manager, o.method),
            &format!("{p}.method"),
        );
        taken.claim(
            cx,
            "static",
            "the static",
            &op.static_name,
            &format!("{p}.method"),
        );
        taken.claim(
            cx,
            "type",
            "a Rust type",
            &op.builder,
            &format!("{p}.method"),
        );
        ops.push(op);
    }
    ops
}

/// Whether a file adds operations to another file's resource: its top-level keys are
/// `resource:` and `operations:` alone (a resource is declared with `manager:` and `fields:`).
pub(super) fn is_extension(src: &SpecSource) -> bool {
    let Ok(serde_yaml::Value::Mapping(m)) = serde_yaml::from_str::<serde_yaml::Value>(&src.text)
    else {
        return false;
    };
    m.contains_key("resource")
        && m.keys().all(|k| {
            k.as_str()
                .is_some_and(|k| ["resource", "operations"].contains(&k))
        })
}

/// A variant as written, before its parts are checked.
pub(super) struct VariantParts<'a> {
    pub(super) path: String,
    pub(super) versions: Range,
    pub(super) when: Cond,
    pub(super) request: RequestFields<'a>,
    pub(super) steps: Option<&'a Vec<model::StepSpec>>,
    pub(super) print: Option<&'a Vec<model::PrintSpec>>,
}

pub(super) fn operation(
    cx: &mut Cx,
    f: &ResourceFile,
    o: &model::OperationSpec,
    p: &str,
    statics: &HashMap<String, (String, bool)>,
) -> Operation {
    let versions = cx.versions(&o.versions, p);

    // Arguments.
    let mut types: BTreeMap<String, ArgType> = BTreeMap::new();
    let mut args = Vec::new();
    let mut shorts = BTreeSet::new();
    for (j, a) in o.args.iter().enumerate() {
        let ap = format!("{p}.args[{j}]");
        cx.ident(&a.name, "argument name", &format!("{ap}.name"));
        let (help, hidden) = match &a.help {
            model::ArgHelp::Text(t) => (t.trim(), false),
            model::ArgHelp::Shown(false) => ("", true),
            model::ArgHelp::Shown(true) => {
                cx.err(
                    &format!("{ap}.help"),
                    "`help:` is the argument's text, or `false` for an option not shown; write the text.",
                );
                ("", false)
            }
        };
        if hidden && (a.positional || a.required.is_some()) {
            cx.err(
                &format!("{ap}.help"),
                "only an option that may be left out can be hidden (`help: false`): not a positional, not required.",
            );
        }
        if RESERVED_ARGS.contains(&a.name.as_str()) || a.name.starts_with("os_") {
            cx.err(&format!("{ap}.name"), format!("argument name '{}' is reserved: nova's global options, the template roots and the request builders use it; choose another name.", a.name));
        }
        if types.insert(a.name.clone(), a.ty).is_some() {
            cx.err(
                &format!("{ap}.name"),
                format!("argument '{}' is declared twice.", a.name),
            );
        }
        let choices: &[String] = a
            .choices
            .as_ref()
            .map(|c| c.value().as_slice())
            .unwrap_or_default();
        if a.choices.is_some() && !matches!(a.ty, ArgType::String | ArgType::Record) {
            cx.err(
                &format!("{ap}.choices"),
                "choices apply to string arguments (their values) and record arguments (their words that stand alone) only.",
            );
        }
        if a.ty == ArgType::String && a.choices.as_ref().is_some_and(|c| c.versions().is_some()) {
            cx.err(
                &format!("{ap}.choices"),
                "a string's choices hold in every version (they are checked before one is negotiated): write the list; a range is for a record's words that stand alone.",
            );
        }
        if a.positional && a.ty == ArgType::Flag {
            cx.err(&format!("{ap}.type"), "a flag cannot be positional.");
        }
        if a.positional && matches!(a.ty, ArgType::KeyValue | ArgType::Record) && !a.many {
            cx.err(
                &format!("{ap}.type"),
                format!(
                    "a positional argument of type {:?} must take several values (many: true).",
                    a.ty
                )
                .to_lowercase(),
            );
        }
        if a.positional
            && a.default.is_some()
            && !matches!(a.required, Some(model::Required::Always(false)))
        {
            cx.err(
                &format!("{ap}.default"),
                "a required positional argument cannot have a default.",
            );
        }
        if let Some(d) = a.default.as_ref().map(|d| d.value()) {
            if !d.contains('{') {
                let ok = match a.ty {
                    ArgType::Integer => d.trim().parse::<i64>().is_ok(),
                    ArgType::Number => d.trim().parse::<f64>().is_ok(),
                    ArgType::Boolean => ["true", "false"].contains(&d.as_str()),
                    ArgType::Flag => false,
                    _ => true,
                };
                if !ok {
                    cx.err(
                        &format!("{ap}.default"),
                        format!("the default '{d}' is not a valid {:?} value.", a.ty)
                            .to_lowercase(),
                    );
                }
            }
            if a.ty == ArgType::String
                && !choices.is_empty()
                && !choices.contains(d)
                && !d.contains('{')
            {
                cx.err(
                    &format!("{ap}.default"),
                    format!("the default '{d}' is not one of the choices."),
                );
            }
        }
        let resource = a.resource.as_ref().and_then(|r| {
            let at = match r {
                model::ArgResource::Name(_) => format!("{ap}.resource"),
                model::ArgResource::Full(_) => format!("{ap}.resource.name"),
            };
            cx.resource_ref(r.name(), statics, &at)
        });
        // Templates of the argument are parsed with the operation's scope, below.
        let (lookup_fallback, lookup_versions) = match &a.resource {
            Some(model::ArgResource::Full(r)) => {
                let at = format!("{ap}.resource");
                let otherwise = r.otherwise.as_ref().and_then(|o| as_typed(cx, o, &at));
                let versions = cx.versions(&r.versions, &at);
                (otherwise, versions)
            }
            _ => (None, Range::default()),
        };
        // `net-name: {send: uuid, resource: network}`: the typed name looked up, its ID sent.
        let mut record_resources = Vec::new();
        let keys = a.keys.as_ref().map(|k| {
            let mut plain = k.clone();
            for (typed, v) in k {
                let serde_yaml::Value::Mapping(m) = v else {
                    continue;
                };
                let at = format!("{ap}.keys");
                let get = |key: &str| m.get(key).and_then(scalar);
                let (Some(send), Some(res), 2) = (get("send"), get("resource"), m.len()) else {
                    cx.err(&at, "a record key is its sent key, or {send: <sent key>, resource: <resource>} (net-name: {send: uuid, resource: network}: the typed name looked up, its ID sent).");
                    continue;
                };
                if let (Some(typed), Some(found)) =
                    (scalar(typed), cx.resource_ref(&res, statics, &at))
                {
                    record_resources.push((lk(&typed), found));
                }
                plain.insert(typed.clone(), serde_yaml::Value::String(send));
            }
            plain
        });
        let record_pairs = keys
            .as_ref()
            .map(|k| cx.pairs(k, &format!("{ap}.keys")))
            .unwrap_or_default();
        if a.ty == ArgType::Record && record_pairs.is_empty() {
            cx.err(
                &format!("{ap}.keys"),
                "a record argument needs its keys (typed key: sent key).",
            );
        }
        if a.ty != ArgType::Record
            && (a.keys.is_some() || a.defaults.is_some() || !a.one_of.is_empty())
        {
            cx.err(
                &format!("{ap}.keys"),
                "keys, defaults and one_of only apply to record arguments.",
            );
        }
        let asked_again = a.prompt.as_ref().is_some_and(|pr| pr.all().len() > 1);
        if a.invalid.is_some() && a.prompt.is_some() && !asked_again {
            cx.err(
                &format!("{ap}.invalid"),
                "invalid is the error when the answers to a prompt differ: with one question there is none; ask again (prompt: [\"New password: \", \"Again: \"]) or leave invalid out.",
            );
        } else if a.invalid.is_some()
            && !asked_again
            && !matches!(a.ty, ArgType::Record | ArgType::Datetime)
        {
            cx.err(
                &format!("{ap}.invalid"),
                "invalid is the message for a malformed record or datetime argument: give it type: record or type: datetime.",
            );
        }
        for k in &a.one_of {
            if !record_pairs.iter().any(|(typed, _)| typed == k) {
                cx.err(
                    &format!("{ap}.one_of"),
                    format!("one_of names '{k}', which is not one of the record's keys."),
                );
            }
        }
        let avers = cx.versions(&a.versions, &ap);
        let (required, required_versions) = match (&a.required, a.positional) {
            (None, positional) => (positional, None),
            (Some(model::Required::Always(r)), _) => (*r, None),
            (Some(model::Required::Where(_)), true) => {
                cx.err(
                    &format!("{ap}.required"),
                    "a positional argument is always given or optional (true or false); a range of versions where it is required applies to options.",
                );
                (true, None)
            }
            (Some(model::Required::Where(r)), false) => (
                false,
                Some(cx.versions(&Some(r.clone()), &format!("{ap}.required"))),
            ),
        };
        let required = required && a.ty != ArgType::Flag;
        // A prompted value is no command-line argument; the library's builder takes it.
        let prompt = a.prompt.as_ref().map(|pr| {
            let pp = format!("{ap}.prompt");
            let plain = a.ty == ArgType::String
                && !a.positional
                && !a.many
                && a.default.is_none()
                && a.choices.is_none()
                && a.resource.is_none()
                && a.option.is_none()
                && a.required.is_none();
            if !plain {
                cx.err(&pp, "a prompted argument is a plain text option read from the user: no type but string, positional, many, default, choices, resource, option or required.");
            }
            let texts = pr.all();
            if texts.is_empty() {
                cx.err(&pp, "prompt is what the user is asked: a text, or a list of texts asked in turn (prompt: [\"New password: \", \"Again: \"]), not an empty list.");
            }
            if texts.len() > 1 && a.invalid.is_none() {
                cx.err(&pp, "the answers to several prompts must be equal: give invalid:, the error when they are not (invalid: Passwords do not match.).");
            }
            slice(texts.into_iter().map(|t| lk(t)).collect())
        });
        let required = required || prompt.is_some();
        let (cli, short) = spellings(cx, a, &ap, &mut shorts);
        args.push(ArgDef {
            name: lk(&a.name),
            cli: lk(&cli),
            ty: a.ty,
            positional: a.positional,
            many: a.many,
            required,
            required_versions,
            default: None,
            default_versions: cx.versions(
                &a.default.as_ref().and_then(|d| d.versions()),
                &format!("{ap}.default"),
            ),
            choices: if a.ty == ArgType::Record {
                &[]
            } else {
                strs(choices)
            },
            resource,
            lookup_query: &[],
            lookup_fallback,
            lookup_versions,
            record_keys: slice(
                record_pairs
                    .iter()
                    .map(|(typed, sent)| (lk(typed), lk(sent), None))
                    .collect(),
            ),
            record_resources: slice(record_resources),
            record_defaults: &[],
            alone: if a.ty == ArgType::Record {
                strs(choices)
            } else {
                &[]
            },
            alone_versions: cx.versions(
                &a.choices.as_ref().and_then(|w| w.versions()),
                &format!("{ap}.choices"),
            ),
            one_of: strs(&a.one_of),
            invalid: None,
            metavar: olk(&a.metavar),
            short,
            hidden,
            prompt,
            split: None,
            help: lk(help),
            versions: avers,
        });
    }
    // `split: {SEPARATOR: OTHER}`: one entry; the other argument, a plain text option of this
    // operation.
    for (j, a) in o.args.iter().enumerate() {
        let Some(sp) = &a.split else { continue };
        let at = format!("{p}.args[{j}].split");
        let entries = cx.pairs(sp, &at);
        let [(sep, first)] = entries.as_slice() else {
            cx.err(&at, "split is one entry: the separator and the text option given the text before it (split: {\"@\": login}).");
            continue;
        };
        if sep.is_empty() {
            cx.err(&at, "split's separator is empty: write the text the value is split at (split: {\"@\": login}).");
            continue;
        }
        let other = o
            .args
            .iter()
            .position(|b| b.name == *first && !b.positional && b.ty == ArgType::String && !b.many);
        let plain = a.ty == ArgType::String && !a.many && a.prompt.is_none();
        match other {
            Some(k) if k != j && plain => {
                if let Some(def) = args.get_mut(j) {
                    def.split = Some((lk(sep), k));
                }
            }
            _ => cx.err(&at, format!("split gives the text before '{sep}' to another argument: '{first}' names a single-valued text option of this operation, and the argument split is a single-valued text.")),
        }
    }
    let mut seen_optional = false;
    for (j, a) in args.iter().enumerate() {
        if a.positional {
            if seen_optional {
                cx.err(
                    &format!("{p}.args[{j}]"),
                    "a positional argument cannot follow an optional or many-valued one.",
                );
            }
            seen_optional |= !a.required || a.many;
        }
    }
    if args.iter().filter(|a| a.positional && a.many).count() > 1 {
        cx.err(
            &format!("{p}.args"),
            "only one positional argument can take several values.",
        );
    }
    let each = o.each.as_ref().and_then(|e| {
        let name = &e.over;
        let i = args.iter().position(|a| a.name == name && a.positional && a.many);
        if i.is_none() {
            cx.err(
                &format!("{p}.each.over"),
                format!("each.over '{name}' names no positional argument of this operation that takes several values."),
            );
        }
        if e.resolve == model::Resolve::First && i.is_some_and(|i| args[i].resource.is_none()) {
            cx.err(
                &format!("{p}.each.resolve"),
                "resolve: first looks the values of each.over up before the first run: it needs an argument with a resource.",
            );
        }
        Some(EachDef {
            over: i?,
            resolve: e.resolve,
            error: None,
            failed: None,
            fail: e.fail,
        })
    });
    let mut used = BTreeSet::new();
    let mut scope = Scope {
        args: &types,
        roots: vec!["session".into()],
        used: &mut used,
        any_arg: false,
        looked_up: args
            .iter()
            .filter(|a| a.resource.is_some())
            .map(|a| a.name.to_string())
            .collect(),
        several: args
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                (a.many && each.as_ref().is_none_or(|e| e.over != *i))
                    || matches!(a.ty, ArgType::KeyValue | ArgType::Record)
            })
            .map(|(_, a)| a.name.to_string())
            .collect(),
    };
    for (j, a) in o.args.iter().enumerate() {
        if let Some(d) = &a.default {
            let at = match d {
                model::Ranged::Plain(_) => format!("{p}.args[{j}].default"),
                model::Ranged::In(_) => format!("{p}.args[{j}].default.value"),
            };
            args[j].default = Some(scope.template(cx, d.value(), &at));
        }
    }
    // A record's sent keys may carry filters (an expression whose root names the sent key,
    // standing for the typed value); its defaults are templates over the record so far, `it`;
    // its message for a malformed value is over the value, `it`.
    for (j, a) in o.args.iter().enumerate() {
        let at = format!("{p}.args[{j}]");
        let saved = std::mem::take(&mut scope.roots);
        let mut record_keys = args[j].record_keys.to_vec();
        for entry in &mut record_keys {
            let sent = entry.1;
            if !sent.contains(['|', ' ', '(']) {
                continue;
            }
            let e = match novagen_spec::parse_expr(sent) {
                Ok(e) => e,
                Err(err) => {
                    cx.err(
                        &format!("{at}.keys"),
                        format!("the sent key \"{sent}\" cannot be read: {err}."),
                    );
                    continue;
                }
            };
            let key = match &e {
                Expr::Pipe(
                    Expr::Path(novagen_spec::Path {
                        root: Root::Arg(k),
                        steps: [],
                    }),
                    _,
                ) => *k,
                _ => {
                    cx.err(
                        &format!("{at}.keys"),
                        format!("\"{sent}\": a sent key with filters is the key, then its filters (delete_on_termination | case('remove', true))."),
                    );
                    continue;
                }
            };
            *entry = (entry.0, key, Some(e));
        }
        args[j].record_keys = slice(record_keys);
        scope.roots = vec!["it".into()];
        if let Some(d) = &a.defaults {
            let pairs = cx.pairs(d, &format!("{at}.defaults"));
            args[j].record_defaults = keyed(
                pairs
                    .into_iter()
                    .map(|(k, t)| {
                        let t = scope.template(cx, &t, &format!("{at}.defaults"));
                        (k, t)
                    })
                    .collect(),
            );
        }
        if let Some(t) = &a.invalid {
            args[j].invalid = Some(scope.template(cx, t, &format!("{at}.invalid")));
        }
        scope.roots = saved;
    }
    // A default naming another argument does not make that one "used"; a lookup does.
    scope.used.clear();
    for (j, a) in o.args.iter().enumerate() {
        if let Some(model::ArgResource::Full(l)) = &a.resource {
            let pairs = cx.pairs(&l.query, &format!("{p}.args[{j}].resource.query"));
            args[j].lookup_query = keyed(
                pairs
                    .into_iter()
                    .map(|(k, t)| {
                        let t = scope.template(cx, &t, &format!("{p}.args[{j}].resource.query"));
                        (k, t)
                    })
                    .collect(),
            );
        }
    }

    // The error of `each` is over the arguments.
    let saved = std::mem::take(&mut scope.roots);
    let each_error = o.each.as_ref().and_then(|e| e.error.as_ref());
    let each_error = each_error.map(|t| scope.template(cx, t, &format!("{p}.each.error")));
    // A failed value's line: the arguments (this value its own), as typed, and the error, `it`.
    scope.roots = vec!["typed".into(), "it".into()];
    let each_failed = o.each.as_ref().and_then(|e| e.failed.as_ref());
    let each_failed = each_failed.map(|t| scope.template(cx, t, &format!("{p}.each.failed")));
    scope.roots = saved;
    let each = each.map(|e| EachDef {
        error: each_error,
        failed: each_failed,
        ..e
    });

    // Refusals see the arguments, the session and what the CLI looked up.
    scope.roots = vec!["session".into(), "found".into(), "typed".into()];
    let refuse = refusals(cx, &mut scope, &o.refuse, p);

    // Variants: the operation's own fields are the base each variant overrides.
    let base = request_fields!(o, p);
    let mut variants = Vec::new();
    let mut specs: Vec<VariantParts> = Vec::new();
    if o.variants.is_empty() {
        specs.push(VariantParts {
            path: p.to_string(),
            versions: Range::default(),
            when: None,
            request: base.clone(),
            steps: o.steps.as_ref(),
            print: o.print.as_ref(),
        });
    } else {
        for (k, v) in o.variants.iter().enumerate() {
            let vp = format!("{p}.variants[{k}]");
            let own = request_fields!(v, vp);
            let steps = if own.any() {
                None
            } else {
                v.steps.as_ref().or(o.steps.as_ref())
            };
            let (versions, when) = scope.guard(cx, v, &vp);
            specs.push(VariantParts {
                versions,
                when,
                request: own.over(&base),
                steps,
                print: o.print.as_ref(),
                path: vp,
            });
        }
    }
    let returns = o.returns.unwrap_or({
        let has_result = o.result.is_some()
            || o.variants.iter().any(|v| v.result.is_some())
            || o.steps.iter().flatten().any(|s| s.result.is_some())
            || o.exec.is_some();
        if has_result {
            Returns::Value
        } else {
            Returns::Nothing
        }
    });
    let mut exec: Vec<Template> = Vec::new();
    for part in specs {
        let vp = part.path;
        let mut steps = Vec::new();
        let mut roots: Vec<String> = vec!["session".into()];
        match part.steps {
            Some(list) => {
                if list.is_empty() {
                    cx.err(
                        &format!("{vp}.steps"),
                        "steps: [] lists no request: a variant that sends nothing says http: none.",
                    );
                }
                for (k, s) in list.iter().enumerate() {
                    let sp = format!("{vp}.steps[{k}]");
                    let fields = request_fields!(s, sp);
                    if fields.http.is_none() {
                        cx.err(&sp, "a step needs an http request.");
                    }
                    scope.roots = roots.clone();
                    let mut step = step(cx, &mut scope, &fields, f.service, returns);
                    step.merge = s.merge;
                    (step.versions, step.when) = scope.guard(cx, s, &sp);
                    // Its checks read its result as `reply`, and the arguments as typed and
                    // found, as the operation's do (the library has neither: `typed.x ?? x`).
                    scope.roots = roots.clone();
                    scope
                        .roots
                        .extend(["reply".into(), "typed".into(), "found".into()]);
                    step.refuse = slice(refusals(cx, &mut scope, &s.refuse, &sp));
                    let stand_in = stand_in(cx, &mut scope, &fields, f.service, returns, &step);
                    roots.push("reply".into());
                    steps.push(step);
                    steps.extend(stand_in);
                }
                // Only the last step's list is followed page by page.
                for s in steps.iter_mut().rev().skip(1) {
                    s.paged = false;
                }
            }
            None => {
                let none = part
                    .request
                    .http
                    .as_ref()
                    .is_some_and(|(h, _)| *h == "none");
                if part.request.http.is_none() {
                    cx.err(&vp, "an operation needs an http request (or steps).");
                } else if none {
                    // The documented no-op: nothing is sent (a variant for "no option given").
                    // Only the fields written beside it: a variant inherits the operation's.
                    let r = &part.request;
                    let here = |p: Option<&String>| {
                        p.is_some_and(|p| Some(p) == r.http.as_ref().map(|(_, hp)| hp))
                    };
                    if [
                        r.query.as_ref().map(|x| &x.1),
                        r.body.as_ref().map(|x| &x.1),
                        r.result.as_ref().map(|x| &x.1),
                        r.for_each.as_ref().map(|x| &x.1),
                        r.on_error.as_ref().map(|x| &x.1),
                        r.page.as_ref().map(|x| &x.1),
                        r.root.as_ref().map(|x| &x.1),
                    ]
                    .into_iter()
                    .any(here)
                    {
                        cx.err(
                            &at(&r.http, "http"),
                            "http: none sends nothing: it takes no query, body, result, for, on_error, page or root.",
                        );
                    }
                } else {
                    scope.roots = roots.clone();
                    let one = step(cx, &mut scope, &part.request, f.service, returns);
                    let stand_in =
                        stand_in(cx, &mut scope, &part.request, f.service, returns, &one);
                    steps.push(one);
                    steps.extend(stand_in);
                    roots.push("reply".into());
                }
            }
        }
        // Printing sees the arguments, the results, and the CLI's own roots.
        roots.extend(["typed".into(), "found".into()]);
        scope.roots = roots;
        if exec.is_empty() {
            if let Some(words) = &o.exec {
                let ep = format!("{p}.exec");
                if words.is_empty() {
                    cx.err(
                        &ep,
                        "exec needs at least the program's name: exec: [ssh, ...].",
                    );
                }
                if part.print.is_some_and(|ps| !ps.is_empty()) {
                    cx.err(&ep, "exec runs a program instead of printing: an operation with exec has no print and no poll.");
                }
                exec = words
                    .iter()
                    .enumerate()
                    .map(|(k, w)| scope.template(cx, w, &format!("{ep}[{k}]")))
                    .collect();
            }
        }
        // An operation that waits (a poll item) reads `poll`, whether --poll was given, in
        // what it prints.
        let items = part.print.map(Vec::as_slice).unwrap_or_default();
        if items.iter().any(|i| i.poll.is_some()) {
            scope.roots.push("poll".into());
        }
        let (print, polls) = prints(
            cx,
            &mut scope,
            items,
            &format!("{vp}.print"),
            None,
            f,
            statics,
        );
        if let Some((second, _)) = polls.get(1) {
            cx.err(
                &format!("{p}.print[{second}].poll"),
                "an operation waits once: its print list holds one poll item (--poll's wait), not two.",
            );
        }
        let poll = polls.first().and_then(|&(i, at)| {
            // The operation's, whichever variant runs.
            let pl = items[i].poll.as_ref()?;
            let pp = format!("{p}.print[{i}].poll");
            if pl.until.is_empty() {
                cx.err(
                    &format!("{pp}.until"),
                    "poll.until needs at least one status to wait for.",
                );
            }
            let resource = match &pl.resource {
                Some(r) => cx.resource_ref(r, statics, &format!("{pp}.resource")),
                None => None,
            }
            .unwrap_or_else(|| ResourceDef::reference(lk(&f.resource)));
            let id = polled_id(cx, &args, each.as_ref(), resource.name, returns, &pp);
            let id = scope.template(cx, &id, &pp);
            Some(PollDef {
                resource,
                id,
                until: strs(&pl.until),
                action: lk(&pl.action),
                progress: match &pl.progress {
                    None | Some(model::Progress::Shown(true)) => cx.progress,
                    Some(model::Progress::Shown(false)) => None,
                    Some(model::Progress::Expr(e)) => {
                        Some(over_reply(cx, e, &format!("{pp}.progress")))
                    }
                },
                at,
            })
        });
        variants.push(VariantDef {
            versions: part.versions,
            when: part.when,
            steps: slice(steps),
            print: slice(print),
            poll,
        });
    }
    if o.variants
        .iter()
        .any(|v| v.steps.is_some() && request_fields!(v, p).any())
    {
        cx.err(
            &format!("{p}.variants"),
            "a variant gives either steps or the fields of one request, not both.",
        );
    }
    if o.steps.is_some() && base.any() {
        cx.err(
            p,
            "an operation gives either steps or the fields of one request, not both.",
        );
    }

    for (j, a) in args.iter().enumerate() {
        if !used.contains(a.name) {
            cx.err(&format!("{p}.args[{j}].name"), format!("argument '{}' is used nowhere: name it in a template ({{{}}}) of the URL, query, body, a condition, or what is printed.", a.name, a.name));
        }
    }

    Operation {
        def: OpDef {
            command: lk(&o.command),
            method: lk(&o.method),
            resource: ResourceDef::reference(lk(&f.resource)),
            help: lk(o.help.trim()),
            args: slice(args),
            returns,
            versions,
            refuse: slice(refuse),
            each,
            variants: slice(variants),
            exec: slice(exec),
        },
        builder: format!("{}{}", camel(&f.manager), camel(&o.method)),
        static_name: format!("{}_{}", f.manager.to_uppercase(), o.method.to_uppercase()),
    }
}

/// `refuse:` entries at `{p}.refuse[k]`, each checked in the scope's roots as they are.
/// How an argument is typed: a positional as `<name>`; an option `--` and its name with `-` for
/// `_`, unless `option:` spells it (`--target_host`, or `[-i, --identity]`: a letter besides the
/// long form); the long form and the letter.
pub(super) fn spellings(
    cx: &mut Cx,
    a: &model::ArgSpec,
    ap: &str,
    shorts: &mut BTreeSet<char>,
) -> (String, Option<char>) {
    let dashed = a.name.replace('_', "-");
    if a.positional {
        if a.option.is_some() {
            cx.err(
                &format!("{ap}.option"),
                "option: spells an option as typed; a positional is typed as its value alone.",
            );
        }
        return (format!("<{dashed}>"), None);
    }
    let (mut long, mut short) = (None, None);
    for o in a.option.iter().flat_map(|o| o.all()) {
        let letter = o
            .strip_prefix('-')
            .filter(|l| l.len() == 1)
            .and_then(|l| l.chars().next());
        let typed = o.strip_prefix("--").unwrap_or_default();
        let fine = typed.starts_with(|c: char| c.is_ascii_lowercase())
            && typed
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c));
        match letter {
            // `-h` is help, `-c` nova's --column (global options ride on every subcommand).
            Some(c) if short.is_none() && c.is_ascii_alphabetic() && c != 'h' && c != 'c' && shorts.insert(c) => {
                short = Some(c)
            }
            Some(c) => cx.err(
                &format!("{ap}.option"),
                format!("-{c} is no free one-letter option: one letter per option, not h (help), c (--column) nor another option's."),
            ),
            None if fine && long.is_none() => long = Some(o.clone()),
            None => cx.err(
                &format!("{ap}.option"),
                format!("option '{o}' is not an option as typed: `--` and lower-case letters, digits, `-` or `_` (option: --target_host), or one letter (option: [-i, --identity])."),
            ),
        }
    }
    (long.unwrap_or_else(|| format!("--{dashed}")), short)
}

/// The ID a poll waits on, as a template: the one argument that names a resource of the
/// polled kind (`resource: server`; each.over's value in its run), else the result's `id`
/// (`returns: one`) or the result itself. Two such arguments, or one of several values not
/// run once per value, are refused: the poll would not know which to wait for.
fn polled_id(
    cx: &mut Cx,
    args: &[ArgDef],
    each: Option<&EachDef>,
    polled: &str,
    returns: Returns,
    path: &str,
) -> String {
    let naming: Vec<(usize, &ArgDef)> = args
        .iter()
        .enumerate()
        .filter(|(_, a)| a.resource.is_some_and(|r| r.name == polled))
        .collect();
    match naming.as_slice() {
        [] if returns == Returns::One => "{reply.id}".into(),
        [] => "{reply}".into(),
        [(i, a)] if !a.many || each.is_some_and(|e| e.over == *i) => format!("{{{}}}", a.name),
        [(_, a)] => {
            cx.err(path, format!("poll cannot tell which {polled} to wait for: argument '{}' names several (many: true) and is not run once per value (each.over); the polled ID is that of the one argument naming a {polled}, else the result's.", a.name));
            String::new()
        }
        [(_, a), (_, b), ..] => {
            cx.err(path, format!("poll cannot tell which {polled} to wait for: arguments '{}' and '{}' both name one (resource: {polled}); the polled ID is that of the one argument naming a {polled}, else the result's.", a.name, b.name));
            String::new()
        }
    }
}
