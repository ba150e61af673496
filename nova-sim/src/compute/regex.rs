//! The small part of regular expressions nova's `name` and `ip` filters need (they are
//! Python `re.search` patterns): literals, `.`, classes `[a-z]` `[^...]`, `\d \w \s`,
//! quantifiers `* + ?`, anchors `^ $`. An unparseable pattern matches literally.

#[derive(Debug)]
enum Atom {
    Any,
    Char(char),
    Class(Vec<(char, char)>, bool),
}

#[derive(Debug)]
struct Piece {
    atom: Atom,
    min: usize,
    max: usize,
}

fn escape_class(c: char) -> Option<Atom> {
    let digits = vec![('0', '9')];
    let word = vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
    let space = vec![(' ', ' '), ('\t', '\t'), ('\n', '\n'), ('\r', '\r')];
    Some(match c {
        'd' => Atom::Class(digits, false),
        'D' => Atom::Class(digits, true),
        'w' => Atom::Class(word, false),
        'W' => Atom::Class(word, true),
        's' => Atom::Class(space, false),
        'S' => Atom::Class(space, true),
        _ => return None,
    })
}

fn parse(p: &str) -> Option<(bool, Vec<Piece>, bool)> {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    let anchored = chars.first() == Some(&'^');
    if anchored {
        i = 1;
    }
    let mut end = chars.len();
    let tail = end > i && chars[end - 1] == '$' && (end < 2 || chars[end - 2] != '\\');
    if tail {
        end -= 1;
    }
    let mut pieces = Vec::new();
    while i < end {
        let atom = match chars[i] {
            '.' => Atom::Any,
            '\\' => {
                i += 1;
                let c = *chars.get(i)?;
                escape_class(c).unwrap_or(Atom::Char(c))
            }
            '[' => {
                i += 1;
                let negate = chars.get(i) == Some(&'^');
                if negate {
                    i += 1;
                }
                let mut ranges = Vec::new();
                let mut first = true;
                while i < end && (chars[i] != ']' || first) {
                    first = false;
                    let lo = chars[i];
                    if i + 2 < end && chars[i + 1] == '-' && chars[i + 2] != ']' {
                        ranges.push((lo, chars[i + 2]));
                        i += 3;
                    } else {
                        ranges.push((lo, lo));
                        i += 1;
                    }
                }
                if i >= end {
                    return None;
                }
                Atom::Class(ranges, negate)
            }
            '*' | '+' | '?' | '(' | ')' | '|' | '{' => return None,
            c => Atom::Char(c),
        };
        i += 1;
        let (min, max) = match chars.get(i).filter(|_| i < end) {
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            Some('?') => (0, 1),
            _ => (1, 1),
        };
        if max != 1 || min != 1 {
            i += 1;
        }
        pieces.push(Piece { atom, min, max });
    }
    Some((anchored, pieces, tail))
}

fn matches_atom(a: &Atom, c: char) -> bool {
    match a {
        Atom::Any => c != '\n',
        Atom::Char(x) => *x == c,
        Atom::Class(ranges, negate) => {
            ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi) != *negate
        }
    }
}

fn match_here(pieces: &[Piece], text: &[char], tail: bool) -> bool {
    let Some((p, rest)) = pieces.split_first() else {
        return !tail || text.is_empty();
    };
    let mut n = 0;
    while n < p.max && n < text.len() && matches_atom(&p.atom, text[n]) {
        n += 1;
    }
    // Greedy, backing off.
    (p.min..=n)
        .rev()
        .any(|k| match_here(rest, &text[k..], tail))
}

/// Python's `re.search(pattern, text)` for the supported subset.
pub fn search(pattern: &str, text: &str) -> bool {
    let Some((anchored, pieces, tail)) = parse(pattern) else {
        return text.contains(pattern);
    };
    let chars: Vec<char> = text.chars().collect();
    if anchored {
        return match_here(&pieces, &chars, tail);
    }
    (0..=chars.len()).any(|i| match_here(&pieces, &chars[i..], tail))
}

#[cfg(test)]
mod tests {
    use super::search;

    #[test]
    fn subset() {
        assert!(search("vm", "my-vm-1"));
        assert!(search("^my", "my-vm-1"));
        assert!(!search("^vm", "my-vm-1"));
        assert!(search("vm-[0-9]+$", "my-vm-12"));
        assert!(!search("vm-\\d$", "my-vm-12"));
        assert!(search("m.-v", "my-vm"));
        assert!(search("a(b", "xa(by"));
    }
}
