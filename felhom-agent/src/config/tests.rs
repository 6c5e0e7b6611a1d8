//! Every configuration error names the key and its source; the environment beats the file;
//! the token secret is never printed.

use std::path::Path;

use super::*;

const SECRET: &str = "5ec2e7a1-0000-4000-8000-00000000beef";
const PIN: &str = "1B:8F:50:7F:69:E6:72:50:A9:BB:A8:75:5D:C5:7E:36:06:5C:99:88:2B:9A:91:9E:11:71:ED:40:01:A7:AB:C5";
const FILE: &str = "/etc/felhom/agent.json";

fn env(pairs: &[(&str, &str)]) -> Environment {
    Environment::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn full_file() -> String {
    format!(
        r#"{{"proxmox": {{"endpoint": "https://pve1.example:8006", "node": "pve1",
            "token": "felhom-agent@pve!agent={SECRET}", "tls": {{"fingerprint": "{PIN}"}}}},
            "privileged": {{"mode": "direct"}}, "log": {{"level": "debug", "format": "json"}}}}"#
    )
}

fn load(json: &str, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    Settings::from_json(json, Path::new(FILE), &env(vars))
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET), "the secret leaked: {text}");
}

#[test]
fn a_complete_file_loads_with_every_value_and_its_source() {
    let settings = load(&full_file(), &[]).unwrap();
    assert_eq!(
        settings.endpoint.as_ref().unwrap().source,
        Source::File(FILE.into())
    );
    let config = settings.require().unwrap();
    assert_eq!(config.endpoint.as_str(), "https://pve1.example:8006");
    assert_eq!(config.node, "pve1");
    assert_eq!(config.token.id(), "felhom-agent@pve!agent");
    assert_eq!(config.trust, Trust::Fingerprint(PIN.parse().unwrap()));
    assert_eq!(config.privileged_mode, felhom_privileged::Mode::Direct);
    assert_eq!(config.log_level, LogLevel::Debug);
    assert_eq!(config.log_format, LogFormat::Json);
    assert_no_secret(&format!("{config:?}"));
}

#[test]
fn the_shipped_example_config_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/agent.example.json");
    let settings = Settings::load(Some(&path), &Environment::default()).unwrap();
    let config = settings.require().unwrap();
    assert_eq!(config.node, "pve1");
    assert!(matches!(config.trust, Trust::Fingerprint(_)));
}

#[test]
fn the_environment_beats_the_file() {
    let settings = load(
        &full_file(),
        &[
            (vars::NODE, "pve2"),
            (vars::ENDPOINT, "https://10.0.0.2:8006/"),
            (vars::TOKEN, "other@pam!ci=abc123"),
            (vars::LOG_LEVEL, "warn"),
            (vars::LOG_FORMAT, "text"),
            (vars::PRIVILEGED_MODE, "sudo"),
        ],
    )
    .unwrap();
    assert_eq!(
        settings.node.as_ref().unwrap().source,
        Source::Env(vars::NODE)
    );
    let config = settings.require().unwrap();
    assert_eq!(config.node, "pve2");
    assert_eq!(config.endpoint.as_str(), "https://10.0.0.2:8006");
    assert_eq!(config.token.id(), "other@pam!ci");
    assert_eq!(config.token.secret().expose(), "abc123");
    assert_eq!(config.log_level, LogLevel::Warn);
    assert_eq!(config.log_format, LogFormat::Text);
    assert_eq!(config.privileged_mode, felhom_privileged::Mode::Sudo);
}

#[test]
fn a_trust_mode_from_the_environment_replaces_the_files() {
    let ca = tempfile::NamedTempFile::new().unwrap();
    let ca_path = ca.path().to_str().unwrap();
    let settings = load(&full_file(), &[(vars::TLS_CA_FILE, ca_path)]).unwrap();
    assert_eq!(
        settings.trust,
        (
            Trust::CaFile(ca.path().into()),
            Some(Source::Env(vars::TLS_CA_FILE))
        )
    );

    let file = r#"{"proxmox": {"tls": {"insecure_skip_verify": true}}}"#;
    let off = load(file, &[(vars::TLS_INSECURE_SKIP_VERIFY, "false")]).unwrap();
    assert_eq!(
        off.trust,
        (Trust::System, None),
        "an explicit false switches the file's insecure mode off"
    );
    let on = load("{}", &[(vars::TLS_INSECURE_SKIP_VERIFY, "1")]).unwrap();
    assert_eq!(on.trust.0, Trust::InsecureSkipVerify);
    assert_eq!(load("{}", &[]).unwrap().trust, (Trust::System, None));
}

