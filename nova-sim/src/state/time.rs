//! Wall-clock times: seconds since the epoch (with microseconds), nova's two text forms, and
//! the parser for the times clients send (`changes-since`, usage `start`/`end`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since 1970-01-01 UTC, with microseconds.
pub type Secs = f64;

/// The last instant [`now`] handed out, in microseconds since the epoch.
static LAST_MICROS: AtomicI64 = AtomicI64::new(0);

/// The sim's one clock: the wall clock in microseconds, but strictly increasing — a read
/// within the same microsecond as the one before it (or with the system clock set back) gets
/// the next microsecond. As nova's reads, which are microseconds apart, two reads are never
/// the same instant: a usage period of two reads of now (`start` and `end` both omitted)
/// starts before it ends.
pub fn now() -> Secs {
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    let bump = |last: i64| Some(wall.max(last.saturating_add(1)));
    let previous = LAST_MICROS
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, bump)
        .unwrap_or_else(|last| last);
    // What `bump` made of `previous`: the value stored.
    wall.max(previous.saturating_add(1)) as f64 / 1e6
}

/// `2026-11-25T14:03:27Z`, the form of server `created`/`updated`.
pub fn iso(t: Secs) -> String {
    let (date, clock, _) = civil(t);
    format!("{date}T{clock}Z")
}

/// `2026-11-25T14:03:27.123456`, the form of `launched_at`, service and usage times.
pub fn iso_micro(t: Secs) -> String {
    let (date, clock, micros) = civil(t);
    format!("{date}T{clock}.{micros:06}")
}

/// UTC now as `2026-11-25T14:03:27Z`.
pub fn now_iso() -> String {
    iso(now())
}

fn civil(t: Secs) -> (String, String, i64) {
    let micros_total = (t * 1e6).round() as i64;
    let secs = micros_total.div_euclid(1_000_000);
    let micros = micros_total.rem_euclid(1_000_000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60),
        micros,
    )
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][Z|±HH:MM]`, or a date alone; None if it is not one.
pub fn parse(s: &str) -> Option<Secs> {
    let s = s.trim();
    let num = |t: &str| -> Option<i64> {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (date, rest) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    let mut dp = date.split('-');
    let (y, m, d) = (num(dp.next()?)?, num(dp.next()?)?, num(dp.next()?)?);
    if dp.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Split off a zone: Z, +HH:MM or -HH:MM.
    let (clock, offset) = if let Some(c) = rest.strip_suffix('Z') {
        (c, 0)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (h, mi) = rest[i + 1..]
            .split_once(':')
            .unwrap_or((&rest[i + 1..], "0"));
        let sign = if rest[i..].starts_with('-') { -1 } else { 1 };
        (&rest[..i], sign * (num(h)? * 3600 + num(mi)? * 60))
    } else {
        (rest, 0)
    };
    let mut secs = 0.0;
    if !clock.is_empty() {
        let mut cp = clock.split(':');
        let h = num(cp.next()?)?;
        let mi = num(cp.next()?)?;
        let sec: f64 = match cp.next() {
            Some(x) => {
                let (whole, frac) = x.split_once('.').unwrap_or((x, ""));
                let w = num(whole)? as f64;
                if frac.is_empty() {
                    w
                } else {
                    w + format!("0.{}", num(frac).map(|_| frac)?)
                        .parse::<f64>()
                        .ok()?
                }
            }
            None => 0.0,
        };
        if cp.next().is_some() || h > 23 || mi > 59 || sec >= 61.0 {
            return None;
        }
        secs = (h * 3600 + mi * 60) as f64 + sec;
    }
    Some((days_from_civil(y, m, d) * 86_400 - offset) as f64 + secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two reads are never the same instant, even within one microsecond and across threads.
    #[test]
    fn now_is_strictly_increasing() {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    let reads: Vec<Secs> = (0..20_000).map(|_| now()).collect();
                    for pair in reads.windows(2) {
                        assert!(pair[0] < pair[1], "read twice: {pair:?}");
                    }
                    reads
                })
            })
            .collect();
        let mut all: Vec<Secs> = threads
            .into_iter()
            .flat_map(|t| t.join().expect("no failed reader"))
            .collect();
        let n = all.len();
        all.sort_by(f64::total_cmp);
        all.dedup();
        assert_eq!(all.len(), n, "one instant handed out twice");
    }

    #[test]
    fn round_trips() {
        let t = parse("2012-10-08T20:10:44.587336").expect("parses");
        assert_eq!(iso_micro(t), "2012-10-08T20:10:44.587336");
        assert_eq!(iso(t), "2012-10-08T20:10:44Z");
        assert_eq!(
            parse("2012-10-08T22:10:44+02:00").map(iso),
            Some("2012-10-08T20:10:44Z".into())
        );
        assert_eq!(
            parse("2012-10-08 20:10:44Z").map(iso),
            Some("2012-10-08T20:10:44Z".into())
        );
        assert_eq!(
            parse("2012-10-08").map(iso),
            Some("2012-10-08T00:00:00Z".into())
        );
        for bad in [
            "",
            "yesterday",
            "2012-13-01",
            "2012-10-08T25:00",
            "2012-10-08T1:2:x",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
