//! Task ids (UPIDs): a total parser for the PVE form and the PBS/Rust form.
//!
//! PVE writes `UPID:{node}:{pid}:{pstart}:{starttime}:{type}:{id}:{user}:`; Proxmox Backup
//! Server and the other Rust products add a `{task_id}` field before `{starttime}` and escape
//! the worker id systemd-style. Both are accepted here and told apart by their field count
//! (fields never contain `:`).
//!
//! A [`Upid`] keeps the text it was parsed from, so [`Display`](fmt::Display), serde and
//! [`ToParam`] give it back byte for byte, lowercase hex and all: a UPID is an opaque key to
//! the server, and the task log file is named after the exact string.
//!
//! Parsing never panics. A rejected string yields a [`UpidError`] naming the first field that
//! is wrong and the text found there.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::wire::{FromWire, ToParam};

/// A task id, as returned by every call that starts a task.
///
/// ```
/// use proxmox_sdk::Upid;
///
/// let upid: Upid = "UPID:pve1:000934AF:0D015579:68BF3A41:vzdump:100:ops@pve!ci:".parse()?;
/// assert_eq!(upid.node(), "pve1");
/// assert_eq!(upid.worker_type(), "vzdump");
/// assert_eq!(upid.worker_id(), Some("100"));
/// assert_eq!(upid.user(), "ops@pve");
/// assert_eq!(upid.token(), Some("ci"));
/// assert_eq!(upid.to_string(), upid.as_str());
/// # Ok::<(), proxmox_sdk::upid::UpidError>(())
/// ```
///
/// Equality, hashing and ordering compare the text, so two spellings of the same numbers
/// (upper- and lowercase hex) are different UPIDs, as they are to the server. `Debug` prints
/// the text too (the parsed fields are all in it), so a UPID inside a struct's `Debug` stays
/// one readable token.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Upid {
    /// The parsed text. Every other field is derived from it, and it comes first, so the
    /// derived comparisons are those of the text.
    raw: String,
    node: String,
    pid: u32,
    pstart: u64,
    task_id: Option<u64>,
    starttime: u32,
    worker_type: String,
    worker_id: String,
    /// The systemd-unescaped worker id, kept only for the PBS form when it differs.
    decoded_id: Option<String>,
    auth_id: String,
}

impl Upid {
    /// The UPID exactly as it was parsed.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The node that runs the task. Task status and log requests must go to this node.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// The process id of the worker.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The worker's process start time, in clock ticks since boot (8 or 9 hex digits: it
    /// needs the 9th once the node has been up for about 497 days).
    pub fn pstart(&self) -> u64 {
        self.pstart
    }

    /// The task number inside the worker process; only the PBS/Rust form has one, PVE's
    /// UPIDs give `None`.
    pub fn task_id(&self) -> Option<u64> {
        self.task_id
    }

    /// When the task started, in seconds since the Unix epoch (8 hex digits, hence `u32`).
    pub fn starttime(&self) -> u32 {
        self.starttime
    }

