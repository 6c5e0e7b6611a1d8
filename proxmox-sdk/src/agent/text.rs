//! The bytes behind the text PVE returns for guest data.
//!
//! PVE decodes the agent's base64 into a Perl byte string (`exec-status` output in
//! qemu-server's `PVE/QemuServer/Agent.pm` `qemu_exec_status`; `file-read` content in
//! `PVE/API2/Qemu/Agent.pm`), and its JSON formatter (pve-http-server
//! `PVE/APIServer/Formatter/Standard.pm`, `to_json` with `utf8 => 1`) writes each byte as the
//! character of the same number, UTF-8 encoded: a guest's UTF-8 `é` (`C3 A9`) arrives as `Ã©`.
//! Mapping every character back to its byte gives the guest's exact bytes. A string with a
//! character above U+00FF cannot have been produced that way (an emulator, a proxy that
//! re-encoded it) and is taken as UTF-8 text instead.
//!
//! The other way (`exec` input): pve-http-server decodes every form value as UTF-8
//! (`decode_urlencoded` in `PVE/APIServer/AnyEvent.pm`), and qemu-server base64-encodes the
//! resulting string for the agent, each character as one byte. Sending each byte as the
//! character of the same number makes the guest read exactly those bytes; UTF-8 text sent as
//! it is would arrive as one byte per character, or be refused for a character above U+00FF.

/// The guest's bytes behind `text`.
pub(crate) fn guest_bytes(text: &str) -> Vec<u8> {
    if text.chars().all(|c| u32::from(c) <= 0xFF) {
        // Every char fits a byte: the cast is the mapping, not a truncation.
        text.chars().map(|c| u32::from(c) as u8).collect()
    } else {
        text.as_bytes().to_vec()
    }
}

/// The text whose characters PVE turns back into exactly `bytes` for the guest.
pub(crate) fn guest_text(bytes: &[u8]) -> String {
    bytes.iter().copied().map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_characters_map_back_to_the_guests_bytes() {
        assert_eq!(guest_bytes("ok\n"), b"ok\n");
        // `é` in UTF-8 as PVE sends it, and a raw 0xFF byte.
        assert_eq!(guest_bytes("\u{c3}\u{a9}\u{ff}"), [0xC3, 0xA9, 0xFF]);
        // Not PVE's byte-string shape: taken as text.
        assert_eq!(guest_bytes("€"), "€".as_bytes());
    }

    #[test]
    fn guest_text_is_the_inverse_of_guest_bytes() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(guest_bytes(&guest_text(&all)), all);
        // The UTF-8 bytes of `é€` go out as five characters of one byte each.
        assert_eq!(
            guest_text("é€".as_bytes()),
            "\u{c3}\u{a9}\u{e2}\u{82}\u{ac}"
        );
    }
}
