//! The `nova` subcommands, built at start-up from the generated operation definitions
//! (`spec::OPERATIONS`), and the one generic path every subcommand takes: arguments from the
//! command line, name-or-ID lookups, the call, printing, polling.

use super::call::{found_id, outside, Outcome, Reads};
use super::defs::{
    ArgDef, ArgType, ColumnDef, Expr, Fail, OpDef, PollDef, PrintDef, PrintKind, Resolve, Returns,
    Template, VariantDef, Version,
};
use super::error::Error;
use super::files;
use super::output::{self, Format};
use super::progress;
use super::scope::{self as sc, holds, Env};
use super::session::Client;
use super::ArgValue;
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::io::{IsTerminal, Write};

/// One subcommand per operation.
/// One subcommand per operation. `usage`: with each one's usage line written out (see
/// below); rendering them costs a millisecond of every start, so `nova` builds them only to
/// show help or a usage error.
pub fn subcommands(ops: &'static [&'static OpDef], usage: bool) -> Vec<Command> {
    ops.iter().map(|op| subcommand(op, usage)).collect()
}

/// One spec operation's subcommand; `usage`: with its usage line written out.
pub fn subcommand(op: &'static OpDef, usage: bool) -> Command {
    let mut cmd = Command::new(op.command).about(format!(
        "{}{}",
        op.help,
        op.versions.note(crate::spec::API.min)
    ));
    // A long metavar (`--nic <auto,none,...>`) would squeeze every help text into one word
    // per line: then help texts go on the line below, as argparse does.
    if op
        .args
        .iter()
        .any(|d| d.metavar.is_some_and(|m| m.len() > 40))
    {
        cmd = cmd.next_line_help(true);
    }
    // A prompted value is read from the user, not the command line.
    for def in op.args.iter().filter(|d| d.prompt.is_none()) {
        cmd = cmd.arg(arg(def));
    }
    if op.variants.iter().any(|v| v.poll.is_some()) {
        cmd = cmd.arg(
            Arg::new("poll")
                .long("poll")
                .action(ArgAction::SetTrue)
                .help("Report progress until the operation completes."),
        );
    }
    if !usage {
        return cmd;
    }
    // The usage line of an error shows the command's own arguments; left to clap it would
    // also list every global option given through the environment, as if it were required.
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.trim().strip_prefix("Usage: ").unwrap_or(usage.trim());
    cmd.override_usage(format!("nova {usage}"))
}

fn arg(def: &'static ArgDef) -> Arg {
    let help = format!("{}{}", def.help, def.versions.note(crate::spec::API.min));
    let value_name = def
        .metavar
        .map(|m| m.trim_start_matches('<').trim_end_matches('>').to_string())
        .unwrap_or_else(|| def.name.replace('_', "-"));
    let mut a = Arg::new(def.name).help(help);
    if def.positional {
        a = a.value_name(value_name).required(def.required);
        if def.many {
            a = a.num_args(1..).action(ArgAction::Append);
        }
    } else {
        // `--` and the name with `-` for `_`, unless the spec says otherwise (`option:`).
        a = a.long(def.cli.strip_prefix("--").unwrap_or(def.cli));
        if let Some(c) = def.short {
            a = a.short(c);
        }
        a = a.hide(def.hidden);
        a = match def.ty {
            ArgType::Flag => a.action(ArgAction::SetTrue),
            _ if def.many || matches!(def.ty, ArgType::KeyValue | ArgType::Record) => {
                a.value_name(value_name).action(ArgAction::Append)
            }
            _ => a.value_name(value_name).required(def.required),
        };
    }
    if def.ty != ArgType::Flag {
        // argparse takes `-1` as a value (nova then judges it), not as an unknown option.
        a = a.allow_negative_numbers(true);
    }
    a = match def.ty {
        ArgType::Integer => a.value_parser(clap::value_parser!(i64)),
        ArgType::Number => a.value_parser(clap::value_parser!(f64)),
        _ => a,
    };
    if !def.choices.is_empty() {
        a = a.value_parser(clap::builder::PossibleValuesParser::new(def.choices));
    }
    a
}

/// The operation of a subcommand name.
pub fn find_op(ops: &'static [&'static OpDef], name: &str) -> Option<&'static OpDef> {
    ops.iter().copied().find(|o| o.command == name)
}