    /// [`starttime`](Self::starttime) as a [`SystemTime`].
    pub fn started_at(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(self.starttime))
    }

    /// The kind of task, e.g. `qmstart`, `vzdump`, `aptupdate`.
    pub fn worker_type(&self) -> &str {
        &self.worker_type
    }

    /// The object the task works on, usually a VMID, as written in the UPID; `None` when the
    /// field is empty. For the PBS form this is the escaped text; see
    /// [`decoded_worker_id`](Self::decoded_worker_id).
    pub fn worker_id(&self) -> Option<&str> {
        Some(self.worker_id.as_str()).filter(|id| !id.is_empty())
    }

    /// The worker id with the PBS form's systemd-style escaping undone (`-` is `/`, `\xNN` is
    /// a byte). PVE never escapes its ids, so for a PVE UPID this equals
    /// [`worker_id`](Self::worker_id).
    pub fn decoded_worker_id(&self) -> Option<&str> {
        match &self.decoded_id {
            Some(decoded) => Some(decoded),
            None => self.worker_id(),
        }
    }

    /// Who started the task as written in the UPID: a user id (`root@pam`) or an API token id
    /// (`ops@pve!ci`).
    pub fn auth_id(&self) -> &str {
        &self.auth_id
    }

    /// The user who started the task, or who owns the token that did: `ops@pve` for both
    /// `ops@pve` and `ops@pve!ci`.
    pub fn user(&self) -> &str {
        self.split_token().map_or(&self.auth_id, |(user, _)| user)
    }

    /// The token name when an API token started the task: `ci` for `ops@pve!ci`.
    pub fn token(&self) -> Option<&str> {
        self.split_token().map(|(_, token)| token)
    }

    /// Splits `user@realm!token` at its last `!`. Realms and token names cannot contain `!` or
    /// `@`, so a `!` followed by an `@` belongs to the user name and is no token separator.
    fn split_token(&self) -> Option<(&str, &str)> {
        self.auth_id
            .rsplit_once('!')
            .filter(|(user, token)| !user.is_empty() && !token.is_empty() && !token.contains('@'))
    }
}

impl AsRef<str> for Upid {
    fn as_ref(&self) -> &str {
        &self.raw
    }
}

/// The part of a UPID a [`UpidError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UpidField {
    /// The leading `UPID:`.
    Prefix,
    /// The number of `:`-separated fields (7 for PVE, 8 for PBS).
    FieldCount,
    /// The node name.
    Node,
    /// The process id.
    Pid,
    /// The process start time.
    Pstart,
    /// The PBS task number.
    TaskId,
    /// The task start time.
    Starttime,
    /// The worker type.
    WorkerType,
    /// The worker id.
    WorkerId,
    /// The user or token id.
    User,
    /// The `:` that ends every UPID.
    TrailingColon,
}

impl fmt::Display for UpidField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UpidField::Prefix => "prefix",
            UpidField::FieldCount => "field count",
            UpidField::Node => "node",
            UpidField::Pid => "pid",
            UpidField::Pstart => "pstart",
            UpidField::TaskId => "task id",
            UpidField::Starttime => "starttime",
            UpidField::WorkerType => "type",
            UpidField::WorkerId => "id",
            UpidField::User => "user",
            UpidField::TrailingColon => "trailing colon",
        })
    }
}

/// Why a string is not a UPID: the first wrong field, the text found there and what was
/// expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid UPID {field}: found {found:?}, expected {expected}")]
pub struct UpidError {
    field: UpidField,
    found: String,
    expected: &'static str,
}

impl UpidError {
    /// Longest offending text kept in an error, so a huge input gives a readable message.
    const MAX_FOUND: usize = 80;

    fn new(field: UpidField, found: &str, expected: &'static str) -> Self {
        let mut end = found.len().min(Self::MAX_FOUND);
        while !found.is_char_boundary(end) {
            end -= 1;
        }
        let found = match found.get(..end) {
            Some(kept) if end < found.len() => format!("{kept}…"),
            _ => found.to_owned(),
        };
        Self {
            field,
            found,
            expected,
        }
    }

    /// The field that is wrong.
    pub fn field(&self) -> UpidField {
        self.field
    }

    /// The text found in that field (cut after 80 bytes).
    pub fn found(&self) -> &str {
        &self.found
    }
}

const PREFIX: &str = "UPID:";
const TEXT_PVE: &str = "non-empty text without ':', '/' or whitespace";
const TEXT_PBS: &str = "non-empty text without ':' or whitespace";
const ID_PVE: &str = "text without ':', '/' or whitespace (may be empty)";
const ID_PBS: &str = "text without ':' or whitespace (may be empty)";