#[test]
fn the_environment_alone_is_enough() {
    let settings = Settings::load(
        None,
        &env(&[
            (vars::TOKEN, &format!("felhom-agent@pve!agent={SECRET}")),
            (vars::NODE, "demo-felhom"),
            (vars::ENDPOINT, "https://192.0.2.10:8006"),
            (vars::TLS_FINGERPRINT, &PIN.to_lowercase()),
        ]),
    )
    .unwrap();
    let config = settings.require().unwrap();
    assert_eq!(config.node, "demo-felhom");
    assert_eq!(config.trust, Trust::Fingerprint(PIN.parse().unwrap()));
}

#[test]
fn missing_settings_are_each_named_with_their_variable() {
    let err = Settings::load(None, &Environment::default())
        .unwrap()
        .require()
        .unwrap_err();
    let keys: Vec<_> = err.missing().iter().map(|m| (m.key, m.env)).collect();
    assert_eq!(
        keys,
        [
            ("proxmox.endpoint", vars::ENDPOINT),
            ("proxmox.node", vars::NODE),
            ("proxmox.token", vars::TOKEN)
        ]
    );
    let text = err.to_string();
    assert!(text.contains("FELHOM_AGENT_PROXMOX_TOKEN"), "{text}");

    let only_token = load(
        r#"{"proxmox": {"endpoint": "https://h:8006", "node": "n"}}"#,
        &[],
    )
    .unwrap();
    let err = only_token.require().unwrap_err();
    assert_eq!(
        err.missing(),
        [MissingSetting {
            key: "proxmox.token",
            env: vars::TOKEN
        }]
    );
}

