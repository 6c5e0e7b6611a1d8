//! `file_read` / `file_write` past the agent's per-call caps.
//!
//! * `file-read` returns at most 16 MiB per call and says `truncated` when there is more;
//!   the next chunk is asked with `offset` (PVE 9; the first call sends only `file`, so a
//!   file that fits works on older servers too). PVE's JSON writes a byte below `0x20` as
//!   `\u00XX`, so the answer for 16 MiB of binary data can be 96 MiB: within
//!   [`MAX_RESPONSE_BYTES`](crate::client::MAX_RESPONSE_BYTES).
//! * `file-write` takes at most 61440 characters of `content` per call, and the form body
//!   must stay under pveproxy's 64 KiB. The content is sent base64-encoded (`encode=0`), so
//!   any bytes arrive exactly. `file-write` always replaces the file, so a larger file is
//!   written as numbered part files next to it and joined in the guest with `sh` and `cat`
//!   (one `exec`), which needs a POSIX shell in the guest.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::text::guest_bytes;
use super::{Agent, AgentError, Partial};
use crate::api::nodes::{GetNodesQemuAgentFileRead, PostNodesQemuAgentFileWrite};

/// Most characters of `content` one `file-write` takes (the schema's `maxLength`).
pub(crate) const MAX_WRITE_CONTENT: usize = 61_440;

/// The request body pveproxy accepts (see `pve-facts.md` §9), less room for the other
/// parameters.
const MAX_BODY: usize = 64 * 1024 - 1024;

impl Agent {
    /// Reads the whole file at `path` in the guest, in as many `file-read` calls as needed.
    ///
    /// # Errors
    /// Any [`AgentError`] (a missing file is PVE's 500 in [`AgentError::Api`]);
    /// [`AgentError::ReadStalled`] when the agent reports more data but sends none;
    /// [`AgentError::ReadCapped`] (with the bytes read) when a server before PVE 9 has more
    /// than 16 MiB to send.
    pub async fn file_read(&self, path: &str) -> Result<Vec<u8>, AgentError> {
        let mut content = Vec::new();
        loop {
            let mut call = GetNodesQemuAgentFileRead::new(&self.node, self.vmid, path);
            if !content.is_empty() {
                call = call.offset(content.len() as u64);
            }
            let chunk = match self.client.send(&call).await {
                Ok(chunk) => chunk,
                Err(crate::Error::BadRequest(api))
                    if !content.is_empty() && api.parameter_errors().contains_key("offset") =>
                {
                    return Err(AgentError::ReadCapped {
                        data: Partial(content),
                        source: crate::Error::BadRequest(api),
                    });
                }
                Err(e) => return Err(e.into()),
            };
            let bytes = guest_bytes(&chunk.content);
            let more = chunk.truncated.unwrap_or(false);
            if more && bytes.is_empty() {
                return Err(AgentError::ReadStalled {
                    offset: content.len() as u64,
                });
            }
            content.extend_from_slice(&bytes);
            if !more {
                return Ok(content);
            }
        }
    }

    /// Writes `data` to `path` in the guest, replacing the file, in one `file-write` when its
    /// base64 fits one request: up to 45 KiB of text, less of binary data whose base64 has
    /// many `+` and `/` (each takes three bytes of the form body; 0xFB-heavy data fits about
    /// 23 KiB). More is written in parts and joined in the guest with `sh` (see the module
    /// docs).
    ///
    /// # Errors
    /// Any [`AgentError`]; [`AgentError::HelperFailed`] when joining the parts failed (the
    /// part files are removed only on success).
    pub async fn file_write(&self, path: &str, data: &[u8]) -> Result<(), AgentError> {
        let chunks = split(path, data);
        if chunks.len() <= 1 {
            let encoded = STANDARD.encode(data);
            return self.write_one(path, encoded).await;
        }
        let prefix = format!("{path}.part-{}-", unique_token());
        for (index, chunk) in chunks.iter().enumerate() {
            let part = format!("{prefix}{index:06}");
            self.write_one(&part, STANDARD.encode(chunk)).await?;
        }
        // `$0` is the target, `$1` the part prefix; the parts sort by their index.
        let script = r#"cat "$1"* > "$0" && rm -f "$1"*"#;
        let out = self
            .exec(&["sh", "-c", script, path, &prefix], None)
            .await?;
        if out.success() {
            Ok(())
        } else {
            let stderr: String = String::from_utf8_lossy(&out.stderr)
                .chars()
                .take(1024)
                .collect();
            Err(AgentError::HelperFailed {
                exit_code: out.exit_code,
                stderr,
            })
        }
    }