impl FromStr for Upid {
    type Err = UpidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some(body) = s.strip_prefix(PREFIX) else {
            return Err(UpidError::new(
                UpidField::Prefix,
                s,
                "the text to start with \"UPID:\"",
            ));
        };
        // Split off the trailing colon first so that a missing one is reported as such once
        // the fields themselves are fine.
        let (fields, has_trailing_colon) = match body.strip_suffix(':') {
            Some(fields) => (fields, true),
            None => (body, false),
        };
        // The PBS form has its task id as the fourth field; set it aside and the rest lines up.
        let mut parts: Vec<&str> = fields.split(':').collect();
        let task_id = (parts.len() == 8).then(|| parts.remove(3));
        let Ok([node, pid, pstart, start, ty, id, user]) = <[&str; 7]>::try_from(parts) else {
            let expected = "7 ':'-separated fields after \"UPID:\" (PVE) or 8 (PBS), then ':'";
            return Err(UpidError::new(UpidField::FieldCount, s, expected));
        };
        let pbs = task_id.is_some();

        if !is_node_name(node) {
            let expected =
                "letters, digits and inner '-', starting and ending with a letter or digit";
            return Err(UpidError::new(UpidField::Node, node, expected));
        }
        let pid = hex_u32(UpidField::Pid, pid)?;
        let pstart = hex(UpidField::Pstart, pstart, 8, 9, "8 or 9 hex digits")?;
        let task_id = task_id
            .map(|task| hex(UpidField::TaskId, task, 8, 16, "8 to 16 hex digits"))
            .transpose()?;
        let starttime = hex_u32(UpidField::Starttime, start)?;

        let allowed = text_char(pbs);
        let (expected, expected_id) = if pbs {
            (TEXT_PBS, ID_PBS)
        } else {
            (TEXT_PVE, ID_PVE)
        };
        if ty.is_empty() || !ty.chars().all(&allowed) {
            return Err(UpidError::new(UpidField::WorkerType, ty, expected));
        }
        if !id.chars().all(&allowed) {
            return Err(UpidError::new(UpidField::WorkerId, id, expected_id));
        }
        let decoded_id = if pbs {
            let decoded = systemd_unescape(id).ok_or_else(|| {
                UpidError::new(UpidField::WorkerId, id, "valid systemd escapes (\\xNN)")
            })?;
            Some(decoded).filter(|d| d != id)
        } else {
            None
        };
        if user.is_empty() || !user.chars().all(&allowed) {
            return Err(UpidError::new(UpidField::User, user, expected));
        }
        if !has_trailing_colon {
            return Err(UpidError::new(
                UpidField::TrailingColon,
                s,
                "the UPID to end with ':'",
            ));
        }

        Ok(Upid {
            raw: s.to_owned(),
            node: node.to_owned(),
            pid,
            pstart,
            task_id,
            starttime,
            worker_type: ty.to_owned(),
            worker_id: id.to_owned(),
            decoded_id,
            auth_id: user.to_owned(),
        })
    }
}

/// What the type, id and user fields may hold: no `:` or whitespace, and for PVE no `/` (the
/// PBS form escapes its id instead and allows `/` elsewhere).
fn text_char(pbs: bool) -> impl Fn(char) -> bool {
    move |c| c != ':' && !c.is_whitespace() && (pbs || c != '/')
}

/// `[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?`
fn is_node_name(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    s.starts_with(alnum) && s.ends_with(alnum) && s.chars().all(|c| alnum(c) || c == '-')
}

/// Parses `min..=max` hex digits (either case). At most 16 digits always fit a `u64`.
fn hex(
    field: UpidField,
    s: &str,
    min: usize,
    max: usize,
    expected: &'static str,
) -> Result<u64, UpidError> {
    let value = (min..=max)
        .contains(&s.len())
        .then(|| {
            s.chars()
                .try_fold(0u64, |acc, c| Some(acc << 4 | u64::from(c.to_digit(16)?)))
        })
        .flatten();
    value.ok_or_else(|| UpidError::new(field, s, expected))
}

/// Parses exactly 8 hex digits.
fn hex_u32(field: UpidField, s: &str) -> Result<u32, UpidError> {
    const EXPECTED: &str = "exactly 8 hex digits";
    let value = hex(field, s, 8, 8, EXPECTED)?;
    u32::try_from(value).map_err(|_| UpidError::new(field, s, EXPECTED))
}