/// An argument's value as clap parsed it.
fn value_of(def: &ArgDef, m: &ArgMatches) -> Result<ArgValue, Error> {
    let name = def.name;
    Ok(match def.ty {
        _ if def.prompt.is_some() => ArgValue::Absent,
        ArgType::Flag => match m.get_flag(name) {
            true => ArgValue::Bool(true),
            false => ArgValue::Absent,
        },
        ArgType::Integer => match m.get_many::<i64>(name) {
            Some(mut v) if !def.many => v.next().copied().into(),
            Some(v) => ArgValue::List(v.map(i64::to_string).collect()),
            None => ArgValue::Absent,
        },
        ArgType::Number => match m.get_one::<f64>(name) {
            Some(f) => ArgValue::Float(*f),
            None => ArgValue::Absent,
        },
        ArgType::File => match m.get_one::<String>(name) {
            Some(path) => ArgValue::Str(read_file(path)?),
            None => ArgValue::Absent,
        },
        ArgType::KeyValue => match m.get_many::<String>(name) {
            Some(v) => ArgValue::Pairs(key_values(&v.cloned().collect::<Vec<_>>())?),
            None => ArgValue::Absent,
        },
        _ if def.many || def.ty == ArgType::Record => match m.get_many::<String>(name) {
            Some(v) => ArgValue::List(v.cloned().collect()),
            None => ArgValue::Absent,
        },
        _ => match m.get_one::<String>(name) {
            Some(s) => ArgValue::Str(s.clone()),
            None => ArgValue::Absent,
        },
    })
}

/// Where results are printed: standard output, each write checked (a closed pipe or a full
/// disk is an [`Error::Output`], never a panic). On a terminal, control characters in the
/// text are made visible ([`output::for_terminal`]); elsewhere it is written as it is.
///
/// In json and yaml the documents of a command (one per data item printed, for each value of
/// a many-valued positional) are written as one at the end ([`Printer::finish`]): `{}` when
/// there is none, the one, or a list of them. Messages for a person (`Request to delete ...`)
/// are left out of json, yaml and value output; `--poll`'s progress and per-item failures go
/// to standard error there instead.
pub struct Printer {
    pub format: Format,
    pub terminal: bool,
    /// `-c/--column`: the columns, properties or values kept, by title or key (all when empty).
    pub columns: Vec<String>,
    docs: RefCell<Vec<Value>>,
    /// The names `-c` could have chosen, and whether it chose one.
    offered: RefCell<Vec<String>>,
    recognized: Cell<bool>,
}

impl Printer {
    pub fn new(format: Format, terminal: bool, columns: Vec<String>) -> Printer {
        Printer {
            format,
            terminal,
            columns,
            docs: RefCell::default(),
            offered: RefCell::default(),
            recognized: Cell::new(false),
        }
    }

    /// One block of text and a newline; nothing for an empty text.
    pub fn print(&self, text: &str) -> Result<(), Error> {
        if text.is_empty() {
            return Ok(());
        }
        self.line(text)
    }

    /// One line on standard output, an empty one too.
    fn line(&self, text: &str) -> Result<(), Error> {
        let text = match self.terminal {
            true => output::for_terminal(text),
            false => text.into(),
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}")
            .and_then(|()| out.flush())
            .map_err(Error::Output)?;
        progress::line_closed();
        Ok(())
    }

    /// Whether json, yaml or value output keeps standard output for the data alone.
    fn for_scripts(&self) -> bool {
        self.format != Format::Table
    }

    /// A line for a person: printed with the results in table output, on standard error
    /// otherwise.
    pub fn note(&self, text: &str) -> Result<(), Error> {
        if !self.for_scripts() {
            return self.print(text);
        }
        let mut err = std::io::stderr().lock();
        let text = match err.is_terminal() {
            true => output::for_terminal(text),
            false => text.into(),
        };
        // Standard error going nowhere is not worth failing a command that worked.
        let _ = writeln!(err, "{text}");
        Ok(())
    }

    /// Whether `-c` keeps a column (property, value) known by these names (its title first).
    pub fn keeps(&self, names: &[&str]) -> bool {
        if self.columns.is_empty() {
            return true;
        }
        if let Some(first) = names.first() {
            let mut offered = self.offered.borrow_mut();
            if !offered.iter().any(|o| o == first) {
                offered.push(first.to_string());
            }
        }
        let kept = names.iter().any(|n| self.columns.iter().any(|c| c == n));
        if kept {
            self.recognized.set(true);
        }
        kept
    }