    async fn write_one(&self, path: &str, base64: String) -> Result<(), AgentError> {
        let call =
            PostNodesQemuAgentFileWrite::new(&self.node, self.vmid, base64, path).encode(false);
        self.client.send(&call).await?;
        Ok(())
    }
}

/// `data` cut into chunks whose `file-write` request stays within both caps: each chunk is
/// the longest run of whole base64 groups whose form-encoded `content` still fits (`+`, `/`
/// and `=` are percent-encoded to three bytes, the other base64 characters are one).
fn split<'a>(path: &str, data: &'a [u8]) -> Vec<&'a [u8]> {
    let budget = MAX_BODY.saturating_sub(body_len(path, b""));
    let mut chunks = Vec::new();
    let mut rest = data;
    loop {
        let len = fitting_prefix(rest, budget);
        if len == 0 && !rest.is_empty() {
            // Not even one group fits beside the path: one request, which the client
            // refuses before sending as larger than PVE accepts.
            chunks.push(rest);
            return chunks;
        }
        let (chunk, tail) = rest.split_at(len);
        chunks.push(chunk);
        rest = tail;
        if rest.is_empty() {
            return chunks;
        }
    }
}

/// The most bytes at the start of `data` (whole 3-byte groups, or all of it) whose base64
/// fits `MAX_WRITE_CONTENT` characters and `budget` form-encoded bytes.
fn fitting_prefix(data: &[u8], budget: usize) -> usize {
    let (mut len, mut chars, mut encoded) = (0, 0, 0);
    for group in data.chunks(3) {
        let quad = STANDARD.encode(group);
        let cost: usize = quad
            .bytes()
            .map(|c| if c.is_ascii_alphanumeric() { 1 } else { 3 })
            .sum();
        if chars + 4 > MAX_WRITE_CONTENT || encoded + cost > budget {
            break;
        }
        (len, chars, encoded) = (len + group.len(), chars + 4, encoded + cost);
    }
    len
}

/// The form body length of one `file-write` of `chunk` to a part of `path`.
fn body_len(path: &str, chunk: &[u8]) -> usize {
    let encoded = STANDARD.encode(chunk);
    form_urlencoded::Serializer::new(String::new())
        .append_pair("content", &encoded)
        .append_pair("encode", "0")
        .append_pair("file", &format!("{path}.part-0000000000000000-000000"))
        .finish()
        .len()
}

/// A token that keeps two writers' part files apart.
fn unique_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{:016x}", nanos as u64 ^ u64::from(std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_stay_within_the_content_and_body_caps_whatever_the_bytes() {
        for byte in [b'a', 0xFB, 0xFF, 0x00, 0x3E] {
            let data = vec![byte; 200_000];
            let chunks = split("/tmp/f", &data);
            assert_eq!(chunks.concat(), data);
            for c in &chunks {
                assert!(STANDARD.encode(c).len() <= MAX_WRITE_CONTENT);
                assert!(body_len("/tmp/f", c) <= MAX_BODY, "byte {byte:#x}");
            }
        }
        assert_eq!(split("/tmp/f", b""), [b"" as &[u8]]);
        assert_eq!(split("/tmp/f", &[1; 46_080]).len(), 1);
        assert_eq!(split("/tmp/f", &[1; 46_081]).len(), 2);
        // 0xFB bytes are `+/v7` in base64: 8 bytes of form body per 3 bytes of data.
        let binary = split("/tmp/f", &[0xFB; 40_000]);
        assert_eq!(binary.len(), 2);
        assert!(binary[0].len() > 23_000, "{}", binary[0].len());
        assert!(body_len("/tmp/f", binary[0]) > MAX_BODY - 8);
        // A path that leaves no room: one request, refused by the client's body check.
        let long = "/".repeat(70_000);
        assert_eq!(split(&long, b"abc").len(), 1);
    }
}