/// Undoes systemd-unit escaping: `-` stands for `/`, `\xNN` for the byte `NN`. `None` for a
/// broken escape or a result that is not UTF-8.
fn systemd_unescape(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'-' => out.push(b'/'),
            b'\\' => {
                if bytes.next()? != b'x' {
                    return None;
                }
                let hi = char::from(bytes.next()?).to_digit(16)?;
                let lo = char::from(bytes.next()?).to_digit(16)?;
                out.push(u8::try_from(hi << 4 | lo).ok()?);
            }
            other => out.push(other),
        }
    }
    String::from_utf8(out).ok()
}

impl fmt::Display for Upid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for Upid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Upid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Upid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl FromWire for Upid {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::de::from_wire_via_str(d)
    }
}

impl ToParam for Upid {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(s: &str) -> Upid {
        match s.parse::<Upid>() {
            Ok(upid) => upid,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    #[test]
    fn debug_is_the_text() {
        let text = "UPID:pve1:000934AF:0D015579:68BF3A41:vzdump:100:ops@pve!ci:";
        let upid = parse(text);
        assert_eq!(format!("{upid:?}"), text);
        assert_eq!(format!("{:?}", Some(&upid)), format!("Some({text})"));
    }

    // The official vectors, pve-common `test/upid-test.pl`.
    const APTUPDATE: &str = "UPID:example-node:0000C346:165A0CE4:68D7279C:aptupdate::root@pam:";
    const HASTART: &str = "UPID:example-node:000934AF:0D015579:68BF3A41:hastart:100:root@pam:";
    const TOKEN: &str = "UPID:example-node:000934AF:0D015579:68BF3A41:vzdump:100:\
                         91a1da29-a47d-11f0-84e0-fafbfc944d00@pam!some-token:";
    const WIDE_PSTART: &str =
        "UPID:example-node:000934AF:FFFFFFFFF:68BF3A41:fake-but-valid-type:100:root@pam:";
    const BROKEN: &str =
        "UPID:example-node:000934AF:0D015579:68BF3A41:broken type string:100:root@pam:";

    // A PBS UPID as documented in proxmox-rs.
    const PBS: &str = "UPID:elsa:00004F37:0039E469:00000000:5CA78B83:garbage_collection::root@pam:";

    #[test]
    fn official_vector_with_empty_id() {
        let u = parse(APTUPDATE);
        assert_eq!(u.node(), "example-node");
        assert_eq!(u.pid(), 49990);
        assert_eq!(u.pstart(), 375_000_292);
        assert_eq!(u.starttime(), 1_758_930_844);
        assert_eq!(u.worker_type(), "aptupdate");
        assert_eq!(u.worker_id(), None);
        assert_eq!(u.decoded_worker_id(), None);
        assert_eq!(u.auth_id(), "root@pam");
        assert_eq!(u.user(), "root@pam");
        assert_eq!(u.token(), None);
        assert_eq!(u.task_id(), None);
        assert_eq!(
            u.started_at(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_758_930_844)
        );
    }

    #[test]
    fn official_vector_with_vmid() {
        let u = parse(HASTART);
        assert_eq!(u.pid(), 603_311);
        assert_eq!(u.pstart(), 218_191_225);
        assert_eq!(u.starttime(), 1_757_362_753);
        assert_eq!(u.worker_type(), "hastart");
        assert_eq!(u.worker_id(), Some("100"));
        assert_eq!(u.user(), "root@pam");
    }

    #[test]
    fn official_vector_with_token_user() {
        let u = parse(TOKEN);
        assert_eq!(u.worker_type(), "vzdump");
        assert_eq!(
            u.auth_id(),
            "91a1da29-a47d-11f0-84e0-fafbfc944d00@pam!some-token"
        );
        assert_eq!(u.user(), "91a1da29-a47d-11f0-84e0-fafbfc944d00@pam");
        assert_eq!(u.token(), Some("some-token"));
    }

    #[test]
    fn official_vector_with_nine_digit_pstart() {
        let u = parse(WIDE_PSTART);
        assert_eq!(u.pstart(), 68_719_476_735);
        assert_eq!(u.worker_type(), "fake-but-valid-type");
    }

    #[test]
    fn official_broken_vector_names_the_type() {
        let err = BROKEN.parse::<Upid>().unwrap_err();
        assert_eq!(err.field(), UpidField::WorkerType);
        assert_eq!(err.found(), "broken type string");
        assert!(err.to_string().contains("type"), "{err}");
    }

    #[test]
    fn official_vectors_round_trip() {
        for s in [APTUPDATE, HASTART, TOKEN, WIDE_PSTART, PBS] {
            let u = parse(s);
            assert_eq!(u.to_string(), s);
            assert_eq!(u.as_str(), s);
            assert_eq!(u.param_text(), s);
        }
    }

    #[test]
    fn lowercase_hex_is_accepted_and_kept() {
        let s = "UPID:pve1:0000c346:165a0ce4:68d7279c:qmstart:101:root@pam:";
        let u = parse(s);
        assert_eq!(u.pid(), 49990);
        assert_eq!(u.pstart(), 375_000_292);
        assert_eq!(u.starttime(), 1_758_930_844);
        assert_eq!(u.to_string(), s);
        assert_ne!(
            u,
            parse("UPID:pve1:0000C346:165A0CE4:68D7279C:qmstart:101:root@pam:")
        );
    }

    #[test]
    fn token_split_only_at_a_real_token_separator() {
        let user = |auth: &str| {
            let u = parse(&format!("UPID:n:00000001:00000002:00000003:t::{auth}:"));
            (u.user().to_owned(), u.token().map(str::to_owned))
        };
        assert_eq!(user("ops@pve!ci"), ("ops@pve".into(), Some("ci".into())));
        assert_eq!(user("root@pam"), ("root@pam".into(), None));
        // A `!` in the user name (before the realm) is not a token separator.
        assert_eq!(user("we!rd@pve"), ("we!rd@pve".into(), None));
        assert_eq!(
            user("we!rd@pve!tok"),
            ("we!rd@pve".into(), Some("tok".into()))
        );
        assert_eq!(user("ops@pve!"), ("ops@pve!".into(), None));
    }

    #[test]
    fn pbs_form() {
        let u = parse(PBS);
        assert_eq!(u.node(), "elsa");
        assert_eq!(u.pid(), 0x4F37);
        assert_eq!(u.pstart(), 0x0039_E469);
        assert_eq!(u.task_id(), Some(0));
        assert_eq!(u.starttime(), 0x5CA7_8B83);
        assert_eq!(u.worker_type(), "garbage_collection");
        assert_eq!(u.worker_id(), None);
        assert_eq!(u.user(), "root@pam");
    }

    #[test]
    fn pbs_form_with_escaped_id_and_wide_task_id() {
        let s = r"UPID:pbs-1:000003E8:10001E240:00000000DEADBEEF:65F1A2B3:verify:store1\x3avm-100\x2da:sync@pbs!job:";
        let u = parse(s);
        assert_eq!(u.pstart(), 0x1_0001_E240);
        assert_eq!(u.task_id(), Some(0xDEAD_BEEF));
        assert_eq!(u.worker_id(), Some(r"store1\x3avm-100\x2da"));
        assert_eq!(u.decoded_worker_id(), Some("store1:vm/100-a"));
        assert_eq!(u.user(), "sync@pbs");
        assert_eq!(u.token(), Some("job"));
        assert_eq!(u.to_string(), s);
    }

    #[test]
    fn pve_ids_are_never_unescaped() {
        let u = parse("UPID:pve1:00000001:00000002:00000003:download:local-lvm:root@pam:");
        assert_eq!(u.decoded_worker_id(), Some("local-lvm"));
    }

    /// A valid UPID, in the PBS form or the PVE one (without the task id), with one field
    /// replaced.
    fn with_field(pbs: bool, field: UpidField, text: &str) -> String {
        use UpidField::*;
        let order = [
            Node, Pid, Pstart, TaskId, Starttime, WorkerType, WorkerId, User,
        ];
        let mut fields = [
            "n", "00000001", "00000002", "00000004", "00000003", "t", "1", "root@pam",
        ];
        if let Some(at) = order.iter().position(|f| *f == field) {
            fields[at] = text;
        }
        let fields: Vec<&str> = (0..8)
            .filter(|&i| pbs || i != 3)
            .map(|i| fields[i])
            .collect();
        format!("UPID:{}:", fields.join(":"))
    }

    #[test]
    fn malformed_fields_are_named() {
        use UpidField::*;
        let pve: [(UpidField, &[&str]); 7] = [
            (Node, &["", "-n", "n-", "no_de", "nöde", "n.example"]),
            (Pid, &["0000001", "000000001", "0000000G", "+0000001"]),
            (Pstart, &["0000002", "0000000002", "-0000002"]),
            (Starttime, &["0000003", "000000003"]),
            (WorkerType, &["", "a/b", "a\tb"]),
            (WorkerId, &["1 2", "a/b"]),
            (User, &["", "root @pam", "root/x@pam", "root@pam\n"]),
        ];
        let pbs: [(UpidField, &[&str]); 4] = [
            (TaskId, &["0000004", "00000000000000004", "0000000x"]),
            (Starttime, &["t"]),
            (WorkerId, &[" ", r"\x4", r"\y41", r"\xff"]),
            (User, &[""]),
        ];
        let pve = pve.iter().map(|case| (false, case));
        for (is_pbs, &(field, texts)) in pve.chain(pbs.iter().map(|case| (true, case))) {
            for &text in texts {
                let input = with_field(is_pbs, field, text);
                let err = input.parse::<Upid>().map(|u| u.to_string());
                let err = err.map_err(|e| (e.field(), e.found().to_owned()));
                assert_eq!(err, Err((field, text.to_owned())), "{input:?}");
            }
        }
    }

    #[test]
    fn malformed_framing_is_named() {
        use UpidField::*;
        let ok = "n:00000001:00000002:00000003:t:1:root@pam";
        let cases = [
            (String::new(), Prefix),
            ("UPID".into(), Prefix),
            (format!("upid:{ok}:"), Prefix),
            (format!(" UPID:{ok}:"), Prefix),
            ("UPID:".into(), FieldCount),
            (
                "UPID:n:00000001:00000002:00000003:t:root@pam:".into(),
                FieldCount,
            ),
            (format!("UPID:{ok}:x:y:"), FieldCount),
            (format!("UPID:{ok}"), TrailingColon),
            (
                PBS.trim_end_matches("root@pam:").to_owned() + "root@pam",
                TrailingColon,
            ),
            // Eight fields are read as the PBS form, whose fifth field is the start time.
            (format!("UPID:{ok}::"), Starttime),
        ];
        for (input, field) in cases {
            let err = input.parse::<Upid>().map(|u| u.to_string());
            assert_eq!(err.map_err(|e| e.field()), Err(field), "{input:?}");
        }
    }

    #[test]
    fn pbs_form_allows_slashes_outside_the_id() {
        let u = parse("UPID:n:00000001:00000002:00000004:00000003:a/b:x:us/er@pbs:");
        assert_eq!(u.worker_type(), "a/b");
        assert_eq!(u.auth_id(), "us/er@pbs");
    }

    #[test]
    fn error_shows_field_and_text_and_stays_short() {
        let err = "UPID:n:0000000G:00000002:00000003:t:1:root@pam:"
            .parse::<Upid>()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid UPID pid: found "0000000G", expected exactly 8 hex digits"#
        );

        let long = format!("nope{}", "é".repeat(100));
        let err = long.parse::<Upid>().unwrap_err();
        assert_eq!(err.field(), UpidField::Prefix);
        assert!(err.found().chars().count() < 50, "{}", err.found());
        assert!(err.found().ends_with('…'));
    }