    fn show(&self, shown: output::Shown) -> Result<(), Error> {
        match shown {
            output::Shown::Text(t) => self.print(&t),
            output::Shown::Line(t) => self.line(&t),
            output::Shown::Doc(d) => {
                self.docs.borrow_mut().push(d);
                Ok(())
            }
            output::Shown::Nothing => Ok(()),
        }
    }

    /// The end of a command: the json or yaml document; an error when `-c` named none of the
    /// columns there were.
    pub fn finish(&self) -> Result<(), Error> {
        let offered = self.offered.borrow();
        if !offered.is_empty() && !self.recognized.get() {
            let list = |names: &[String]| {
                names
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(Error::command(format!(
                "No recognized column names in [{}]. Recognized columns are ({}).",
                list(&self.columns),
                list(&offered)
            )));
        }
        if !matches!(self.format, Format::Json | Format::Yaml) {
            return Ok(());
        }
        let mut docs = std::mem::take(&mut *self.docs.borrow_mut());
        let doc = match docs.len() {
            0 => Value::Object(Map::new()),
            1 => docs.remove(0),
            _ => Value::Array(docs),
        };
        self.print(&output::structured(&doc, self.format))
    }
}

/// Run a parsed subcommand: once, or once per value of its many-valued positional, each
/// reported as novaclient's `do_action_on_many` does; then the end of the output
/// ([`Printer::finish`]).
pub fn dispatch(
    client: &Client,
    out: &Printer,
    op: &'static OpDef,
    m: &ArgMatches,
) -> Result<(), Error> {
    run_all(client, out, op, m)?;
    out.finish()
}

fn run_all(
    client: &Client,
    out: &Printer,
    op: &'static OpDef,
    m: &ArgMatches,
) -> Result<(), Error> {
    let mut values = op
        .args
        .iter()
        .map(|d| value_of(d, m))
        .collect::<Result<Vec<_>, _>>()?;
    // `split`: `a@b` is `b`, and `a` the other argument's value.
    for (i, def) in op.args.iter().enumerate() {
        let Some((sep, other)) = def.split else {
            continue;
        };
        let parts = match &values[i] {
            ArgValue::Str(t) => t
                .split_once(sep)
                .map(|(a, b)| (a.to_string(), b.to_string())),
            _ => None,
        };
        if let (Some((first, rest)), true) = (parts, other < values.len()) {
            values[i] = ArgValue::Str(rest);
            values[other] = ArgValue::Str(first);
        }
    }
    let poll = m.try_get_one::<bool>("poll").ok().flatten().copied() == Some(true);
    let Some(each) = &op.each else {
        return once(client, out, op, values, poll, None);
    };
    // The error is a template over the arguments as given (the values of `each` a list).
    let given: Map<String, Value> = op
        .args
        .iter()
        .zip(&values)
        .filter(|(_, v)| !v.is_absent())
        .map(|(d, v)| (d.name.to_string(), v.to_json()))
        .collect();
    let mut items = match std::mem::replace(&mut values[each.over], ArgValue::Absent) {
        ArgValue::List(items) => items,
        _ => Vec::new(),
    };
    // novaclient's reboot finds every server before rebooting any: a bad name stops it all.
    if let (Resolve::First, Some(res)) = (each.resolve, op.args[each.over].resource) {
        for item in items.iter_mut() {
            let found = client.find_with(res, item, &[])?;
            if let Some(id) = found_id(res, &found) {
                *item = id;
            }
        }
    }
    let (mut failed, count) = (0, items.len());
    // With --poll, novaclient runs the action on every value, then waits for each in turn.
    let mut waits = Vec::new();
    for item in items {
        let mut v = values.clone();
        v[each.over] = ArgValue::Str(item.clone());
        match once(client, out, op, v, poll, Some(&mut waits)) {
            Err(e @ Error::Output(_)) => return Err(e),
            // Run again at the version negotiated anew (`shell::run`), from the first value.
            Err(e) if client.renegotiated() => return Err(e),
            Err(e) => {
                failed += 1;
                let line = match &each.failed {
                    Some(t) => {
                        // This value's own scope: the arguments and `typed` with it, `it` the error.
                        let mut scope = given.clone();
                        scope.insert(op.args[each.over].name.into(), Value::String(item));
                        let typed = Value::Object(scope.clone());
                        scope.insert("typed".into(), typed);
                        let scope = Value::Object(scope);
                        let error = Value::String(e.to_string());
                        let env = Env::new(&scope, Some(client.version())).with(&[&error]);
                        sc::text_of(t, &env)?
                    }
                    None => e.to_string(),
                };
                out.note(&line)?;
            }
            Ok(()) => {}
        }
    }
    let mut waits_failed = false;
    for w in waits {
        match w.run(client, out) {
            Err(e @ Error::Output(_)) => return Err(e),
            Err(e) => {
                waits_failed = true;
                out.note(&e.to_string())?;
            }
            Ok(()) => {}
        }
    }
    let fails = waits_failed
        || match each.fail {
            Fail::Any => failed > 0,
            Fail::All => failed > 0 && failed == count,
        };
    if fails {
        let message = match &each.error {
            Some(t) => sc::text_of(t, &Env::new(&Value::Object(given), Some(client.version())))?,
            None => "The command failed for some of its arguments.".to_string(),
        };
        return Err(Error::command(message));
    }
    Ok(())
}

/// One run: look names up, call, print, poll.
fn once(
    client: &Client,
    out: &Printer,
    op: &'static OpDef,
    mut values: Vec<ArgValue>,
    poll: bool,
    later: Option<&mut Vec<Wait>>,
) -> Result<(), Error> {
    let version = client.version();
    if !op.versions.contains(version) {
        return Err(outside(op.command, op.versions, version));
    }
    let mut typed = Map::new();
    let mut found = Map::new();
    let given: Map<String, Value> = op
        .args
        .iter()
        .zip(&values)
        .filter(|(_, v)| !v.is_absent())
        .map(|(d, v)| (d.name.to_string(), v.to_json()))
        .collect();
    let given = Value::Object(given);
    for (def, value) in op.args.iter().zip(values.iter_mut()) {
        match &*value {
            ArgValue::Str(_) | ArgValue::List(_) => {
                typed.insert(def.name.into(), value.to_json());
            }
            _ => continue,
        }
        let Some(res) = def.resource else { continue };
        if !def.versions.contains(version) {
            return Err(outside(def.cli, def.versions, version));
        }
        if !def.lookup_versions.contains(version) {
            continue;
        }
        let mut query = Vec::new();
        for (k, t) in def.lookup_query {
            if let Some(v) = sc::template(t, &Env::new(&given, Some(version)))? {
                if !v.is_null() {
                    query.push((k.to_string(), sc::text(Some(&v))));
                }
            }
        }
        // A name or ID becomes the resource's ID; an unmatched text stays when the argument
        // falls back to it.
        let lookup = |text: &str| -> Result<(String, Option<Value>), Error> {
            match client.find_with(res, text, &query) {
                Ok(obj) => Ok((
                    found_id(res, &obj).unwrap_or_else(|| text.to_string()),
                    Some(obj),
                )),
                Err(Error::NoMatch(_))
                    if def.lookup_fallback.is_some_and(|r| r.contains(version)) =>
                {
                    Ok((text.to_string(), None))
                }
                Err(e) => Err(e),
            }
        };
        match value {
            ArgValue::Str(text) => {
                let (id, obj) = lookup(text)?;
                if let Some(obj) = obj {
                    found.insert(def.name.into(), obj);
                }
                *text = id;
            }
            ArgValue::List(texts) => {
                let mut objs = Vec::new();
                for text in texts.iter_mut() {
                    let (id, obj) = lookup(text)?;
                    objs.push(obj.unwrap_or(Value::Null));
                    *text = id;
                }
                found.insert(def.name.into(), Value::Array(objs));
            }
            _ => {}
        }
    }
    // Values read from the user, after the lookups (as novaclient finds the server first).
    for (def, value) in op.args.iter().zip(values.iter_mut()) {
        let (Some(p), true) = (def.prompt, value.is_absent()) else {
            continue;
        };
        let local = super::local::get()?;
        let mut answer: Option<String> = None;
        // Each question in turn; an answer unlike the first is the argument's `invalid`.
        for text in p {
            let typed = local.prompt(text)?;
            match &answer {
                None => answer = Some(typed),
                Some(first) if *first == typed => {}
                Some(first) => {
                    let given = Value::String(first.clone());
                    let env = Env::new(&Value::Null, Some(version)).with(&[&given]);
                    return Err(match def.invalid {
                        Some(t) => Error::command(sc::text_of(&t, &env)?),
                        None => Error::command(format!("the answers for {} differ.", def.cli)),
                    });
                }
            }
        }
        *value = answer.map_or(ArgValue::Absent, ArgValue::Str);
    }
    let mut extra = Map::new();
    extra.insert("typed".into(), Value::Object(typed));
    extra.insert("found".into(), Value::Object(found));
    // What an operation that waits prints may depend on whether it waits (`when: poll`).
    if poll {
        extra.insert("poll".into(), Value::Bool(true));
    }
    let outcome = client.run_printed(op, &values, extra, &|variant, scope| {
        reads(client, out, op, variant, scope)
    })?;
    // `exec:`: the result is a local program's argument vector, run instead of printing.
    if !op.exec.is_empty() {
        let argv: Vec<String> = match outcome.result() {
            Some(Value::Array(words)) => words.iter().map(|w| sc::text(Some(w))).collect(),
            _ => Vec::new(),
        };
        if argv.first().is_none_or(String::is_empty) {
            return Err(Error::command(format!(
                "'{}' built no program to run.",
                op.command
            )));
        }
        return super::local::get()?.run(&argv);
    }
    match (op.returns, outcome.result()) {
        _ if outcome.checked => {}
        (Returns::One, Some(v)) => op.resource.conform(v)?,
        (Returns::List, Some(Value::Array(items))) => {
            items.iter().try_for_each(|v| op.resource.conform(v))?
        }
        _ => {}
    }
    let print_items = outcome.variant.print;
    let Some(p) = outcome.variant.poll.as_ref().filter(|_| poll) else {
        print(client, out, op, &outcome, print_items, false)?;
        // The command's result is not freed piece by piece: the process ends after its
        // command, and a list of 10,000 servers takes a tenth of the run to drop (the OS frees
        // it at once).
        std::mem::forget(outcome);
        return Ok(());
    };
    // The wait is at the poll item's place: the items before it, the wait, the items after.
    let (before, _) = print_items.split_at(p.at.min(print_items.len()));
    print(client, out, op, &outcome, before, false)?;
    let id = sc::text_of(&p.id, &Env::new(&outcome.scope, Some(client.version())))?;
    let wait = Wait {
        op,
        poll: p,
        id,
        outcome,
    };
    match later {
        // Waited for after every value has run.
        Some(later) => later.push(wait),
        None => wait.run(client, out)?,
    }
    Ok(())
}

/// A --poll of one run: the polled resource's ID, and the run, whose print items after the
/// poll item are printed when it is done.
struct Wait {
    op: &'static OpDef,
    poll: &'static PollDef,
    id: String,
    outcome: Outcome,
}

impl Wait {
    fn run(self, client: &Client, out: &Printer) -> Result<(), Error> {
        if !self.id.is_empty() {
            progress::end_on_interrupt();
            let (stream, terminal) = match out.for_scripts() {
                false => (progress::Stream::Stdout, out.terminal),
                true => (progress::Stream::Stderr, std::io::stderr().is_terminal()),
            };
            match terminal {
                true => client.poll(self.poll, &self.id, &mut progress::Bar::new(stream))?,
                false => client.poll(self.poll, &self.id, &mut progress::Text(stream))?,
            }
        }
        let print_items = self.outcome.variant.print;
        let (_, after) = print_items.split_at(self.poll.at.min(print_items.len()));
        print(client, out, self.op, &self.outcome, after, true)?;
        std::mem::forget(self.outcome);
        Ok(())
    }
}

/// How printing the variant reads a list's items: the fields its tables read; and when one
/// table is all that is printed, and printed as text, how each item becomes its row (the
/// rows are then made as the pages arrive, and the items not kept).
fn reads<'c>(
    client: &'c Client,
    out: &Printer,
    op: &'static OpDef,
    variant: &'static VariantDef,
    scope: &Value,
) -> Option<Reads<'c>> {
    let version = client.version();
    let fields = fields_printed(op, variant, scope, version)?;
    let mut applies = variant
        .print
        .iter()
        .filter(|p| p.versions.contains(version) && holds(&p.when, scope, version));
    let (Some(p), None) = (applies.next(), applies.next()) else {
        return Some(Reads { fields, row: None });
    };
    let cols = table_cols(op, p, scope, version).ok()?;
    let as_text = matches!(out.format, Format::Table | Format::Value);
    if !as_text || variant.poll.is_some() || cols.iter().any(|c| c.field.contains("[]")) {
        return Some(Reads { fields, row: None });
    }
    // Only this table's fields are read now (not every print item's): each column is the
    // position of its top-level field among them, and the rest of its path.
    let mut fields: Vec<String> = Vec::new();
    let mut cells: Vec<(usize, String, output::Show)> = Vec::new();
    for c in cols {
        let (top, rest) = c.field.split_once('.').unwrap_or((&c.field, ""));
        let i = match fields.iter().position(|f| f == top) {
            Some(i) => i,
            None => {
                fields.push(top.to_string());
                fields.len() - 1
            }
        };
        cells.push((i, rest.to_string(), c.show));
    }
    let row = move |values: &[Option<Value>]| {
        cells
            .iter()
            .map(|(i, rest, show)| {
                let v = values[*i].as_ref().and_then(|v| output::walk(v, rest));
                output::formatted(*show, v.map(Cow::Borrowed))
            })
            .collect()
    };
    Some(Reads {
        fields,
        row: Some(Box::new(row)),
    })
}

