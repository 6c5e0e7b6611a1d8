//! Schema patterns (Perl regular expressions PVE matches against the whole value) as a shape a
//! person can read: `[A-Za-z][A-Za-z0-9\-\_]+` is "one of letters, then one or more of
//! letters, digits, `-`, `_`". Only plain sequences of character sets, escapes and literal text
//! with quantifiers are described; anything with groups or alternatives gets no description
//! and is shown as the expression alone.

/// The shape of `pattern`, or `None` when it is not a plain sequence.
pub(super) fn describe(pattern: &str) -> Option<String> {
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    // The fixups wrap some patterns in one group of their own: `(?:…)`.
    let body = match body.strip_prefix("(?:").and_then(|b| b.strip_suffix(')')) {
        Some(inner) if !inner.contains(['(', ')', '|']) => inner,
        _ => body,
    };
    let chars: Vec<char> = body.chars().collect();
    let mut parts: Vec<String> = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        let (set, next) = match chars[i] {
            '[' => class(&chars, i + 1)?,
            '\\' => (vec![escape(*chars.get(i + 1)?)?], i + 2),
            '.' => (vec!["any character".to_string()], i + 1),
            c if c.is_ascii_alphanumeric() || "-/:@=_,".contains(c) => {
                if quantifier(&chars, i + 1)?.is_none() {
                    literal.push(c);
                    i += 1;
                    continue;
                }
                (vec![format!("`{c}`")], i + 1)
            }
            _ => return None,
        };
        if !literal.is_empty() {
            parts.push(format!("`{}`", std::mem::take(&mut literal)));
        }
        let (quant, after) = quantifier(&chars, next)?.unwrap_or((String::from("one of"), next));
        parts.push(format!("{quant} {}", set.join(", ")));
        i = after;
    }
    if !literal.is_empty() {
        parts.push(format!("`{literal}`"));
    }
    (!parts.is_empty()).then(|| parts.join(", then "))
}

/// The quantifier at `i` as words and the index after it; `Some(None)` when there is none,
/// `None` for a quantifier this module does not read (lazy or possessive ones).
fn quantifier(chars: &[char], i: usize) -> Option<Option<(String, usize)>> {
    let words = match chars.get(i) {
        Some('+') => "one or more of".to_string(),
        Some('*') => "any number of".to_string(),
        Some('?') => "optionally one of".to_string(),
        Some('{') => {
            let close = i + chars[i..].iter().position(|c| *c == '}')?;
            let inner: String = chars[i + 1..close].iter().collect();
            return Some(Some((counted(&inner)?, close + 1)));
        }
        _ => return Some(None),
    };
    if matches!(chars.get(i + 1), Some('?' | '+')) {
        return None;
    }
    Some(Some((words, i + 1)))
}

/// `{n}`, `{n,m}`, `{,m}`, `{n,}` as words.
fn counted(inner: &str) -> Option<String> {
    let num = |s: &str| s.parse::<u32>().ok();
    Some(match inner.split_once(',') {
        None => format!("{} of", num(inner)?),
        Some(("" | "0", hi)) => format!("up to {} of", num(hi)?),
        Some((lo, "")) => format!("at least {} of", num(lo)?),
        Some((lo, hi)) => format!("{} to {} of", num(lo)?, num(hi)?),
    })
}

/// What an escape stands for.
fn escape(c: char) -> Option<String> {
    Some(match c {
        'd' => "digits".into(),
        's' => "whitespace".into(),
        'S' => "any character but whitespace".into(),
        'w' => "letters, digits, `_`".into(),
        c if c.is_ascii_punctuation() => format!("`{c}`"),
        _ => return None,
    })
}

/// A character set starting after its `[`: its members as words and the index after `]`.
fn class(chars: &[char], start: usize) -> Option<(Vec<String>, usize)> {
    let mut ranges: Vec<(char, char)> = Vec::new();
    let mut named: Vec<String> = Vec::new();
    let mut i = start;
    if chars.get(i) == Some(&'^') {
        return None;
    }
    loop {
        let c = *chars.get(i)?;
        match c {
            ']' if i > start => break,
            '\\' => {
                let words = escape(*chars.get(i + 1)?)?;
                named.extend(words.split(", ").map(str::to_owned));
                i += 2;
            }
            _ if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|e| *e != ']') => {
                ranges.push((c, chars[i + 2]));
                i += 3;
            }
            _ => {
                named.push(format!("`{c}`"));
                i += 1;
            }
        }
    }
    let has = |ranges: &[(char, char)], lo: char, hi: char| ranges.contains(&(lo, hi));
    let mut words = Vec::new();
    if has(&ranges, '0', '9') && (has(&ranges, 'a', 'f') || has(&ranges, 'A', 'F')) {
        words.push("hex digits".to_string());
        ranges.retain(|r| !matches!(r, ('0', '9') | ('a', 'f') | ('A', 'F')));
    }
    if has(&ranges, 'a', 'z') && has(&ranges, 'A', 'Z') {
        words.push("letters".into());
        ranges.retain(|r| !matches!(r, ('a', 'z') | ('A', 'Z')));
    }
    for (lo, hi) in ranges {
        words.push(match (lo, hi) {
            ('a', 'z') => "lowercase letters".into(),
            ('A', 'Z') => "capital letters".into(),
            ('0', '9') => "digits".into(),
            (lo, hi) => format!("`{lo}` to `{hi}`"),
        });
    }
    for word in named {
        // `\d` beside `0-9` or hex digits names nothing new.
        let covered = word == "digits" && words.iter().any(|w| w.contains("digits"));
        if !covered && !words.contains(&word) {
            words.push(word);
        }
    }
    Some((words, i + 1))
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn plain_sequences_become_shapes() {
        assert_eq!(
            describe(r"[A-Za-z][A-Za-z0-9\-\_]+").as_deref(),
            Some("one of letters, then one or more of letters, digits, `-`, `_`")
        );
        assert_eq!(
            describe(r"[1-9][0-9]{2,8}-\d{1,9}").as_deref(),
            Some("one of `1` to `9`, then 2 to 8 of digits, then `-`, then 1 to 9 of digits")
        );
        assert_eq!(
            describe(r"([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}"),
            None,
            "groups are left as the expression"
        );
        assert_eq!(
            describe(r"[A-Za-z0-9\-_\s]{,16}").as_deref(),
            Some("up to 16 of letters, digits, `-`, `_`, whitespace")
        );
        assert_eq!(
            describe(r"/var/tmp/pveupload-[0-9a-f]+").as_deref(),
            Some("`/var/tmp/pveupload-`, then one or more of hex digits")
        );
        assert_eq!(
            describe(r"\S+").as_deref(),
            Some("one or more of any character but whitespace")
        );
        assert_eq!(
            describe(r"[^:/\s]+"),
            None,
            "a negated set is left as the expression"
        );
        assert_eq!(
            describe(r"0[0-7]{3}").as_deref(),
            Some("`0`, then 3 of `0` to `7`")
        );
        assert_eq!(
            describe(r"(?:[-_.\w\d]+)").as_deref(),
            Some("one or more of `-`, `_`, `.`, letters, digits"),
            "an outer group of its own is unwrapped; repeats are named once"
        );
    }
}