    #[test]
    fn serde_and_wire_use_the_string() {
        let u = parse(TOKEN);
        let json = serde_json::to_value(&u).unwrap();
        assert_eq!(json, serde_json::Value::String(TOKEN.into()));
        assert_eq!(serde_json::from_value::<Upid>(json.clone()).unwrap(), u);
        assert_eq!(crate::wire::de::from_value::<Upid>(json).unwrap(), u);

        let err = serde_json::from_str::<Upid>(&format!("{BROKEN:?}")).unwrap_err();
        assert!(err.to_string().contains("invalid UPID type"), "{err}");
        assert!(crate::wire::de::from_value::<Upid>(serde_json::json!("OK")).is_err());
    }

    /// Everything a UPID encodes: node, pid, pstart, task id, starttime, type, id, user.
    #[derive(Debug, PartialEq)]
    struct Parts(String, u32, u64, Option<u64>, u32, String, String, String);

    fn parts_of(u: &Upid) -> Parts {
        let (node, ty, id) = (u.node().into(), u.worker_type().into(), u.worker_id());
        let (user, id) = (u.auth_id().into(), id.unwrap_or_default().into());
        Parts(
            node,
            u.pid(),
            u.pstart(),
            u.task_id(),
            u.starttime(),
            ty,
            id,
            user,
        )
    }