/// The top-level fields of a list's items that printing the variant reads, whichever of its
/// print items apply: the columns of plain tables (and those a user names). None when a print
/// item may read anything else.
fn fields_printed(
    op: &OpDef,
    variant: &VariantDef,
    scope: &Value,
    version: Version,
) -> Option<Vec<String>> {
    let mut fields: Vec<String> = Vec::new();
    for p in variant.print {
        let plain = p.kind == PrintKind::Table && p.of.is_none() && p.rows.is_empty();
        if !plain {
            return None;
        }
        let (base, chosen) = table_columns(op, p, scope, version).ok()?;
        let base = base.iter().map(|c| c.field);
        for path in base.chain(chosen.iter().flatten().map(String::as_str)) {
            let top = path.split('.').next().unwrap_or(path);
            let top = top.strip_suffix("[]").unwrap_or(top);
            if top == "^" || top.is_empty() {
                return None;
            }
            if !fields.iter().any(|f| f == top) {
                fields.push(top.to_string());
            }
        }
    }
    Some(fields)
}

/// A table print item's columns: its own, else its resource's (before their version and
/// argument conditions); and the fields of columns a user names (`columns:` an expression), when
/// it gives any: a list of texts, or one comma-separated text (the table then keeps the
/// former's key column and adds these).
fn table_columns(
    op: &OpDef,
    p: &PrintDef,
    scope: &Value,
    version: Version,
) -> Result<(&'static [ColumnDef], Option<Vec<String>>), Error> {
    let named = match &p.named_columns {
        Some(e) => sc::eval(e, &Env::new(scope, Some(version)))?,
        None => None,
    };
    let names: Option<Vec<String>> = match named {
        None | Some(Value::Null) => None,
        Some(Value::Array(names)) => Some(names.iter().map(|n| sc::text(Some(n))).collect()),
        Some(one) => Some(
            sc::text(Some(&one))
                .split(',')
                .map(str::to_string)
                .collect(),
        ),
    };
    // Each name trimmed, empty ones dropped.
    let chosen = names.map(|names| {
        names
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    });
    Ok((p.columns.unwrap_or(op.resource.columns), chosen))
}