#[test]
fn unknown_keys_are_refused_with_their_full_key() {
    for (json, key) in [
        (r#"{"proxmx": {}}"#, "proxmx"),
        (
            r#"{"proxmox": {"endpiont": "https://h"}}"#,
            "proxmox.endpiont",
        ),
        (
            r#"{"proxmox": {"tls": {"fingerprnt": "AA"}}}"#,
            "proxmox.tls.fingerprnt",
        ),
        (r#"{"log": {"colour": true}}"#, "log.colour"),
    ] {
        match load(json, &[]) {
            Err(ConfigError::UnknownKey { key: got, origin }) => {
                assert_eq!(got, key);
                assert_eq!(origin, Source::File(FILE.into()));
            }
            other => panic!("{json}: {other:?}"),
        }
    }
}

#[test]
fn wrong_types_name_the_key_and_never_echo_the_value() {
    let cases = [
        (
            format!(r#"{{"proxmox": {{"tls": {{"insecure_skip_verify": "{SECRET}"}}}}}}"#),
            "proxmox.tls.insecure_skip_verify",
        ),
        (
            r#"{"proxmox": {"token": 12345}}"#.to_owned(),
            "proxmox.token",
        ),
        (
            r#"{"proxmox": {"node": ["pve1"]}}"#.to_owned(),
            "proxmox.node",
        ),
        (r#"{"proxmox": "https://h:8006"}"#.to_owned(), "proxmox"),
    ];
    for (json, key) in cases {
        match load(&json, &[]) {
            Err(err @ ConfigError::WrongType { .. }) => {
                let text = err.to_string();
                assert!(text.contains(&format!("`{key}`")), "{text}");
                assert!(text.contains(FILE), "{text}");
                assert!(text.contains("found "), "{text}");
                assert_no_secret(&text);
                assert_no_secret(&format!("{err:?}"));
            }
            other => panic!("{json}: {other:?}"),
        }
    }
}

#[test]
fn broken_json_is_a_syntax_error_with_its_position() {
    match load("{\"proxmox\": {\"node\": \"pve1\",}}", &[]) {
        Err(ConfigError::Syntax {
            line: 1, column, ..
        }) => assert!(column > 20),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        load("{} {}", &[]),
        Err(ConfigError::Syntax { .. })
    ));
    assert!(matches!(load("", &[]), Err(ConfigError::Syntax { .. })));
}

#[test]
fn two_trust_modes_from_one_source_are_refused() {
    let ca = tempfile::NamedTempFile::new().unwrap();
    let both = format!(
        r#"{{"proxmox": {{"tls": {{"ca_file": {:?}, "fingerprint": "{PIN}"}}}}}}"#,
        ca.path()
    );
    match load(&both, &[]) {
        Err(ConfigError::TrustConflict {
            first,
            second,
            first_origin,
            ..
        }) => {
            assert_eq!(
                (first, second),
                ("proxmox.tls.ca_file", "proxmox.tls.fingerprint")
            );
            assert_eq!(first_origin, Source::File(FILE.into()));
        }
        other => panic!("{other:?}"),
    }
    let in_env = load(
        "{}",
        &[
            (vars::TLS_FINGERPRINT, PIN),
            (vars::TLS_INSECURE_SKIP_VERIFY, "true"),
        ],
    );
    match in_env {
        Err(err @ ConfigError::TrustConflict { .. }) => {
            let text = err.to_string();
            assert!(
                text.contains(vars::TLS_FINGERPRINT)
                    && text.contains(vars::TLS_INSECURE_SKIP_VERIFY),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    let insecure_false = format!(
        r#"{{"proxmox": {{"tls": {{"insecure_skip_verify": false, "fingerprint": "{PIN}"}}}}}}"#
    );
    assert!(matches!(
        load(&insecure_false, &[]).unwrap().trust.0,
        Trust::Fingerprint(_)
    ));
}

#[test]
fn bad_tokens_are_refused_naming_the_key_and_source_but_not_the_value() {
    for (token, wanted) in [
        (SECRET.to_owned(), "no `!`"),
        (format!("felhom-agent@pve!agent{SECRET}"), "no `=`"),
        (format!("felhom-agent@pve{SECRET}"), "no `!`"),
    ] {
        let from_file =
            load(&format!(r#"{{"proxmox": {{"token": "{token}"}}}}"#), &[]).unwrap_err();
        let from_env = load("{}", &[(vars::TOKEN, &token)]).unwrap_err();
        for (err, origin) in [(&from_file, FILE), (&from_env, vars::TOKEN)] {
            let text = err.to_string();
            assert!(
                text.contains("`proxmox.token`") && text.contains(origin) && text.contains(wanted),
                "{text}"
            );
            assert_no_secret(&text);
            assert_no_secret(&format!("{err:?}"));
        }
    }
}

#[test]
fn endpoints_must_be_https_origins() {
    for (endpoint, wanted) in [
        ("http://pve1:8006", "must be https://"),
        ("pve1:8006", "https:// URL"),
        ("https://", "no host"),
        ("https://pve1:8006/api2/json", "without a path"),
        ("https://root:pw@pve1:8006", "user name or password"),
        ("https://pve1:99999", "invalid port"),
        ("https://pve1:", "invalid port"),
    ] {
        let err = load(
            &format!(r#"{{"proxmox": {{"endpoint": "{endpoint}"}}}}"#),
            &[],
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`proxmox.endpoint`") && text.contains(FILE) && text.contains(wanted),
            "{endpoint}: {text}"
        );
        let err = load("{}", &[(vars::ENDPOINT, endpoint)]).unwrap_err();
        assert!(err.to_string().contains(vars::ENDPOINT), "{err}");
    }
    for ok in [
        "https://[::1]:8006",
        "https://pve1.example",
        "https://127.0.0.1:8006/",
    ] {
        assert!(
            load(&format!(r#"{{"proxmox": {{"endpoint": "{ok}"}}}}"#), &[]).is_ok(),
            "{ok}"
        );
    }
}

#[test]
fn other_invalid_values_name_their_key() {
    let cases = [
        (r#"{"proxmox": {"node": "pve 1"}}"#, "`proxmox.node`"),
        (
            r#"{"proxmox": {"tls": {"fingerprint": "AB:CD"}}}"#,
            "`proxmox.tls.fingerprint`",
        ),
        (
            r#"{"proxmox": {"tls": {"ca_file": "/nonexistent/ca.pem"}}}"#,
            "`proxmox.tls.ca_file`",
        ),
        (r#"{"privileged": {"mode": "root"}}"#, "`privileged.mode`"),
        (r#"{"log": {"level": "loud"}}"#, "`log.level`"),
        (r#"{"log": {"format": "xml"}}"#, "`log.format`"),
    ];
    for (json, key) in cases {
        let text = load(json, &[]).unwrap_err().to_string();
        assert!(text.contains(key) && text.contains(FILE), "{json}: {text}");
    }
}

#[test]
fn environment_mistakes_name_the_variable() {
    let unknown = load("{}", &[("FELHOM_AGENT_PROXMOX_TOKN", "x")]).unwrap_err();
    assert!(
        matches!(&unknown, ConfigError::UnknownEnv { var } if var == "FELHOM_AGENT_PROXMOX_TOKN")
    );
    let empty = load("{}", &[(vars::NODE, "")]).unwrap_err().to_string();
    assert!(
        empty.contains(vars::NODE) && empty.contains("empty"),
        "{empty}"
    );
    let not_bool = load("{}", &[(vars::TLS_INSECURE_SKIP_VERIFY, "maybe")])
        .unwrap_err()
        .to_string();
    assert!(
        not_bool.contains(vars::TLS_INSECURE_SKIP_VERIFY),
        "{not_bool}"
    );
    let level = load("{}", &[(vars::LOG_LEVEL, "chatty")])
        .unwrap_err()
        .to_string();
    assert!(
        level.contains(vars::LOG_LEVEL) && level.contains("`log.level`"),
        "{level}"
    );
    assert!(
        load("{}", &[("PATH", "/usr/bin"), ("FELHOMAGENT", "x")]).is_ok(),
        "only the prefix counts"
    );
}

#[test]
fn an_unreadable_file_names_the_file() {
    let err = Settings::load(
        Some(Path::new("/nonexistent/agent.json")),
        &Environment::default(),
    )
    .unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(err.to_string().contains("/nonexistent/agent.json"));
}

#[test]
fn nothing_prints_the_secret() {
    let settings = load(&full_file(), &[(vars::TOKEN, &format!("a@pve!b={SECRET}"))]).unwrap();
    assert_no_secret(&format!("{settings:?}"));
    let config = settings.require().unwrap();
    assert_no_secret(&format!("{config:?}"));
    let environment = env(&[(vars::TOKEN, &format!("a@pve!b={SECRET}"))]);
    assert_no_secret(&format!("{environment:?}"));
}

#[test]
fn the_token_can_come_from_the_systemd_credential() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("proxmox-token"),
        format!("felhom-agent@pve!agent={SECRET}\n"),
    )
    .unwrap();
    let creds = dir.path().to_str().unwrap();
    let settings = load(
        r#"{"proxmox": {"endpoint": "https://h:8006", "node": "n"}}"#,
        &[("CREDENTIALS_DIRECTORY", creds)],
    )
    .unwrap();
    let token = settings.token.clone().unwrap();
    assert_eq!(
        token.source,
        Source::Credential(dir.path().join("proxmox-token"))
    );
    assert_eq!(token.value.secret().expose(), SECRET);
    assert_no_secret(&format!("{settings:?}"));
    let from_env = load(
        "{}",
        &[("CREDENTIALS_DIRECTORY", creds), (vars::TOKEN, "a@pve!b=c")],
    )
    .unwrap();
    assert_eq!(
        from_env.token.unwrap().value.id(),
        "a@pve!b",
        "the environment still wins"
    );

    std::fs::write(dir.path().join("proxmox-token"), SECRET).unwrap();
    let err = load("{}", &[("CREDENTIALS_DIRECTORY", creds)])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("systemd credential") && err.contains("no `!`"),
        "{err}"
    );
    assert_no_secret(&err);
    let empty_dir = tempfile::tempdir().unwrap();
    let none = load(
        "{}",
        &[("CREDENTIALS_DIRECTORY", empty_dir.path().to_str().unwrap())],
    )
    .unwrap();
    assert!(none.token.is_none(), "no credential file: not set");
}

#[test]
fn sections_must_be_objects_not_arrays_or_null() {
    for (json, key, found) in [
        (
            format!(r#"[["https://h:8006", "pve1", "a@pve!b={SECRET}"]]"#),
            "(top level)",
            "an array",
        ),
        (
            r#"{"proxmox": ["https://h:8006", "pve1"]}"#.to_owned(),
            "proxmox",
            "an array",
        ),
        (
            r#"{"proxmox": {"tls": "AA:BB"}}"#.to_owned(),
            "proxmox.tls",
            "a string",
        ),
        (r#"{"log": null}"#.to_owned(), "log", "null"),
    ] {
        match load(&json, &[]) {
            Err(err @ ConfigError::WrongType { .. }) => {
                let text = err.to_string();
                assert!(
                    text.contains(&format!("`{key}`"))
                        && text.contains(found)
                        && text.contains("expected an object"),
                    "{text}"
                );
                assert!(!text.contains("struct"), "no Rust type names: {text}");
                assert_no_secret(&text);
            }
            other => panic!("{json}: {other:?}"),
        }
    }
}

#[test]
fn a_key_set_twice_is_named_in_full() {
    let err = load(r#"{"proxmox": {"node": "pve1", "node": "pve2"}}"#, &[]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::WrongType { key, problem, .. } if key == "proxmox.node" && problem.contains("twice")),
        "{err}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted_and_odd_key_names_are_escaped() {
    let with_bom = format!("\u{feff}{}", full_file());
    assert!(load(&with_bom, &[]).is_ok());
    let err = load("{\"pro\\nxmox\\u001b[31m\": {}}", &[])
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\n') && !err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn an_oversized_file_is_refused_without_reading_it_all() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), vec![b' '; 2 * 1024 * 1024]).unwrap();
    let err = Settings::load(Some(file.path()), &Environment::default()).unwrap_err();
    assert!(
        matches!(err, ConfigError::Syntax { .. }) && err.to_string().contains("larger than"),
        "{err}"
    );
}

#[test]
fn the_scheme_is_case_insensitive_and_user_ids_have_one_realm() {
    let ok = load(r#"{"proxmox": {"endpoint": "HTTPS://pve1:8006"}}"#, &[]).unwrap();
    assert_eq!(ok.endpoint.unwrap().value.as_str(), "https://pve1:8006");
    let err = load("{}", &[(vars::TOKEN, "felhom-agent@pve@x!agent=abc")]).unwrap_err();
    assert!(err.to_string().contains("name@realm"), "{err}");
}

#[test]
fn the_credential_replaces_a_file_token_with_a_notice_and_tolerates_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().to_str().unwrap();
    std::fs::write(
        dir.path().join("proxmox-token"),
        format!("\u{feff}felhom-agent@pve!agent={SECRET}\r\n"),
    )
    .unwrap();
    let settings = load(&full_file(), &[("CREDENTIALS_DIRECTORY", creds)]).unwrap();
    let token = settings.token.clone().unwrap();
    assert_eq!(token.value.id(), "felhom-agent@pve!agent");
    assert!(matches!(token.source, Source::Credential(_)));
    assert_eq!(settings.notices.len(), 1, "{:?}", settings.notices);
    assert!(settings.notices[0].contains("ignored"));
    assert_no_secret(&settings.notices[0]);

    std::fs::write(dir.path().join("proxmox-token"), "\n").unwrap();
    let err = load("{}", &[("CREDENTIALS_DIRECTORY", creds)])
        .unwrap_err()
        .to_string();
    assert!(err.contains("empty"), "{err}");
}
