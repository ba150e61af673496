//! The `nova` command line: global options (`--os-*` flags, `OS_*` variables, then clouds.yaml
//! through `clouds`), the program's entry point, and error printing. The subcommands are in
//! `cli`.

use super::builtin::{self, Done};
use super::cache::TokenCache;
use super::cli;
use super::clouds;
use super::error::Error;
use super::output::Format;
use super::session::{Client, ConnectOptions};
use clap::{Args, FromArgMatches};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::time::Duration;

#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Named cloud from clouds.yaml.
    #[arg(long = "os-cloud", env = "OS_CLOUD", global = true)]
    pub os_cloud: Option<String>,
    /// Keystone URL, with or without /v3.
    #[arg(long = "os-auth-url", env = "OS_AUTH_URL", global = true)]
    pub os_auth_url: Option<String>,
    #[arg(long = "os-username", env = "OS_USERNAME", global = true)]
    pub os_username: Option<String>,
    #[arg(long = "os-user-id", env = "OS_USER_ID", global = true)]
    pub os_user_id: Option<String>,
    #[arg(
        long = "os-password",
        env = "OS_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub os_password: Option<String>,
    #[arg(long = "os-project-name", env = "OS_PROJECT_NAME", global = true)]
    pub os_project_name: Option<String>,
    #[arg(long = "os-project-id", env = "OS_PROJECT_ID", global = true)]
    pub os_project_id: Option<String>,
    #[arg(
        long = "os-user-domain-name",
        env = "OS_USER_DOMAIN_NAME",
        global = true
    )]
    pub os_user_domain_name: Option<String>,
    #[arg(long = "os-user-domain-id", env = "OS_USER_DOMAIN_ID", global = true)]
    pub os_user_domain_id: Option<String>,
    #[arg(
        long = "os-project-domain-name",
        env = "OS_PROJECT_DOMAIN_NAME",
        global = true
    )]
    pub os_project_domain_name: Option<String>,
    #[arg(
        long = "os-project-domain-id",
        env = "OS_PROJECT_DOMAIN_ID",
        global = true
    )]
    pub os_project_domain_id: Option<String>,
    #[arg(
        long = "os-application-credential-id",
        env = "OS_APPLICATION_CREDENTIAL_ID",
        global = true
    )]
    pub os_application_credential_id: Option<String>,
    #[arg(
        long = "os-application-credential-secret",
        env = "OS_APPLICATION_CREDENTIAL_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub os_application_credential_secret: Option<String>,
    /// A token already held; with --os-endpoint-override, Keystone is not asked at all.
    #[arg(
        long = "os-token",
        env = "OS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub os_token: Option<String>,
    #[arg(long = "os-region-name", env = "OS_REGION_NAME", global = true)]
    pub os_region_name: Option<String>,
    /// Catalog interface: public, internal or admin.
    #[arg(long = "os-interface", env = "OS_INTERFACE", global = true)]
    pub os_interface: Option<String>,
    /// Compute endpoint to use instead of the catalog's.
    #[arg(
        long = "os-endpoint-override",
        env = "OS_ENDPOINT_OVERRIDE",
        global = true
    )]
    pub os_endpoint_override: Option<String>,
    /// CA bundle to verify the server's TLS certificate with.
    #[arg(long = "os-cacert", env = "OS_CACERT", global = true)]
    pub os_cacert: Option<String>,
    /// Do not verify TLS certificates.
    #[arg(long = "insecure", global = true)]
    pub insecure: bool,
    /// Compute API microversion X.Y, or 'auto' for the newest both sides support.
    #[arg(
        long = "os-compute-api-version",
        env = "OS_COMPUTE_API_VERSION",
        global = true
    )]
    pub os_compute_api_version: Option<String>,
    /// Seconds each HTTP request may take in all (connecting, the reply and its body).
    #[arg(long = "timeout", global = true, default_value_t = 60.0)]
    pub timeout: f64,
    /// Print each request and reply (tokens and passwords redacted) on stderr.
    #[arg(long = "debug", global = true)]
    pub debug: bool,
    /// Output format: json and yaml print one document (a list of objects for a list, one
    /// object for one resource, keyed by the API's field names; `{}` when there is nothing),
    /// value the bare values.
    #[arg(long = "format", global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Print only this column (by title or by the API's field name), or this property of one
    /// resource; repeat for several.
    #[arg(
        short = 'c',
        long = "column",
        global = true,
        value_name = "COLUMN",
        action = clap::ArgAction::Append
    )]
    pub column: Vec<String>,
    /// Seconds between two status checks of --poll.
    #[arg(
        long = "poll-interval",
        env = "NOVA_POLL_INTERVAL",
        global = true,
        default_value_t = 5.0,
        hide = true
    )]
    pub poll_interval: f64,
    /// Neither use nor write the token cache ($XDG_CACHE_HOME/novagen).
    #[arg(
        long = "no-cache",
        env = "OS_NO_CACHE",
        global = true,
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub no_cache: bool,
    /// The largest reply read, in MiB.
    #[arg(
        long = "max-reply-mb",
        env = "NOVA_MAX_REPLY_MB",
        global = true,
        default_value_t = super::session::DEFAULT_MAX_REPLY >> 20,
        value_parser = clap::value_parser!(u64).range(1..=1 << 20)
    )]
    pub max_reply_mb: u64,
}