/// The columns a table print item shows at this version with these arguments.
fn table_cols(
    op: &OpDef,
    p: &PrintDef,
    scope: &Value,
    version: Version,
) -> Result<Vec<output::Col>, Error> {
    let (base, chosen) = table_columns(op, p, scope, version)?;
    let mut cols = output::columns_for(base, version, scope);
    if let Some(fields) = chosen {
        cols.retain(|c| c.title == crate::spec::API.key_column);
        cols.extend(fields.iter().map(|f| output::Col::of_field(f)));
    }
    Ok(cols)
}

/// Print the items (of the variant that ran) that apply, in order. After a wait (`waited`), a
/// text item reports on it: it goes where the wait's lines went (standard error for json,
/// yaml and value output), not left out as a text item is there.
fn print(
    client: &Client,
    out: &Printer,
    op: &'static OpDef,
    o: &Outcome,
    items: &[PrintDef],
    waited: bool,
) -> Result<(), Error> {
    let version = client.version();
    for p in items {
        if !p.versions.contains(version) || !holds(&p.when, &o.scope, version) {
            continue;
        }
        if let (true, PrintKind::Text, Some(t)) = (waited, p.kind, &p.text) {
            out.note(&sc::text_of(t, &Env::new(&o.scope, Some(version)))?)?;
            continue;
        }
        out.show(render(client, out, op, o, p)?)?;
    }
    Ok(())
}

