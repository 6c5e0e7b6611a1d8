//! The process-model files against the code and the schema: the role's 16 privileges, the
//! `pveum` commands around them, and the systemd unit's hardening.

use felhom_privileged::dist::{PVEUM_ROLE, ROLE_PRIVILEGES, SYSTEMD_UNIT};

fn role_privileges_in_script() -> Vec<&'static str> {
    let line = PVEUM_ROLE
        .lines()
        .find(|l| l.starts_with("pveum role add FelhomAgent -privs "))
        .expect("the role line");
    let quoted = line.split('"').nth(1).expect("quoted privilege list");
    quoted.split_whitespace().collect()
}

#[test]
fn the_role_script_grants_exactly_role_privileges() {
    assert_eq!(role_privileges_in_script(), ROLE_PRIVILEGES);
    assert_eq!(ROLE_PRIVILEGES.len(), 16);
    assert!(ROLE_PRIVILEGES.contains(&"SDN.Use"));
    assert!(!ROLE_PRIVILEGES.contains(&"VM.Config.CPUMemory"));
    let mut unique = ROLE_PRIVILEGES.to_vec();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 16, "a privilege is listed twice");
}

#[test]
fn every_role_privilege_exists_in_the_pinned_pve_version() {
    // schema/privileges.json is what the SDK's `Privilege` enum is generated from.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/privileges.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read privileges.json"))
            .expect("JSON");
    let known: Vec<&str> = json["privileges"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| p.as_str().expect("name"))
        .collect();
    for privilege in ROLE_PRIVILEGES {
        assert!(
            known.contains(privilege),
            "{privilege} is not a PVE {} privilege",
            json["pve_version"]
        );
    }
}

#[test]
fn the_role_is_granted_to_the_user_and_its_privsep_token_on_the_same_path() {
    let commands: Vec<&str> = PVEUM_ROLE
        .lines()
        .filter(|l| l.starts_with("pveum "))
        .collect();
    assert_eq!(commands.len(), 5, "{commands:#?}");
    assert!(commands.contains(&"pveum acl modify / -user 'felhom-agent@pve' -role FelhomAgent"));
    assert!(
        commands.contains(&"pveum acl modify / -token 'felhom-agent@pve!agent' -role FelhomAgent")
    );
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("pveum user token add felhom-agent@pve agent --privsep 1"))
    );
    assert!(PVEUM_ROLE.starts_with("#!/bin/sh\n") && PVEUM_ROLE.contains("\nset -eu\n"));
}

/// `Key=value` settings of the unit's `[Service]` section.
fn service_settings() -> Vec<(&'static str, &'static str)> {
    let service = SYSTEMD_UNIT.split("[Service]").nth(1).expect("[Service]");
    let service = service.split("\n[").next().expect("section");
    service
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .map(|l| l.split_once('=').expect("key=value"))
        .collect()
}

fn setting(key: &str) -> Vec<&'static str> {
    service_settings()
        .into_iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| v)
        .collect()
}

#[test]
fn the_unit_runs_a_dedicated_non_root_user_in_a_filesystem_sandbox() {
    assert_eq!(setting("User"), ["felhom-agent"]);
    assert_eq!(setting("Group"), ["felhom-agent"]);
    assert_eq!(setting("ProtectSystem"), ["strict"]);
    assert_eq!(setting("ProtectHome"), ["yes"]);
    assert_eq!(setting("PrivateTmp"), ["yes"]);
    assert_eq!(setting("Restart"), ["on-failure"]);
    assert_eq!(
        setting("RestartPreventExitStatus"),
        ["2 4"],
        "no restart loop on config/privilege errors"
    );
    assert_eq!(
        setting("ExecStart"),
        ["/usr/bin/felhom-agent --config /etc/felhom-agent/agent.json --selftest"]
    );
    assert_eq!(
        setting("LoadCredential"),
        ["proxmox-token:/etc/felhom-agent/proxmox-token"]
    );
}

#[test]
fn no_new_privileges_is_off_only_for_sudo_and_nothing_implies_it_back_on() {
    assert_eq!(setting("NoNewPrivileges"), ["no"]);
    let comment_before = SYSTEMD_UNIT
        .split("\nNoNewPrivileges=no")
        .next()
        .expect("text");
    assert!(comment_before.contains("NoNewPrivileges is deliberately left off"));
    assert!(comment_before.contains("sudo"));
    // For a unit with User=, each of these makes systemd set no_new_privs anyway.
    for implies in [
        "SystemCallFilter",
        "SystemCallArchitectures",
        "RestrictAddressFamilies",
        "RestrictNamespaces",
        "LockPersonality",
        "RestrictRealtime",
        "RestrictSUIDSGID",
        "MemoryDenyWriteExecute",
        "ProtectClock",
        "ProtectKernelTunables",
        "ProtectKernelModules",
        "ProtectKernelLogs",
        "ProtectHostname",
        "PrivateDevices",
        "DynamicUser",
    ] {
        assert!(
            setting(implies).is_empty(),
            "{implies} would imply NoNewPrivileges=yes"
        );
    }
}

#[test]
fn the_unit_carries_no_secret() {
    assert!(setting("Environment").is_empty());
    assert!(
        setting("EnvironmentFile").is_empty(),
        "the token comes from LoadCredential"
    );
    for secretish in ["PVEAPIToken", "TOKEN=", "SECRET", "password"] {
        assert!(!SYSTEMD_UNIT.contains(secretish), "{secretish}");
    }
}
