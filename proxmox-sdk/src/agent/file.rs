//! `file_read` / `file_write` past the agent's per-call caps.
//!
//! * `file-read` returns at most 16 MiB per call and says `truncated` when there is more;
//!   the next chunk is asked with `offset` (PVE 9; the first call sends only `file`, so a
//!   file that fits works on older servers too).
//! * `file-write` takes at most 61440 characters of `content` per call, and the form body
//!   must stay under pveproxy's 64 KiB. The content is sent base64-encoded (`encode=0`), so
//!   any bytes arrive exactly. `file-write` always replaces the file, so a larger file is
//!   written as numbered part files next to it and joined in the guest with `sh` and `cat`
//!   (one `exec`), which needs a POSIX shell in the guest.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::text::guest_bytes;
use super::{Agent, AgentError};
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
    /// [`AgentError::ReadStalled`] when the agent reports more data but sends none.
    pub async fn file_read(&self, path: &str) -> Result<Vec<u8>, AgentError> {
        let mut content = Vec::new();
        loop {
            let mut call = GetNodesQemuAgentFileRead::new(&self.node, self.vmid, path);
            if !content.is_empty() {
                call = call.offset(content.len() as u64);
            }
            let chunk = self.client.send(&call).await?;
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

    /// Writes `data` to `path` in the guest, replacing the file. Up to about 45 KiB is one
    /// `file-write`; more is written in parts and joined in the guest (see the module docs).
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

/// `data` cut into chunks whose `file-write` request stays within both caps.
fn split<'a>(path: &str, data: &'a [u8]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = data;
    while !rest.is_empty() || chunks.is_empty() {
        // Base64 of 45 KiB is exactly MAX_WRITE_CONTENT; shrink while the form body is too big
        // (`+`, `/` and `=` are percent-encoded to three bytes).
        let mut len = rest.len().min(MAX_WRITE_CONTENT / 4 * 3);
        while len > 3 && body_len(path, &rest[..len]) > MAX_BODY {
            len = len / 4 * 3;
        }
        let (chunk, tail) = rest.split_at(len);
        chunks.push(chunk);
        rest = tail;
        if rest.is_empty() {
            break;
        }
    }
    chunks
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
        for byte in [b'a', 0xFB, 0xFF, 0x00] {
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
    }
}