/// The key of a `value` item in json and yaml: the last field of the path it prints
/// (`{result.private_key}`: `private_key`; `{result}`: the last field of the result's path,
/// `id` for `result: id`), else `value`.
fn value_key(template: &Template, o: &Outcome) -> String {
    use novagen_spec::{Root, Step};
    /// A path's root and its last key (through a pipe's input).
    fn last_key(e: &Expr) -> Option<(Root, Option<&'static str>)> {
        match e {
            Expr::Path(p) => Some((
                p.root,
                p.steps.iter().rev().find_map(|s| match s {
                    Step::Key(k) => Some(*k),
                    _ => None,
                }),
            )),
            Expr::Pipe(input, _) => last_key(input),
            _ => None,
        }
    }
    let named = |k: &str| {
        let plain = !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || "_-:".contains(c));
        plain.then(|| k.to_string())
    };
    let Template::Value(e) = template else {
        return "value".into();
    };
    match last_key(e) {
        Some((Root::Reply, None)) => o
            .variant
            .steps
            .iter()
            .rev()
            .find_map(|s| s.result.as_ref())
            .and_then(last_key)
            .and_then(|(_, k)| k.and_then(named))
            .unwrap_or_else(|| "result".into()),
        Some((Root::Arg(n) | Root::Typed(n) | Root::Found(n), None)) => n.to_string(),
        Some((_, Some(k))) => named(k).unwrap_or_else(|| "value".into()),
        _ => "value".into(),
    }
}

