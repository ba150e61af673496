//! The test harness of the files whose prerequisites are facts of run time (a virtualenv, a
//! running real nova): `harness = false` in `Cargo.toml`, with libtest-mimic, whose trials can
//! end as `ignored (<why>)`. A trial whose prerequisite is missing shows so in `cargo test`'s
//! summary and counts as ignored, never as `ok`; under `CI` (where the prerequisites ship) it
//! fails instead. A trial that had what it needs runs its body; a panic there fails it, as in
//! the built-in harness.

pub use libtest_mimic::{run, Arguments, Completion, Conclusion, Failed, Trial};

/// `CI` is set: a missing prerequisite is a failure.
pub fn ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// The outcome of a trial whose prerequisite is missing: ignored with the reason, or under
/// `CI` a failure.
pub fn missing(why: &str) -> Result<Completion, Failed> {
    if ci() {
        Err(format!("{why} (CI is set: it must be there)").into())
    } else {
        Ok(Completion::ignored_with(why))
    }
}

/// A trial named `name` that asks `need` for its prerequisite (Err: why it is missing, see
/// [`missing`]) and runs `body` with it.
pub fn trial<T: 'static>(name: &str, need: fn() -> Result<T, String>, body: fn(T)) -> Trial {
    Trial::ignorable_test(name, move || match need() {
        Ok(t) => {
            body(t);
            Ok(Completion::Completed)
        }
        Err(why) => missing(&why),
    })
}