impl GlobalArgs {
    /// Flags and variables first, then the named cloud of clouds.yaml for what they leave unset.
    pub fn connect_options(&self) -> Result<ConnectOptions, Error> {
        let mut o = ConnectOptions {
            auth_url: self.os_auth_url.clone(),
            username: self.os_username.clone(),
            user_id: self.os_user_id.clone(),
            password: self.os_password.clone(),
            project_name: self.os_project_name.clone(),
            project_id: self.os_project_id.clone(),
            user_domain_name: self.os_user_domain_name.clone(),
            user_domain_id: self.os_user_domain_id.clone(),
            project_domain_name: self.os_project_domain_name.clone(),
            project_domain_id: self.os_project_domain_id.clone(),
            application_credential_id: self.os_application_credential_id.clone(),
            application_credential_secret: self.os_application_credential_secret.clone(),
            token: self.os_token.clone(),
            region_name: self.os_region_name.clone(),
            interface: self.os_interface.clone(),
            endpoint_override: self.os_endpoint_override.clone(),
            cacert: self.os_cacert.clone(),
            insecure: self.insecure,
            timeout: duration(self.timeout, "--timeout")?,
            api_version: self.os_compute_api_version.clone(),
            debug: self.debug,
            poll_interval: duration(self.poll_interval, "--poll-interval")?,
            cache_dir: None,
            max_reply_bytes: Some(self.max_reply_mb << 20),
            needs: None,
        };
        let mut cache = !self.no_cache;
        if let Some(name) = &self.os_cloud {
            cache &= clouds::apply(&mut o, name)?;
        }
        if cache {
            o.cache_dir = TokenCache::default_dir();
        }
        Ok(o)
    }
}

/// The longest `--timeout` and `--poll-interval`: one day.
const MAX_SECONDS: f64 = 86_400.0;

/// A number of seconds more than 0 and at most a day (NaN, infinities, 0 and negative
/// numbers refused; a huge one would overflow the clock).
fn duration(secs: f64, flag: &str) -> Result<Option<Duration>, Error> {
    if secs > 0.0 && secs <= MAX_SECONDS {
        if let Ok(d) = Duration::try_from_secs_f64(secs) {
            return Ok(Some(d));
        }
    }
    Err(Error::command(format!(
        "{flag} must be a number of seconds more than 0 and at most {MAX_SECONDS} (a day), not {secs}."
    )))
}

/// `nova` with its global options and one subcommand per spec operation, as help shows it.
pub fn command() -> clap::Command {
    command_with(true)
}

/// Where a subcommand's help points for the global options it hides.
const GLOBAL_NOTE: &str =
    "Global options (--os-cloud, --os-*, --format, --debug, ...): see `nova --help`.";

/// `for_help`: each subcommand's usage line written out, and the global options hidden in
/// its help (one line points to `nova --help`, which lists them once, under their heading).
/// Both cost start-up time, so `nova` builds them only to show help or a usage error.
fn command_with(for_help: bool) -> clap::Command {
    let mut subs = cli::subcommands(crate::spec::OPERATIONS, for_help);
    subs.extend(builtin::subcommands());
    nova_with(subs, for_help)
}

/// `nova`, its global options and the given subcommands.
fn nova_with(mut subs: Vec<clap::Command>, for_help: bool) -> clap::Command {
    let cmd = clap::Command::new("nova")
        .about(
            "Command-line interface to the OpenStack Compute API (generated from novagen's spec).",
        )
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_subcommand(true);
    if for_help {
        // clap gives each subcommand a copy of every global option, unless it has one by
        // that name already: a hidden copy (still global, so parsed as before).
        let hidden: Vec<clap::Arg> = GlobalArgs::augment_args(clap::Command::new("globals"))
            .get_arguments()
            .map(|a| a.clone().hide(true))
            .collect();
        subs = subs
            .into_iter()
            .map(|s| s.args(hidden.iter().cloned()).after_help(GLOBAL_NOTE))
            .collect();
    }
    GlobalArgs::augment_args(cmd).subcommands(subs)
}