fn render(
    client: &Client,
    out: &Printer,
    op: &'static OpDef,
    o: &Outcome,
    p: &PrintDef,
) -> Result<output::Shown, Error> {
    use output::Shown;
    let format = out.format;
    let args = &o.scope;
    let version = client.version();
    // The result itself is borrowed: a list of 10,000 servers is not copied to be printed.
    let env = Env::new(&o.scope, Some(version));
    let mut subject: Option<Cow<Value>> = match &p.of {
        Some(e) => of(e, &env)?.map(Cow::Owned),
        None => o.result().map(Cow::Borrowed),
    };
    // `expand: image`: the ID (or an object's `id`) becomes the resource it names.
    if let (Some(res), Some(v)) = (p.expand, subject.as_deref()) {
        let id = match v {
            Value::Object(m) => m.get("id").map(|x| sc::text(Some(x))),
            Value::Null => None,
            other => Some(sc::text(Some(other))),
        };
        if let Some(id) = id {
            subject = Some(Cow::Owned(client.get_resource(res, &id)?));
        }
    }
    Ok(match p.kind {
        // A message for a person: left out of output for scripts.
        PrintKind::Text if out.for_scripts() => Shown::Nothing,
        PrintKind::Text => Shown::Text(match &p.text {
            Some(t) => sc::text_of(t, &env)?,
            None => String::new(),
        }),
        PrintKind::Value => {
            let Some(template) = &p.text else {
                return Ok(Shown::Nothing);
            };
            let v = match sc::template(template, &env)? {
                None | Some(Value::Null) => return Ok(Shown::Nothing),
                Some(v) => v,
            };
            let key = value_key(template, o);
            if !out.keeps(&[&key]) {
                return Ok(Shown::Nothing);
            }
            match format {
                Format::Json | Format::Yaml => {
                    Shown::Doc(Value::Object(Map::from_iter([(key, v)])))
                }
                _ => Shown::Line(output::value(&v)),
            }
        }
        PrintKind::Table => {
            let mut cols = table_cols(op, p, args, version)?;
            let items: Cow<[Value]> = match subject {
                // `rows:`: the rows built from what the item prints.
                subject if !p.rows.is_empty() => {
                    let of = subject.as_deref().unwrap_or(&Value::Null);
                    output::built_rows(p.rows, of, &env, &mut cols)?.into()
                }
                None => Cow::Borrowed(&[]),
                Some(Cow::Borrowed(v)) => match v {
                    Value::Array(a) => Cow::Borrowed(a.as_slice()),
                    Value::Null => Cow::Borrowed(&[]),
                    one => vec![one.clone()].into(),
                },
                Some(Cow::Owned(v)) => match v {
                    Value::Array(a) => a.into(),
                    Value::Null => Cow::Borrowed(&[]),
                    one => vec![one].into(),
                },
            };
            // `none`: the rows stay in the order the server sent them.
            let sort_by = match p.columns {
                Some(_) => p.sort_by,
                None => p.sort_by.or(op.resource.sort_by),
            }
            .filter(|s| *s != "none");
            let keep = |c: &output::Col| out.keeps(&[&c.title, &c.key()]);
            let texts = match &o.rows {
                Some(rows) => Cow::Borrowed(rows),
                None => Cow::Owned(output::texts(&cols, &items)?),
            };
            output::rows(&cols, &texts, &items, sort_by, format, &keep)
        }
        PrintKind::Properties => {
            let Some(obj) = subject else {
                return Ok(Shown::Nothing);
            };
            let obj = obj.into_owned();
            let rules = p.rules.map(|r| r.show).unwrap_or(&[]);
            let info = output::reshape(rules, version, &obj, &o.scope, client)?;
            let rows: Vec<(String, Value)> = if p.keys.is_empty() {
                info.into_iter().collect()
            } else {
                p.keys
                    .iter()
                    .filter_map(|k| info.get(*k).map(|v| (k.to_string(), v.clone())))
                    .collect()
            };
            let rows: Vec<(String, Value)> =
                rows.into_iter().filter(|(k, _)| out.keeps(&[k])).collect();
            if rows.is_empty() && !out.columns.is_empty() {
                return Ok(Shown::Nothing);
            }
            // The width: a number or an integer argument; absent, 0 or less: no wrapping.
            let wrap = match &p.wrap {
                Some(e) => sc::eval(e, &env)?
                    .and_then(|v| v.as_i64())
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(0),
                None => 0,
            };
            output::properties(&rows, p.headers, wrap, format)
        }
    })
}