    prop_compose! {
        /// A valid UPID in either form, in either case, and what it encodes.
        fn valid_upid()(
            node in "[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?",
            pid in any::<u32>(),
            pstart in 0u64..=0xF_FFFF_FFFF,
            task_id in proptest::option::of(any::<u64>()),
            start in any::<u32>(),
            ty in "[a-z_.-]{1,12}",
            id in "[0-9a-z.]{0,6}",
            user in "[a-z0-9]{1,8}@[a-z]{2,5}(![a-z0-9-]{1,8})?",
            lower in any::<bool>(),
        ) -> (String, Parts) {
            let hex = |v: u64| if lower { format!("{v:08x}") } else { format!("{v:08X}") };
            let task = task_id.map(|t| hex(t) + ":").unwrap_or_default();
            let (p, ps, st) = (hex(pid.into()), hex(pstart), hex(start.into()));
            let s = format!("UPID:{node}:{p}:{ps}:{task}{st}:{ty}:{id}:{user}:");
            (s, Parts(node, pid, pstart, task_id, start, ty, id, user))
        }
    }

    /// Characters that matter to the grammar, plus anything at all.
    fn edit_char() -> impl Strategy<Value = char> {
        prop_oneof![
            prop::sample::select(vec![
                ':', '-', ' ', '/', '!', '@', '\\', 'x', 'G', 'f', '0', '\n', 'é'
            ]),
            any::<char>(),
        ]
    }