/// The whole `nova` program; returns the exit code.
pub fn main() -> i32 {
    let args = spaced_values(std::env::args_os().collect());
    // Parsed first with only the subcommand the line names, if it names a spec operation
    // (building all of them is most of the start-up time), and without the usage lines; help
    // or an error parses again with everything. A line that parses with one subcommand
    // parses the same with all: any other word where the subcommand is would be an error.
    let first = match named_op(&args) {
        Some(op) => nova_with(vec![cli::subcommand(op, false)], false),
        None => command_with(false),
    };
    let parsed = first
        .try_get_matches_from(&args)
        .or_else(|_| command().try_get_matches_from(&args));
    let matches = match parsed {
        Ok(m) => m,
        Err(e) => return clap_exit(&e),
    };
    match run(&matches) {
        Ok(Done::Ran) => 0,
        // `nova help <subcommand>`: clap's help of `nova <subcommand> --help`.
        Ok(Done::Help(args)) => match command().try_get_matches_from(args) {
            Err(e) => clap_exit(&e),
            Ok(_) => 0,
        },
        Err(e) => fail(&e),
    }
}

/// argparse reads a word that starts with `-` and holds a space as a value, never as an
/// option (`--extra-opts "-o Foo=bar"`); clap would refuse it as an unknown option. Such a
/// word after a long option written without `=` is joined to it (`--extra-opts=-o Foo=bar`).
fn spaced_values(mut args: Vec<OsString>) -> Vec<OsString> {
    let mut i = 1;
    while i + 1 < args.len() {
        let opt = args[i].to_str().unwrap_or_default();
        let next = args[i + 1].to_str().unwrap_or_default();
        let long = opt.len() > 2 && opt.starts_with("--") && !opt.contains('=');
        if long && next.starts_with('-') && next.contains(' ') {
            let joined = OsString::from(format!("{opt}={next}"));
            args.splice(i..i + 2, [joined]);
        }
        i += 1;
    }
    args
}

/// The spec operation a command line names: its first word that is not a global option or
/// the value of one. None when that is unclear (a short option, an unknown or abbreviated
/// long one, `--`): then every subcommand is built.
fn named_op(args: &[OsString]) -> Option<&'static crate::runtime::defs::OpDef> {
    let globals = GlobalArgs::augment_args(clap::Command::new("globals"));
    let mut words = args.iter().skip(1);
    while let Some(word) = words.next() {
        let word = word.to_str()?;
        let Some(long) = word.strip_prefix("--") else {
            return match word.starts_with('-') {
                true => None,
                false => cli::find_op(crate::spec::OPERATIONS, word),
            };
        };
        if long.is_empty() {
            return None;
        }
        if long.contains('=') {
            continue;
        }
        let arg = globals
            .get_arguments()
            .find(|a| a.get_long() == Some(long))?;
        if arg.get_action().takes_values() {
            words.next();
        }
    }
    None
}

/// Help, version and usage errors, printed by clap; help going nowhere is reported. A
/// variable read for an option that is not UTF-8 is named (clap names none).
fn clap_exit(e: &clap::Error) -> i32 {
    if e.kind() == clap::error::ErrorKind::InvalidUtf8 {
        if let Some(name) = not_utf8_variable(&command()) {
            return fail(&Error::command(format!(
                "The environment variable {name} is not valid UTF-8 text."
            )));
        }
    }
    match e.print() {
        Err(io) if !e.use_stderr() => fail(&Error::Output(io)),
        _ => e.exit_code(),
    }
}

/// `ERROR (Kind): message` on stderr and exit code 1; a closed pipe on stdout ends `nova`
/// quietly and successfully instead (`nova list | head -1`: the reader had all it wanted), as
/// ripgrep does.
fn fail(e: &Error) -> i32 {
    if e.is_broken_pipe() {
        return 0;
    }
    let _ = std::io::stdout().flush();
    let line = format!("ERROR ({}): {e}", e.kind());
    let mut stderr = std::io::stderr();
    let line = match stderr.is_terminal() {
        true => super::output::for_terminal(&line),
        false => line.into(),
    };
    let _ = writeln!(stderr, "{line}");
    1
}

