//! The `multipart/form-data` body of an upload, laid out the way pveproxy parses it.
//!
//! pveproxy does not run a general multipart parser on uploads: it streams the file part to a
//! temporary file as it arrives and picks the other fields out of the bytes before it, in a
//! fixed order — `content`, `checksum-algorithm`, `checksum` — each starting with the
//! delimiter line and `Content-Disposition: form-data; name="…"`, and then expects the file
//! part, named `filename`, with its `filename="…"` parameter on the same header line. The file
//! runs to the closing delimiter, so it must be the last part, and every field has to come
//! before it. We write exactly that and nothing else:
//!
//! ```text
//! --BOUNDARY\r\n
//! Content-Disposition: form-data; name="content"\r\n
//! \r\n
//! iso\r\n
//! --BOUNDARY\r\n
//! Content-Disposition: form-data; name="checksum-algorithm"\r\n      (only with a checksum)
//! \r\n
//! sha256\r\n
//! --BOUNDARY\r\n
//! Content-Disposition: form-data; name="checksum"\r\n
//! \r\n
//! 9f86d08…\r\n
//! --BOUNDARY\r\n
//! Content-Disposition: form-data; name="filename"; filename="debian.iso"\r\n
//! Content-Type: application/octet-stream\r\n
//! \r\n
//! <the file's bytes>\r\n
//! --BOUNDARY--\r\n
//! ```
//!
//! The boundary is unquoted in the `Content-Type` header (pveproxy takes the token after
//! `boundary=` as is) and random per upload, so file content cannot end the part early.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// The fixed bytes around the file: everything before it and everything after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    pub(crate) boundary: String,
    pub(crate) head: Vec<u8>,
    pub(crate) tail: Vec<u8>,
}

impl Form {
    /// The form for one file; `fields` in the order pveproxy reads them.
    pub(crate) fn new(boundary: String, fields: &[(&str, &str)], file_name: &str) -> Self {
        let mut head = Vec::new();
        for (name, value) in fields {
            head.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        head.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"filename\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        Self {
            boundary,
            head,
            tail,
        }
    }

    /// The request's `Content-Type`.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The whole body's length for a file of `file_len` bytes.
    pub(crate) fn len(&self, file_len: u64) -> u64 {
        self.head.len() as u64 + file_len + self.tail.len() as u64
    }
}

/// A fresh boundary: 32 random hex digits after a fixed prefix.
pub(crate) fn random_boundary() -> String {
    let word = || {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u8(0);
        hasher.finish()
    };
    format!("proxmox-sdk-{:016x}{:016x}", word(), word())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_precede_the_file_and_the_tail_closes_the_form() {
        let form = Form::new(
            "B".into(),
            &[
                ("content", "iso"),
                ("checksum-algorithm", "sha256"),
                ("checksum", "ab"),
            ],
            "a.iso",
        );
        assert_eq!(
            String::from_utf8(form.head.clone()).unwrap(),
            "--B\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\niso\r\n\
             --B\r\nContent-Disposition: form-data; name=\"checksum-algorithm\"\r\n\r\nsha256\r\n\
             --B\r\nContent-Disposition: form-data; name=\"checksum\"\r\n\r\nab\r\n\
             --B\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"a.iso\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        );
        assert_eq!(form.tail, b"\r\n--B--\r\n");
        assert_eq!(form.content_type(), "multipart/form-data; boundary=B");
        assert_eq!(form.len(10), form.head.len() as u64 + 10 + 9);
    }

    #[test]
    fn boundaries_differ_and_are_plain_tokens() {
        let (a, b) = (random_boundary(), random_boundary());
        assert_ne!(a, b);
        assert_eq!(a.len(), "proxmox-sdk-".len() + 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'));
    }
}
