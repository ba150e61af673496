//! The subcommands that are not API operations and talk to no cloud: `help`, `completion`,
//! `bash-completion`, `man` and `cache-clear`. They read the same clap command the API
//! subcommands are in, so completions, help and the man page list what the spec defines.

use super::cache::TokenCache;
use super::error::Error;
use clap::{Arg, ArgMatches, Command};
use std::io::Write;

const HELP: &str = "help";
const COMPLETION: &str = "completion";
const BASH_COMPLETION: &str = "bash-completion";
const MAN: &str = "man";
const CACHE_CLEAR: &str = "cache-clear";

/// The built-in subcommands, added after the API's.
pub fn subcommands() -> Vec<Command> {
    vec![
        Command::new(HELP)
            .about("Display help about this program or one of its subcommands.")
            .arg(
                Arg::new("command")
                    .value_name("subcommand")
                    .help("Display help for <subcommand>."),
            ),
        Command::new(COMPLETION)
            .about("Print a shell completion script (`source <(nova completion bash)`).")
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(clap::value_parser!(clap_complete::Shell))
                    .help("The shell the script is for."),
            ),
        Command::new(BASH_COMPLETION).about(
            "Prints all of the commands and options to stdout so that the \
             nova.bash_completion script doesn't have to hard code them.",
        ),
        Command::new(MAN)
            .about("Print the man page (roff) of nova, or of one subcommand.")
            .arg(
                Arg::new("command")
                    .value_name("subcommand")
                    .help("The subcommand whose page is printed."),
            ),
        Command::new(CACHE_CLEAR).about("Remove every cached token."),
    ]
}

/// What a built-in subcommand asks of `main`.
pub enum Done {
    /// It ran.
    Ran,
    /// Print clap's help for these arguments (`nova help list` is `nova list --help`).
    Help(Vec<String>),
}

/// Run `name` if it is a built-in subcommand; None for an API subcommand. `root(for_help)` is
/// the whole `nova` command: as help shows it (the global options hidden in subcommands), or
/// as it parses (every subcommand takes the global options too: completions offer them).
pub fn run(name: &str, m: &ArgMatches, root: fn(bool) -> Command) -> Option<Result<Done, Error>> {
    let done = match name {
        HELP => help(m, root(true)),
        COMPLETION => {
            let shell = m.get_one::<clap_complete::Shell>("shell").copied();
            let mut script = Vec::new();
            if let Some(shell) = shell {
                clap_complete::generate(shell, &mut root(false), "nova", &mut script);
            }
            write_out(&script).map(|()| Done::Ran)
        }
        BASH_COMPLETION => {
            let words = bash_completion_words(&root(false));
            write_out(format!("{}\n", words.join(" ")).as_bytes()).map(|()| Done::Ran)
        }
        MAN => man(m, root(true)),
        CACHE_CLEAR => cache_clear().map(|()| Done::Ran),
        _ => return None,
    };
    Some(done)
}

/// `nova help [<subcommand>]`, as novaclient: the program's help, a subcommand's, or
/// novaclient's error for a name that is none.
fn help(m: &ArgMatches, root: Command) -> Result<Done, Error> {
    let Some(name) = m.get_one::<String>("command") else {
        return Ok(Done::Help(vec!["nova".into(), "--help".into()]));
    };
    match root.find_subcommand(name) {
        Some(_) => Ok(Done::Help(vec![
            "nova".into(),
            name.clone(),
            "--help".into(),
        ])),
        None => Err(Error::command(format!(
            "'{name}' is not a valid subcommand"
        ))),
    }
}

/// What novaclient's `bash-completion` prints: every command name (but its own) and every
/// option of a subcommand (its own, `-h` and `--help`; not the program's), one line. Here the
/// commands come in help order and the options sorted (novaclient's order is a Python set's).
pub fn bash_completion_words(root: &Command) -> Vec<String> {
    let mut commands = Vec::new();
    let mut options = std::collections::BTreeSet::from(["-h".to_string(), "--help".to_string()]);
    let globals: Vec<&str> = root.get_arguments().map(|a| a.get_id().as_str()).collect();
    for sub in root.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == BASH_COMPLETION {
            continue;
        }
        commands.push(sub.get_name().to_string());
        for a in sub.get_arguments() {
            if a.is_hide_set() || globals.contains(&a.get_id().as_str()) {
                continue;
            }
            options.extend(a.get_long().map(|l| format!("--{l}")));
            options.extend(a.get_short().map(|s| format!("-{s}")));
        }
    }
    commands.extend(options);
    commands
}

/// `nova man`: the program's page, which lists the subcommands; `nova man <subcommand>`:
/// that subcommand's page (`nova-<subcommand>(1)`).
fn man(m: &ArgMatches, root: Command) -> Result<Done, Error> {
    let mut root = root;
    root.build();
    let page = match m.get_one::<String>("command") {
        None => root,
        Some(name) => root
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| Error::command(format!("'{name}' is not a valid subcommand")))?,
    };
    let mut text = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut text)
        .map_err(Error::Output)?;
    write_out(&text).map(|()| Done::Ran)
}

/// Remove the cache's own files from its directory: never through a symbolic link, never from
/// a directory the cache would refuse to use (see `cache.rs`).
fn cache_clear() -> Result<(), Error> {
    let dir = TokenCache::default_dir().ok_or_else(|| {
        Error::Config("Neither XDG_CACHE_HOME nor HOME is set to an absolute path.".into())
    })?;
    let cannot = |why: &dyn std::fmt::Display| {
        Error::Config(format!("Cannot clear the token cache: {why}."))
    };
    let n = match TokenCache::new(&dir)
        .open(false)
        .map_err(|why| cannot(&why))?
    {
        Some(cache) => cache
            .clear()
            .map_err(|e| cannot(&format!("{}: {e}", dir.display())))?,
        None => 0,
    };
    write_out(format!("Removed {n} cached token(s) from {}.\n", dir.display()).as_bytes())
}

/// Bytes to standard output, a failure an [`Error::Output`] (never a panic).
fn write_out(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

#[cfg(test)]
mod tests {
    /// A spec command named like one of these would be hidden by it: the generator refuses
    /// exactly these names.
    #[test]
    fn the_generator_reserves_the_builtin_commands() {
        let subs = super::subcommands();
        let mut names: Vec<&str> = subs.iter().map(|c| c.get_name()).collect();
        names.sort_unstable();
        let mut reserved = codegen::RESERVED_COMMANDS.to_vec();
        reserved.sort_unstable();
        assert_eq!(names, reserved);
    }
}