/// The first variable an option of `cmd` (or of its subcommands) reads that is set but not
/// UTF-8.
fn not_utf8_variable(cmd: &clap::Command) -> Option<String> {
    let mut args = cmd.get_arguments().collect::<Vec<_>>();
    args.extend(cmd.get_subcommands().flat_map(|s| s.get_arguments()));
    args.iter().filter_map(|a| a.get_env()).find_map(|name| {
        let value = std::env::var_os(name)?;
        value
            .to_str()
            .is_none()
            .then(|| name.to_string_lossy().into_owned())
    })
}

fn run(matches: &clap::ArgMatches) -> Result<Done, Error> {
    let global = GlobalArgs::from_arg_matches(matches)
        .map_err(|e| Error::command(e.to_string().trim().to_string()))?;
    let Some((name, sub)) = matches.subcommand() else {
        return Err(Error::command("a subcommand is required."));
    };
    if let Some(done) = builtin::run(name, sub, command_with) {
        return done;
    }
    let op = cli::find_op(crate::spec::OPERATIONS, name)
        .ok_or_else(|| Error::command(format!("'{name}' is not a nova command.")))?;
    let mut opts = global.connect_options()?;
    // A command whose range lies above `auto`'s ceiling raises it for this run.
    opts.needs = op.versions.min;
    let client = Client::connect(&opts)?;
    let printer = || {
        cli::Printer::new(
            global.format,
            std::io::stdout().is_terminal(),
            global.column.clone(),
        )
    };
    match cli::dispatch(&client, &printer(), op, sub) {
        // The cached version document was out of date (nova's 406 before any reply): the
        // version was negotiated again; the command is planned and run again, once.
        Err(_) if client.take_renegotiated() => cli::dispatch(&client, &printer(), op, sub),
        done => done,
    }
    .map(|()| Done::Ran)
}

#[cfg(test)]
mod tests {
    /// The subcommand a line names is found past the global options and their values; when
    /// that is unclear, every subcommand is built (None).
    /// A word that starts with `-` and holds a space is the value of the long option before
    /// it, as argparse reads it; other words stay as they are.
    #[test]
    fn a_spaced_word_is_an_options_value() {
        let line = |l: &[&str]| -> Vec<String> {
            super::spaced_values(l.iter().map(std::ffi::OsString::from).collect())
                .into_iter()
                .map(|w| w.to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            line(&[
                "nova",
                "ssh",
                "vm",
                "--extra-opts",
                "-o A=b -v",
                "--port",
                "2"
            ]),
            ["nova", "ssh", "vm", "--extra-opts=-o A=b -v", "--port", "2"]
        );
        assert_eq!(
            line(&["nova", "x", "--a=1", "-o b", "--", "-v w", "-v"]),
            ["nova", "x", "--a=1", "-o b", "--", "-v w", "-v"]
        );
    }

    #[test]
    fn the_named_operation_is_found_past_the_global_options() {
        let named = |line: &str| {
            let args: Vec<std::ffi::OsString> = line.split(' ').map(Into::into).collect();
            super::named_op(&args).map(|op| op.command)
        };
        assert_eq!(named("nova list"), Some("list"));
        assert_eq!(named("nova list --limit 1"), Some("list"));
        assert_eq!(
            named("nova --os-compute-api-version 2.96 flavor-list"),
            Some("flavor-list")
        );
        assert_eq!(named("nova --os-cloud=x --debug show a"), Some("show"));
        // An option's value is not the subcommand, even when it is a command's name.
        assert_eq!(named("nova --os-cloud list show a"), Some("show"));
        assert_eq!(named("nova --timeout 5 list"), Some("list"));
        for unclear in [
            "nova",
            "nova -c ID list",
            "nova --os-clou x list",
            "nova -- list",
            "nova completion bash",
            "nova help list",
            "nova no-such-command",
            "nova --debug",
        ] {
            assert_eq!(named(unclear), None, "{unclear}");
        }
    }

    /// clap's own consistency checks over every generated subcommand (names, positionals,
    /// actions): a spec the generator accepts never makes clap panic.
    #[test]
    fn the_generated_command_line_is_consistent() {
        super::command().debug_assert();
    }

    /// A spec argument named like a global option would clash with it: the generator refuses
    /// every such name (`os_` ones by their prefix).
    #[test]
    fn the_generator_reserves_the_global_option_names() {
        use clap::Args;
        let globals = super::GlobalArgs::augment_args(clap::Command::new("g"));
        for a in globals.get_arguments() {
            let id = a.get_id().as_str();
            assert!(
                id.starts_with("os_") || codegen::RESERVED_ARGS.contains(&id),
                "{id} is not reserved"
            );
        }
    }
}