/// What a print item shows (`of:`): the value of its expression; a path through lists
/// (`reply[].servers[]`) gives its items, each object keeping its parent under `^`.
fn of(e: &Expr, env: &Env) -> Result<Option<Value>, Error> {
    let exploded = matches!(e, Expr::Path(p) if p.steps.contains(&novagen_spec::Step::Each));
    if !exploded {
        return sc::eval(e, env);
    }
    let items = sc::items(e, env)?;
    Ok(Some(Value::Array(
        items
            .into_iter()
            .map(|(v, parents)| sc::with_parents(v, &parents))
            .collect(),
    )))
}

/// The contents of a file argument (at most [`files::MAX_LOCAL_FILE`] bytes of UTF-8 text);
/// `-` reads standard input.
pub fn read_file(path: &str) -> Result<String, Error> {
    let text = |bytes: Vec<u8>| {
        String::from_utf8(bytes).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )
        })
    };
    if path == "-" {
        return files::read_capped(std::io::stdin().lock(), files::MAX_LOCAL_FILE)
            .and_then(text)
            .map_err(|e| Error::command(format!("Can't read standard input: {e}")));
    }
    files::read_bounded(path.as_ref())
        .and_then(text)
        .map_err(|e| {
            Error::command(format!(
                "Can't open or read '{path}': {}",
                py_os_error(&e, path)
            ))
        })
}

/// An I/O error as Python prints an OSError: `[Errno 2] No such file or directory: 'x'`.
fn py_os_error(e: &std::io::Error, path: &str) -> String {
    match e.raw_os_error() {
        Some(n) => {
            let text = e.to_string();
            let text = text
                .strip_suffix(&format!(" (os error {n})"))
                .unwrap_or(&text)
                .to_string();
            format!("[Errno {n}] {text}: '{path}'")
        }
        None => e.to_string(),
    }
}

/// `key=value` arguments as pairs; a value without `=` fails the whole list, in novaclient's
/// words (which show the list as Python prints it).
pub fn key_values(items: &[String]) -> Result<Vec<(String, String)>, Error> {
    items
        .iter()
        .map(|s| {
            s.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| {
                    let list =
                        Value::Array(items.iter().map(|i| Value::from(i.as_str())).collect());
                    Error::ArgumentType(format!(
                        "'{}' is not in the format of 'key=value'",
                        output::pyrepr(&list)
                    ))
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_value_parsing() {
        assert_eq!(
            key_values(&["a=1".into(), "b=x=y".into()]).ok(),
            Some(vec![("a".into(), "1".into()), ("b".into(), "x=y".into())])
        );
        assert!(key_values(&["nokey".into()]).is_err());
    }
}
