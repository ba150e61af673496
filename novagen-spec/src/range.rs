//! The one spelling of a microversion range (`docs/edition-2.md`, section 8): `"2.1-2.96"`
//! (both ends, inclusive), `"2.26-"` (from 2.26 on), `"-2.52"` (up to 2.52). Feature `parse`
//! (the generator only): the runtime gets [`Range`] values, never their text.

use crate::defs::{Range, Version};

/// Read a range as `versions:` writes it: `"LO-HI"`, `"LO-"` or `"-HI"`, each end a
/// `MAJOR.MINOR` microversion (spaces around the ends are allowed). The error is a sentence
/// that says what to write instead; the caller adds the file and line.
///
/// ```
/// use novagen_spec::{parse_range, Range, Version};
/// assert_eq!(parse_range("2.26-"), Ok(Range { min: Some(Version(2, 26)), max: None }));
/// assert_eq!(parse_range("-2.52").map(|r| r.max), Ok(Some(Version(2, 52))));
/// assert!(parse_range("2.96-2.1").is_err());
/// ```
pub fn parse_range(text: &str) -> Result<Range, String> {
    let t = text.trim();
    if t.contains(',') {
        return Err(format!(
            "'{text}' is several ranges: one range only, written \"LO-HI\", \"LO-\" or \"-HI\"."
        ));
    }
    let Some((lo, hi)) = t.split_once('-') else {
        return Err(format!(
            "'{text}' is not a range: write \"{t}-\" (from {t} on), \"-{t}\" (up to {t}) or \
             \"LO-HI\"."
        ));
    };
    let end = |s: &str| -> Result<Option<Version>, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let (a, b) = s.split_once('.').ok_or_else(|| not_version(text, s))?;
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
        if !digits(a) || !digits(b) {
            return Err(not_version(text, s));
        }
        match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Ok(Some(Version(a, b))),
            _ => Err(not_version(text, s)),
        }
    };
    let (min, max) = (end(lo)?, end(hi)?);
    match (min, max) {
        (None, None) => Err(format!(
            "'{text}' names no version: write \"LO-HI\", \"LO-\" or \"-HI\" (or leave the key out \
             for every version)."
        )),
        (Some(a), Some(b)) if a > b => Err(format!(
            "the range '{text}' is backwards: {a} is newer than {b}; write the older version \
             first (\"{b}-{a}\")."
        )),
        _ => Ok(Range { min, max }),
    }
}

fn not_version(text: &str, end: &str) -> String {
    format!(
        "in the range '{text}', '{end}' is not a microversion: write MAJOR.MINOR, e.g. \"2.47\"."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(min: Option<(u16, u16)>, max: Option<(u16, u16)>) -> Range {
        Range {
            min: min.map(|(a, b)| Version(a, b)),
            max: max.map(|(a, b)| Version(a, b)),
        }
    }

    #[test]
    fn the_three_forms() {
        assert_eq!(parse_range("2.1-2.96"), Ok(r(Some((2, 1)), Some((2, 96)))));
        assert_eq!(parse_range("2.26-"), Ok(r(Some((2, 26)), None)));
        assert_eq!(parse_range("-2.52"), Ok(r(None, Some((2, 52)))));
        assert_eq!(
            parse_range(" 2.9 - 2.10 "),
            Ok(r(Some((2, 9)), Some((2, 10))))
        );
        assert_eq!(parse_range("2.5-2.5"), Ok(r(Some((2, 5)), Some((2, 5)))));
    }

    #[test]
    fn refusals_say_what_to_write() {
        assert_eq!(
            parse_range("2.96-2.1").unwrap_err(),
            "the range '2.96-2.1' is backwards: 2.96 is newer than 2.1; write the older version first (\"2.1-2.96\")."
        );
        assert_eq!(
            parse_range("2.26").unwrap_err(),
            "'2.26' is not a range: write \"2.26-\" (from 2.26 on), \"-2.26\" (up to 2.26) or \"LO-HI\"."
        );
        assert!(parse_range("-").unwrap_err().contains("names no version"));
        assert!(parse_range("2.x-")
            .unwrap_err()
            .contains("'2.x' is not a microversion"));
        assert!(parse_range("2.1-99999.1")
            .unwrap_err()
            .contains("not a microversion"));
        assert!(parse_range("+2.1-")
            .unwrap_err()
            .contains("not a microversion"));
        assert!(parse_range("2.32-2.36, 2.42-")
            .unwrap_err()
            .contains("several ranges"));
        assert!(parse_range("2.1--2.3")
            .unwrap_err()
            .contains("not a microversion"));
    }
}
