//! The rows of the malformed-answer table (run by `table.rs`).

use std::time::Duration;

use proxmox_sdk::{Error, Privilege};
use serde_json::error::Category;

use super::server::{Answer, http, json, raw};

/// Which kind of call meets the answer.
#[derive(Clone, Copy, Debug)]
pub(super) enum Call {
    /// `GET /nodes/{node}/lxc`: a list of objects.
    List,
    /// `GET /nodes/{node}/status`: one object.
    Object,
    /// `PUT /nodes/{node}/lxc/100/config`: no data (`()`).
    Unit,
    /// `POST /nodes/{node}/lxc/100/status/start`: a UPID.
    Upid,
    /// `Client::raw`, `GET`: any JSON.
    Raw,
}

/// One row: the answer, the call, the variant it must give and its key facts.
pub(super) struct Row {
    pub name: &'static str,
    pub call: Call,
    pub answer: Answer,
    /// The `Error` variant's name, or `"Ok"` for an answer that must be accepted.
    pub want: &'static str,
    pub check: fn(&Error) -> bool,
    /// The client's timeout for this row (default 20 s).
    pub timeout: Option<Duration>,
}

fn row(
    name: &'static str,
    call: Call,
    answer: Answer,
    want: &'static str,
    check: fn(&Error) -> bool,
) -> Row {
    Row {
        name,
        call,
        answer,
        want,
        check,
        timeout: None,
    }
}

fn any(_: &Error) -> bool {
    true
}

fn ok200(body: impl AsRef<[u8]>) -> Answer {
    json("200 OK", body)
}

fn decode_category(err: &Error, want: Category) -> bool {
    matches!(err, Error::Decode { source, .. } if source.category() == want)
}

fn decode_path(err: &Error, want: &str) -> bool {
    matches!(err, Error::Decode { path, .. } if path == want)
}

fn missing_keys(err: &Error, want: &[&str]) -> bool {
    matches!(err, Error::MissingData { keys, .. } if keys.iter().map(String::as_str).eq(want.iter().copied()))
}

fn message_cut(err: &Error) -> bool {
    err.api_error()
        .and_then(|api| api.message())
        .is_some_and(|m| m.len() < 2200 && m.contains("… [cut, "))
}

fn body_too_large(err: &Error, announced: bool) -> bool {
    use std::error::Error as _;
    let Error::Interrupted(source) = err else {
        return false;
    };
    source
        .downcast_ref::<proxmox_sdk::client::BodyTooLarge>()
        .is_some_and(|b| {
            b.announced.is_some() == announced && b.limit == proxmox_sdk::client::MAX_RESPONSE_BYTES
        })
        && err.source().is_some()
}

fn status(err: &Error, want: u16) -> bool {
    err.status() == Some(want)
}

fn chunked_head() -> String {
    "HTTP/1.1 200 OK\r\ncontent-type: application/json;charset=UTF-8\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_owned()
}

