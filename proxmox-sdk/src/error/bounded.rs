//! Server-supplied text, kept to a bounded size before it enters an error or a log line.
//!
//! A server (or anything pretending to be one) decides how long its messages are. Every text an
//! [`Error`](super::Error) takes from a response goes through [`bound`] first; a cut is marked
//! with the original length, e.g. `… [cut, 1048576 bytes in all]`.

use std::fmt;

/// Longest message, reason phrase or plain-text body kept, in bytes.
pub(crate) const MAX_TEXT: usize = 2048;

/// Longest parameter name, object key or field path kept, in bytes.
pub(crate) const MAX_NAME: usize = 128;

/// `text` unchanged when it has at most `max` bytes; else its first `max` bytes (at a character
/// boundary) followed by the cut marker.
pub(crate) fn bound(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut at = max;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}… [cut, {} bytes in all]", &text[..at], text.len())
}

/// What the JSON decoder reported about a response body, with whatever it quoted from the body
/// (a string value, a key) bounded.
///
/// The [`source`](std::error::Error::source) of [`Error::Decode`](super::Error::Decode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeDetail {
    message: String,
    line: usize,
    column: usize,
    category: serde_json::error::Category,
}

impl DecodeDetail {
    /// The decoder's description (bounded, without the position).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line of the body where decoding failed (0 when unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column of the body where decoding failed (0 when unknown).
    pub fn column(&self) -> usize {
        self.column
    }

    /// What kind of failure it was: malformed JSON (`Syntax`), a body that ended early (`Eof`),
    /// or JSON that does not fit the response type (`Data`).
    pub fn category(&self) -> serde_json::error::Category {
        self.category
    }
}

impl From<serde_json::Error> for DecodeDetail {
    fn from(err: serde_json::Error) -> Self {
        let (line, column) = (err.line(), err.column());
        let mut message = err.to_string();
        // serde_json appends the position; it is kept apart so a cut never loses it.
        let position = format!(" at line {line} column {column}");
        if line != 0 && message.ends_with(&position) {
            message.truncate(message.len() - position.len());
        }
        Self {
            message: bound(&message, MAX_TEXT),
            line,
            column,
            category: err.classify(),
        }
    }
}

impl fmt::Display for DecodeDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if self.line != 0 {
            write!(f, " at line {} column {}", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeDetail {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_is_cut_with_its_length() {
        assert_eq!(bound("abc", 3), "abc");
        assert_eq!(bound("abcd", 3), "abc… [cut, 4 bytes in all]");
    }

    #[test]
    fn cuts_fall_on_character_boundaries() {
        // `é` is two bytes: a cut after one byte moves back before it.
        assert_eq!(bound("aé", 2), "a… [cut, 3 bytes in all]");
    }

    #[test]
    fn decoder_messages_quoting_huge_values_are_cut_but_keep_the_position() {
        let huge = "x".repeat(1 << 20);
        let err = serde_json::from_str::<u64>(&format!("\"{huge}\"")).unwrap_err();
        let detail = DecodeDetail::from(err);
        let text = detail.to_string();
        assert!(text.len() < MAX_TEXT + 100, "{} bytes", text.len());
        assert!(text.starts_with("invalid type: string \"xxx"), "{text}");
        assert!(text.contains("… [cut, "), "{text}");
        assert!(text.ends_with(" at line 1 column 1048578"), "{text}");
        assert_eq!(detail.category(), serde_json::error::Category::Data);
    }
}
