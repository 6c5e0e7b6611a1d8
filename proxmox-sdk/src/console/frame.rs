//! PVE's terminal protocol over the websocket (what `termproxy` speaks to xterm.js):
//!
//! * first, client to server: `USER:TICKET\n`; the server answers `OK` or closes;
//! * data: `0:LEN:DATA`, `LEN` the byte length of `DATA`;
//! * resize: `1:COLS:ROWS:`;
//! * keepalive: `2` (xterm.js sends one every 30 s);
//! * server to client: the terminal's output bytes, unframed.
//!
//! Frames go out as text when they are UTF-8 (what xterm.js sends) and as binary otherwise;
//! PVE's websocket proxy forwards the payload of both.

use std::time::Duration;

use tungstenite::Message;
use tungstenite::protocol::frame::Utf8Bytes;

/// How often an idle terminal is told the client is still there.
pub(crate) const KEEPALIVE: Duration = Duration::from_secs(30);

/// Most terminal bytes put into one data frame.
pub(crate) const MAX_DATA: usize = 16 * 1024;

/// The greeting that presents the ticket.
pub(crate) fn greeting(user: &str, ticket: &str) -> Message {
    Message::Text(Utf8Bytes::from(format!("{user}:{ticket}\n")))
}

/// A data frame with `data` (at most [`MAX_DATA`] bytes of it are expected).
pub(crate) fn data(data: &[u8]) -> Message {
    let mut frame = format!("0:{}:", data.len()).into_bytes();
    frame.extend_from_slice(data);
    message(frame)
}

/// A resize frame.
pub(crate) fn resize(cols: u16, rows: u16) -> Message {
    Message::Text(Utf8Bytes::from(format!("1:{cols}:{rows}:")))
}

/// A keepalive frame.
pub(crate) fn keepalive() -> Message {
    Message::Text(Utf8Bytes::from_static("2"))
}

/// How much of `buf` one data frame takes: at most [`MAX_DATA`] bytes, and never the start
/// of a UTF-8 character whose rest has not been written yet (so text stays text).
pub(crate) fn data_len(buf: &[u8]) -> usize {
    let n = buf.len().min(MAX_DATA);
    match std::str::from_utf8(&buf[..n]) {
        Ok(_) => n,
        // An incomplete character at the end: leave it for the next write, unless it is all
        // there is.
        Err(e) if e.error_len().is_none() && e.valid_up_to() > 0 => e.valid_up_to(),
        Err(_) => n,
    }
}

fn message(frame: Vec<u8>) -> Message {
    match String::from_utf8(frame) {
        Ok(text) => Message::Text(Utf8Bytes::from(text)),
        Err(e) => Message::Binary(e.into_bytes().into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_have_pves_exact_bytes() {
        assert_eq!(
            greeting("root@pam", "PVEVNC:AB"),
            Message::text("root@pam:PVEVNC:AB\n")
        );
        assert_eq!(data(b"ls\n"), Message::text("0:3:ls\n"));
        // LEN counts bytes, not characters.
        assert_eq!(data("é".as_bytes()), Message::text("0:2:é"));
        assert_eq!(resize(80, 24), Message::text("1:80:24:"));
        assert_eq!(keepalive(), Message::text("2"));
    }

    #[test]
    fn bytes_that_are_not_utf8_go_out_as_a_binary_frame() {
        assert_eq!(
            data(&[0xff, 0x00]),
            Message::binary(b"0:2:\xff\x00".to_vec())
        );
    }

    #[test]
    fn a_split_character_waits_for_its_rest() {
        let e = "é".as_bytes();
        assert_eq!(data_len(&[b'a', e[0]]), 1);
        assert_eq!(data_len(&[e[0]]), 1);
        assert_eq!(data_len(&[b'a', 0xff]), 2);
        assert_eq!(data_len(&vec![b'x'; MAX_DATA + 5]), MAX_DATA);
    }
}