/// Every row of the table.
pub(super) fn rows() -> Vec<Row> {
    use Call::*;
    let huge = "x".repeat(4 << 20);
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!(r#"{{"data":[],"x":{}}}"#, deep_array);
    let many_keys = {
        let mut obj = serde_json::Map::new();
        for i in 0..10_000 {
            obj.insert(format!("key{i}"), i.into());
        }
        serde_json::Value::Object(obj).to_string()
    };
    let mut cut_chunked = chunked_head();
    cut_chunked.push_str("20\r\n{\"data\":[{\"vmid\":100,\"name\":\"we");
    let mut cut_length = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\nconnection: close\r\n\r\n".to_owned();
    cut_length.push_str(r#"{"data":[{"vmid":100,"#);
    let mut stalled_body = chunked_head();
    stalled_body.push_str("8\r\n{\"data\":\r\n");

    let announced_too_large = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{{\"data\":[",
        proxmox_sdk::client::MAX_RESPONSE_BYTES + 1
    );
    let streamed_too_large = {
        let body = format!(
            r#"{{"data":"{}"}}"#,
            "y".repeat(proxmox_sdk::client::MAX_RESPONSE_BYTES)
        );
        format!("{}{:x}\r\n{body}\r\n0\r\n\r\n", chunked_head(), body.len())
    };

    let mut table = vec![
        // --- bodies larger than the client reads
        row(
            "a Content-Length over the response limit is refused before reading",
            List,
            raw(announced_too_large),
            "Interrupted",
            |e| body_too_large(e, true),
        ),
        row(
            "a chunked body growing past the response limit is cut off",
            Raw,
            raw(streamed_too_large),
            "Interrupted",
            |e| body_too_large(e, false),
        ),
        // --- truncated and non-JSON success bodies
        row(
            "truncated JSON list",
            List,
            ok200(r#"{"data":[{"vmid":100,"na"#),
            "Decode",
            |e| decode_category(e, Category::Eof),
        ),
        row(
            "truncated JSON object",
            Object,
            ok200(r#"{"data":{"uptime":"#),
            "Decode",
            |e| decode_category(e, Category::Eof),
        ),
        row(
            "truncated after the data key",
            Unit,
            ok200(r#"{"data""#),
            "Decode",
            |e| decode_category(e, Category::Eof),
        ),
        row(
            "HTML page with 200",
            List,
            http("200 OK", "text/html", "<html><body>It works!</body></html>"),
            "Decode",
            |e| decode_category(e, Category::Syntax),
        ),
        row(
            "HTML page with 200 for a write",
            Unit,
            http("200 OK", "text/html", "<!DOCTYPE html><html></html>"),
            "Decode",
            |e| decode_category(e, Category::Syntax),
        ),
        row("empty body with 200", List, ok200(""), "Decode", |e| {
            decode_category(e, Category::Eof)
        }),
        row(
            "empty body with 200 for a write",
            Unit,
            ok200(""),
            "Decode",
            |e| decode_category(e, Category::Eof),
        ),
        row("body `null`", List, ok200("null"), "Decode", |e| {
            decode_path(e, ".")
        }),
        row("body is an array", Object, ok200("[]"), "Decode", any),
        row("body is a string", Upid, ok200(r#""data""#), "Decode", any),
        row(
            "trailing garbage",
            List,
            ok200(r#"{"data":[]} and more"#),
            "Decode",
            |e| decode_category(e, Category::Syntax),
        ),
        row(
            "byte order mark",
            List,
            ok200(b"\xEF\xBB\xBF{\"data\":[]}"),
            "Decode",
            |e| decode_category(e, Category::Syntax),
        ),
        row(
            "NaN literal",
            List,
            ok200(r#"{"data":[{"vmid":100,"cpu":NaN}]}"#),
            "Decode",
            |e| decode_category(e, Category::Syntax),
        ),
        row(
            "invalid UTF-8 in a string",
            List,
            ok200(b"{\"data\":[{\"vmid\":100,\"name\":\"\xff\xfe\"}]}"),
            "Decode",
            any,
        ),
        row(
            "invalid UTF-8 raw",
            Raw,
            ok200(b"{\"data\":\"\xc3\x28\"}"),
            "Decode",
            any,
        ),
        // --- wrong types
        row(
            "list is a string",
            List,
            ok200(r#"{"data":"nope"}"#),
            "Decode",
            |e| decode_path(e, "data"),
        ),
        row(
            "list item field of the wrong type",
            List,
            ok200(r#"{"data":[{"vmid":100,"status":"running","maxmem":"lots"}]}"#),
            "Decode",
            |e| decode_path(e, "data[0].maxmem"),
        ),
        row(
            "list item is a number",
            List,
            ok200(r#"{"data":[7]}"#),
            "Decode",
            |e| decode_path(e, "data[0]"),
        ),
        row(
            "object is a number",
            Object,
            ok200(r#"{"data":42}"#),
            "Decode",
            |e| decode_path(e, "data"),
        ),
        row(
            "number out of range",
            List,
            ok200(r#"{"data":[{"vmid":100,"maxmem":1e400}]}"#),
            "Decode",
            any,
        ),
        row(
            "UPID that is not one",
            Upid,
            ok200(r#"{"data":"UPID:pve1:not-a-upid"}"#),
            "Decode",
            |e| decode_path(e, "data"),
        ),
        row(
            "UPID is a number",
            Upid,
            ok200(r#"{"data":12345}"#),
            "Decode",
            |e| decode_path(e, "data"),
        ),
        row(
            "UPID is an object",
            Upid,
            ok200(r#"{"data":{"upid":"x"}}"#),
            "Decode",
            |e| decode_path(e, "data"),
        ),
        // --- `data` missing (and `data: null`, which is accepted)
        row(
            "no data key, list",
            List,
            ok200(r#"{"success":0,"message":"refused"}"#),
            "MissingData",
            |e| missing_keys(e, &["success", "message"]),
        ),
        row(
            "no data key, object",
            Object,
            ok200(r#"{"errors":{}}"#),
            "MissingData",
            |e| missing_keys(e, &["errors"]),
        ),
        row(
            "no data key, unit write",
            Unit,
            ok200(r#"{"success":1}"#),
            "MissingData",
            |e| missing_keys(e, &["success"]) && e.may_have_been_processed(),
        ),
        row("no data key, UPID", Upid, ok200("{}"), "MissingData", |e| {
            missing_keys(e, &[])
        }),
        row(
            "no data key, raw",
            Raw,
            ok200(r#"{"result":[]}"#),
            "MissingData",
            |e| missing_keys(e, &["result"]),
        ),
        row(
            "no data key among ten thousand",
            List,
            ok200(many_keys),
            "MissingData",
            |e| matches!(e, Error::MissingData { keys, key_count: 10_000, .. } if keys.len() == 16),
        ),
        row(
            "data null, list",
            List,
            ok200(r#"{"data":null}"#),
            "Ok",
            any,
        ),
        row(
            "data null, unit write",
            Unit,
            ok200(r#"{"data":null}"#),
            "Ok",
            any,
        ),
        // --- huge and deep bodies
        row(
            "huge string of the wrong type",
            List,
            ok200(format!(r#"{{"data":[{{"vmid":100,"maxmem":"{huge}"}}]}}"#)),
            "Decode",
            |e| e.to_string().len() < 1000,
        ),
        row(
            "huge 500 JSON message",
            List,
            json(
                "500 Internal Server Error",
                format!(r#"{{"data":null,"message":"{huge}"}}"#),
            ),
            "Api",
            |e| status(e, 500) && message_cut(e),
        ),
        row(
            "huge 502 plain-text page",
            List,
            http("502 Bad Gateway", "text/html", &huge),
            "Api",
            |e| status(e, 502) && message_cut(e) && e.is_retryable(),
        ),
        row(
            "deeply nested data",
            List,
            ok200(format!(r#"{{"data":{deep_array}}}"#)),
            "Decode",
            any,
        ),
        row(
            "deeply nested unknown key",
            List,
            ok200(deep_object),
            "Decode",
            any,
        ),
        row(
            "deeply nested 500 body",
            List,
            json("500 Internal Server Error", &deep_array),
            "Api",
            |e| status(e, 500),
        ),
        // --- error statuses with PVE's texts, and pages that are not PVE's
        row(
            "HTML 500 page",
            List,
            http(
                "500 Internal Server Error",
                "text/html",
                "<html><h1>500</h1></html>",
            ),
            "Api",
            |e| status(e, 500) && !e.is_retryable(),
        ),
        row(
            "HTML 503 page",
            List,
            http(
                "503 Service Unavailable",
                "text/html",
                "<html>maintenance</html>",
            ),
            "Api",
            |e| status(e, 503) && e.is_retryable(),
        ),
        row(
            "500 lock contention",
            Unit,
            json(
                "500 can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout",
                r#"{"data":null}"#,
            ),
            "Api",
            |e| e.is_retryable() && e.may_have_been_processed(),
        ),
        row(
            "500 message of the wrong type",
            List,
            json("500 Internal error", r#"{"data":null,"message":42}"#),
            "Api",
            |e| e.api_error().and_then(|a| a.message()) == Some("Internal error"),
        ),
        row(
            "501 plain text",
            List,
            http(
                "501 Not Implemented",
                "text/plain",
                "Method 'GET /nodes/row/lxc' not implemented",
            ),
            "Api",
            |e| status(e, 501) && !e.is_retryable(),
        ),
        row(
            "400 with an errors map",
            Unit,
            json(
                "400 Parameter verification failed.",
                r#"{"data":null,"errors":{"memory":"value must have a minimum value of 16\n"}}"#,
            ),
            "BadRequest",
            |e| {
                e.api_error().is_some_and(|a| {
                    a.parameter_errors()["memory"] == ["value must have a minimum value of 16"]
                })
            },
        ),
        row(
            "400 whose errors is not a map",
            Unit,
            json(
                "400 Parameter verification failed.",
                r#"{"data":null,"errors":"oops"}"#,
            ),
            "BadRequest",
            |e| {
                e.api_error()
                    .is_some_and(|a| a.parameter_errors().is_empty())
            },
        ),
        row(
            "401 No ticket",
            List,
            json("401 No ticket", ""),
            "Unauthorized",
            |e| status(e, 401) && !e.may_have_been_processed(),
        ),
        row(
            "401 authentication failure",
            List,
            json("401 authentication failure", r#"{"data":null}"#),
            "Unauthorized",
            |e| e.api_error().and_then(|a| a.message()) == Some("authentication failure"),
        ),
        row(
            "401 invalid token",
            Upid,
            json("401 invalid token value!", ""),
            "Unauthorized",
            |e| !e.may_have_been_processed(),
        ),
        row(
            "403 known privilege",
            List,
            json(
                "403 Permission check failed (/vms/100, VM.Audit)",
                r#"{"data":null}"#,
            ),
            "Forbidden",
            |e| e.missing_privileges() == [Privilege::VmAudit],
        ),
        row(
            "403 unknown privilege",
            Upid,
            json(
                "403 Permission check failed (/vms/100, VM.Frobnicate)",
                r#"{"data":null,"message":"Permission check failed (/vms/100, VM.Frobnicate)\n"}"#,
            ),
            "Forbidden",
            |e| matches!(e.missing_privileges(), [Privilege::UnknownValue(p)] if p == "VM.Frobnicate"),
        ),
        row(
            "403 with an HTML body",
            List,
            http(
                "403 Permission check failed (/, Sys.Audit)",
                "text/html",
                "<html>no</html>",
            ),
            "Forbidden",
            |e| e.missing_privileges() == [Privilege::SysAudit],
        ),
        row(
            "595 no route to the node",
            List,
            json("595 Connection refused", ""),
            "ProxyHop",
            |e| status(e, 595) && !e.may_have_been_processed() && e.is_retryable(),
        ),
        row(
            "596 TLS to the node failed",
            Unit,
            json("596 Connection timed out", ""),
            "ProxyHop",
            |e| status(e, 596) && e.may_have_been_processed(),
        ),
        row(
            "301 redirect is not followed",
            List,
            http(
                "301 Moved Permanently\r\nlocation: https://127.0.0.1:1/elsewhere",
                "text/html",
                "",
            ),
            "Api",
            |e| status(e, 301),
        ),
        row(
            "307 redirect of a write is not followed",
            Unit,
            http(
                "307 Temporary Redirect\r\nlocation: /api2/json/other",
                "text/plain",
                "",
            ),
            "Api",
            |e| status(e, 307),
        ),
        // --- broken connections and timeouts
        row(
            "chunked body cut short",
            List,
            Answer::BytesThenReset(cut_chunked.clone().into_bytes()),
            "Interrupted",
            |e| e.may_have_been_processed(),
        ),
        row(
            "chunked body cut short, clean close",
            List,
            raw(cut_chunked),
            "Interrupted",
            any,
        ),
        row(
            "content-length longer than the body",
            Unit,
            raw(cut_length),
            "Interrupted",
            |e| e.may_have_been_processed(),
        ),
        row(
            "closed before the headers",
            Unit,
            Answer::Close,
            "Interrupted",
            |e| e.may_have_been_processed(),
        ),
        row(
            "not HTTP at all",
            List,
            raw("SSH-2.0-OpenSSH_9.2\r\n"),
            "Interrupted",
            any,
        ),
        row(
            "garbage status line",
            List,
            raw("HTTP/1.1 OK-ish\r\n\r\n"),
            "Interrupted",
            any,
        ),
    ];
    let mut slow = vec![
        row("headers never come", List, Answer::Stall, "Timeout", |e| {
            matches!(e, Error::Timeout { sent: true, .. })
        }),
        row(
            "half the headers, then nothing",
            Unit,
            Answer::BytesThenStall(b"HTTP/1.1 200 OK\r\ncontent-ty".to_vec()),
            "Timeout",
            |e| e.may_have_been_processed(),
        ),
        row(
            "body never finishes",
            List,
            Answer::BytesThenStall(stalled_body.into_bytes()),
            "Timeout",
            |e| matches!(e, Error::Timeout { sent: true, .. }),
        ),
    ];
    for r in &mut slow {
        r.timeout = Some(Duration::from_millis(600));
    }
    table.append(&mut slow);
    table
}
