//! The toolkit against scripted agent answers, under tokio's paused clock.

use std::net::IpAddr;
use std::time::Duration;

use serde_json::json;

use super::*;
use crate::api::nodes::GetNodesQemuAgentNetworkGetInterfacesResponseResultItem as Interface;
use crate::testing::{Expect, ScriptedTransport, respond};

const BASE: &str = "/nodes/pve1/qemu/100";

fn path(tail: &str) -> String {
    format!("{BASE}{tail}")
}

/// `agent/exec` with exactly `body`, answered with `pid`.
fn exec_started(body: &str, pid: u32) -> Expect {
    Expect::post(path("/agent/exec"))
        .body(body)
        .respond(respond::data(json!({"pid": pid})))
}

/// One `exec-status` answering that the command exited with `code`.
fn exited_with(code: i64) -> Expect {
    Expect::get(path("/agent/exec-status"))
        .respond(respond::data(json!({"exited": 1, "exitcode": code})))
}

fn not_running() -> crate::transport::HttpResponse {
    respond::error(500, "QEMU guest agent is not running")
}

#[tokio::test(start_paused = true)]
async fn wait_agent_pings_until_the_agent_answers() {
    let script = ScriptedTransport::new()
        .expect(Expect::post(path("/agent/ping")).respond(not_running()))
        // After the first "not running", the configuration is read once: the agent is on.
        .expect(Expect::get(path("/config")).respond(respond::data(
            json!({"agent": "1", "digest": "0123456789abcdef"}),
        )))
        .expect(
            Expect::post(path("/agent/ping"))
                .respond(not_running())
                .times(2),
        )
        .expect(Expect::post(path("/agent/ping")).respond(respond::data(json!({"result": {}}))));
    script
        .client()
        .agent("pve1", 100)
        .wait_agent(Duration::from_secs(60))
        .await
        .expect("the agent answers on the fourth ping");
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn an_agent_turned_off_in_the_configuration_is_not_waited_for() {
    // PVE answers a ping of a VM with `agent: 0` "not running", like one still booting.
    let script = ScriptedTransport::new()
        .expect(Expect::post(path("/agent/ping")).respond(not_running()))
        .expect(Expect::get(path("/config")).respond(respond::data(
            json!({"agent": "enabled=0,fstrim_cloned_disks=1", "digest": "0123456789abcdef"}),
        )));
    let started = tokio::time::Instant::now();
    let err = script
        .client()
        .agent("pve1", 100)
        .wait_agent(Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(matches!(err, AgentError::NotConfigured(_)), "{err:?}");
    assert_eq!(started.elapsed(), Duration::ZERO);
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_ping_that_hangs_does_not_hold_the_wait_past_its_deadline() {
    let script = ScriptedTransport::new()
        .latency(Duration::from_secs(20))
        .expect(Expect::post(path("/agent/ping")).respond(not_running()));
    let started = tokio::time::Instant::now();
    let err = script
        .client()
        .agent("pve1", 100)
        .wait_agent(Duration::from_secs(2))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AgentError::TimedOut { waited, last: None } if *waited == Duration::from_secs(2)),
        "{err:?}"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn wait_agent_gives_up_with_the_last_answer() {
    let script = ScriptedTransport::new().expect(
        Expect::post(path("/agent/ping"))
            .respond(not_running())
            .times(100),
    );
    let err = script
        .client()
        .agent("pve1", 100)
        .wait_agent(Duration::from_secs(10))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AgentError::TimedOut { waited, last: Some(last) }
            if *waited == Duration::from_secs(10) && matches!(**last, AgentError::NotRunning(_))),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_agent_that_is_not_configured_or_disabled_fails_at_once() {
    for (message, want_disabled) in [
        ("No QEMU guest agent configured", false),
        (
            "VM 100 qmp command 'guest-ping' failed - The command guest-ping has been disabled for this instance",
            true,
        ),
    ] {
        let script = ScriptedTransport::new()
            .expect(Expect::post(path("/agent/ping")).respond(respond::error(500, message)));
        let err = script
            .client()
            .agent("pve1", 100)
            .wait_agent(Duration::from_secs(60))
            .await
            .unwrap_err();
        if want_disabled {
            assert!(
                matches!(&err, AgentError::CommandDisabled { command, .. } if command == "guest-ping"),
                "{err:?}"
            );
        } else {
            assert!(matches!(err, AgentError::NotConfigured(_)), "{err:?}");
        }
        assert_eq!(script.requests().len(), 1);
    }
}

#[tokio::test(start_paused = true)]
async fn exec_polls_exec_status_and_returns_the_guests_bytes() {
    let script = ScriptedTransport::new()
        .expect(
            Expect::post(path("/agent/exec"))
                .body("command=cat&command=-n&input-data=hi%0A")
                .respond(respond::data(json!({"pid": 4242}))),
        )
        .expect(
            Expect::get(path("/agent/exec-status"))
                .param("pid", "4242")
                .respond(respond::data(json!({"exited": 0})))
                .times(2),
        )
        .expect(
            Expect::get(path("/agent/exec-status"))
                .param("pid", "4242")
                .respond(respond::data(json!({
                    "exited": 1, "exitcode": 3, "out-data": "\u{c3}\u{a9}\n",
                    "err-data": "warn", "out-truncated": 1
                }))),
        );
    let out = script
        .client()
        .agent("pve1", 100)
        .exec(&["cat", "-n"], Some("hi\n"))
        .await
        .expect("exec");
    assert_eq!(out.exit_code, Some(3));
    assert_eq!(out.stdout, "é\n".as_bytes());
    assert_eq!(out.stderr, b"warn");
    assert!(out.stdout_truncated && !out.stderr_truncated && !out.success());
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn exec_input_goes_out_as_one_character_per_byte() {
    // PVE decodes the form value as UTF-8 and hands each character to the agent as one byte:
    // `é` (C3 A9) must go out as U+00C3 U+00A9, i.e. `%C3%83%C2%A9`.
    let script = ScriptedTransport::new()
        .expect(exec_started(
            "command=tee&command=%2Fetc%2Fmotd&input-data=%C3%83%C2%A9%0A",
            9,
        ))
        .expect(exited_with(0))
        .expect(exec_started("command=cat&input-data=%00%C3%BF", 10))
        .expect(exited_with(0));
    let vm = script.client().agent("pve1", 100);
    assert!(
        vm.exec(&["tee", "/etc/motd"], Some("é\n"))
            .await
            .expect("exec")
            .success()
    );
    assert!(
        vm.exec_bytes(&["cat"], &[0x00, 0xFF])
            .await
            .expect("exec")
            .success()
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn exec_counts_a_hanging_status_call_against_its_timeout() {
    let script = ScriptedTransport::new()
        .latency(Duration::from_secs(20))
        .expect(Expect::post(path("/agent/exec")).respond(respond::data(json!({"pid": 1}))))
        .expect(
            Expect::get(path("/agent/exec-status"))
                .respond(respond::data(json!({"exited": false})))
                .times(10),
        );
    let started = tokio::time::Instant::now();
    let err = script
        .client()
        .agent("pve1", 100)
        .exec_timeout(Duration::from_secs(30))
        .exec(&["sleep", "100"], None)
        .await
        .unwrap_err();
    assert!(matches!(err, AgentError::TimedOut { .. }), "{err:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn exec_gives_up_after_its_timeout() {
    let script = ScriptedTransport::new()
        .expect(Expect::post(path("/agent/exec")).respond(respond::data(json!({"pid": 1}))))
        .expect(
            Expect::get(path("/agent/exec-status"))
                .respond(respond::data(json!({"exited": false})))
                .times(1000),
        );
    let err = script
        .client()
        .agent("pve1", 100)
        .exec_timeout(Duration::from_secs(5))
        .exec(&["sleep", "100"], None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AgentError::TimedOut { waited, last: None } if waited == Duration::from_secs(5)),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn file_read_follows_truncated_with_offsets() {
    let script = ScriptedTransport::new()
        .expect(
            Expect::get(path("/agent/file-read"))
                .param("file", "/etc/hosts")
                .respond(respond::data(json!({"content": "abc", "truncated": 1}))),
        )
        .expect(
            Expect::get(path("/agent/file-read"))
                .param("offset", "3")
                .respond(respond::data(json!({"content": "d\u{ff}"}))),
        );
    let data = script
        .client()
        .agent("pve1", 100)
        .file_read("/etc/hosts")
        .await
        .expect("read");
    assert_eq!(data, b"abcd\xff");
    script.finish();
    assert_eq!(
        script.requests()[0].query,
        [("file".to_owned(), "/etc/hosts".to_owned())]
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_without_offset_returns_what_it_read_in_a_typed_error() {
    // PVE 8 flags a file of exactly 16 MiB (or more) as truncated and refuses `offset`.
    let refusal = respond::json_body(
        400,
        &json!({"data": null, "errors": {"offset": "property is not defined in schema and the schema does not allow additional properties"}}),
    );
    let script = ScriptedTransport::new()
        .expect(
            Expect::get(path("/agent/file-read"))
                .respond(respond::data(json!({"content": "abc", "truncated": 1}))),
        )
        .expect(Expect::get(path("/agent/file-read")).respond(refusal));
    let err = script
        .client()
        .agent("pve1", 100)
        .file_read("/var/log/big")
        .await
        .unwrap_err();
    let AgentError::ReadCapped { data, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(data.0, b"abc");
    assert!(format!("{err:?}").contains("Partial(3 bytes)"), "{err:?}");
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn file_read_that_stops_progressing_is_an_error() {
    let script = ScriptedTransport::new().expect(
        Expect::get(path("/agent/file-read"))
            .respond(respond::data(json!({"content": "", "truncated": true}))),
    );
    let err = script
        .client()
        .agent("pve1", 100)
        .file_read("/x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AgentError::ReadStalled { offset: 0 }),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_small_file_write_is_one_call_with_base64_content() {
    let script = ScriptedTransport::new().expect(
        Expect::post(path("/agent/file-write"))
            .body("content=AP8K&encode=0&file=%2Fetc%2Fmotd")
            .respond(respond::data(json!(null))),
    );
    script
        .client()
        .agent("pve1", 100)
        .file_write("/etc/motd", b"\x00\xff\n")
        .await
        .expect("write");
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_large_file_write_goes_in_parts_joined_in_the_guest() {
    let data = vec![b'x'; 100_000];
    let script = ScriptedTransport::new()
        .expect(
            Expect::post(path("/agent/file-write"))
                .param("encode", "0")
                .respond(respond::data(json!(null)))
                .times(3),
        )
        .expect(Expect::post(path("/agent/exec")).respond(respond::data(json!({"pid": 7}))))
        .expect(exited_with(0));
    script
        .client()
        .agent("pve1", 100)
        .file_write("/srv/blob", &data)
        .await
        .expect("write");
    script.finish();
    let requests = script.requests();
    let mut joined = Vec::new();
    let mut parts = Vec::new();
    for r in &requests[..3] {
        let content = r.param("content").unwrap();
        joined.extend(
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, content).unwrap(),
        );
        parts.push(r.param("file").unwrap());
    }
    assert_eq!(joined, data);
    let prefix = parts[0].strip_suffix("000000").expect("numbered parts");
    assert!(prefix.starts_with("/srv/blob.part-"));
    assert_eq!(parts[1], format!("{prefix}000001"));
    let exec: Vec<(String, String)> = requests[3].form();
    let argv: Vec<&str> = exec
        .iter()
        .filter(|(k, _)| k == "command")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(
        argv,
        [
            "sh",
            "-c",
            r#"cat "$1"* > "$0" && rm -f "$1"*"#,
            "/srv/blob",
            prefix
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn wait_ip_takes_a_global_address_of_the_net0_mac() {
    let config =
        json!({"net0": "virtio=BC:24:11:2A:00:64,bridge=vmbr0", "digest": "0123456789abcdef"});
    let early = json!({"result": [
        {"name": "eth0", "hardware-address": "bc:24:11:2a:00:64",
         "ip-addresses": [{"ip-address": "fe80::1", "ip-address-type": "ipv6", "prefix": 64}]}
    ]});
    let later = json!({"result": [
        {"name": "lo", "hardware-address": "00:00:00:00:00:00",
         "ip-addresses": [{"ip-address": "127.0.0.1", "ip-address-type": "ipv4", "prefix": 8}]},
        {"name": "eth1", "hardware-address": "bc:24:11:ff:ff:ff",
         "ip-addresses": [{"ip-address": "198.51.100.7", "ip-address-type": "ipv4", "prefix": 24}]},
        {"name": "eth0", "hardware-address": "bc:24:11:2a:00:64",
         "ip-addresses": [
            {"ip-address": "fe80::1", "ip-address-type": "ipv6", "prefix": 64},
            {"ip-address": "fd00::5", "ip-address-type": "ipv6", "prefix": 64},
            {"ip-address": "2001:db8::5", "ip-address-type": "ipv6", "prefix": 64},
            {"ip-address": "192.0.2.10", "ip-address-type": "ipv4", "prefix": 24}]}
    ]});
    // A bridge on top of the NIC carries its MAC and the address; the NIC has none.
    let bridged = json!({"result": [
        {"name": "ens18", "hardware-address": "bc:24:11:2a:00:64"},
        {"name": "vmbr0", "hardware-address": "BC:24:11:2A:00:64",
         "ip-addresses": [{"ip-address": "203.0.113.4", "ip-address-type": "ipv4", "prefix": 24}]}
    ]});
    let interfaces: Vec<Interface> = serde_json::from_value(bridged["result"].clone()).unwrap();
    assert_eq!(
        super::ip::pick(&interfaces, "bc:24:11:2a:00:64", IpFilter::V4),
        Some("203.0.113.4".parse().unwrap())
    );
    // An IPv6 lab with unique-local addresses only.
    let ula_only = json!([{"name": "eth0", "hardware-address": "bc:24:11:2a:00:64",
        "ip-addresses": [{"ip-address": "fe80::2", "ip-address-type": "ipv6", "prefix": 64},
                         {"ip-address": "fd12:3456::9", "ip-address-type": "ipv6", "prefix": 64}]}]);
    let interfaces: Vec<Interface> = serde_json::from_value(ula_only).unwrap();
    assert_eq!(
        super::ip::pick(&interfaces, "bc:24:11:2a:00:64", IpFilter::V6),
        Some("fd12:3456::9".parse().unwrap())
    );
    for (filter, want) in [
        (IpFilter::V4, "192.0.2.10"),
        (IpFilter::V6, "2001:db8::5"),
        (IpFilter::Any, "192.0.2.10"),
    ] {
        let script = ScriptedTransport::new()
            .expect(Expect::get(path("/config")).respond(respond::data(config.clone())))
            .expect(Expect::get(path("/agent/network-get-interfaces")).respond(not_running()))
            .expect(
                Expect::get(path("/agent/network-get-interfaces"))
                    .respond(respond::data(early.clone())),
            )
            .expect(
                Expect::get(path("/agent/network-get-interfaces"))
                    .respond(respond::data(later.clone())),
            );
        let ip = script
            .client()
            .agent("pve1", 100)
            .wait_ip(filter, Duration::from_secs(60))
            .await
            .expect("an address appears");
        assert_eq!(ip, want.parse::<IpAddr>().unwrap());
        script.finish();
    }
}