    fn check_total(s: &str) {
        if let Ok(u) = s.parse::<Upid>() {
            assert_eq!(u.to_string(), s);
            assert!(u.user().len() <= u.auth_id().len());
        }
    }

    proptest! {
        // Failures are reported with their minimal input; no regression files are written.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn never_panics_on_any_text(s in any::<String>()) {
            check_total(&s);
        }

        #[test]
        fn never_panics_on_upid_like_text(s in r"UPID:[a-zA-Z0-9:/\\ !@_.\-é]{0,70}") {
            check_total(&s);
        }

        #[test]
        fn valid_upids_parse_to_their_parts((s, parts) in valid_upid()) {
            let u = parse(&s);
            prop_assert_eq!(u.as_str(), s.as_str());
            prop_assert_eq!(parts_of(&u), parts);
        }

        #[test]
        fn mutated_upids_never_panic(
            (s, ..) in valid_upid(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, edit_char()), 1..4),
        ) {
            let mut chars: Vec<char> = s.chars().collect();
            for (at, op, c) in edits {
                let i = at.index(chars.len() + 1);
                match op {
                    0 if i < chars.len() => { chars.remove(i); }
                    1 if i < chars.len() => chars[i] = c,
                    _ => chars.insert(i, c),
                }
            }
            check_total(&chars.into_iter().collect::<String>());
        }
    }
}
