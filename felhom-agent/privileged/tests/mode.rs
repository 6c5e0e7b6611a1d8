//! `Mode` as the agent's configuration spells it: exactly `sudo` or `direct`.

use felhom_privileged::{Mode, UnknownMode};

#[test]
fn exactly_sudo_and_direct_parse_and_print_back() {
    for (text, mode) in [("sudo", Mode::Sudo), ("direct", Mode::Direct)] {
        assert_eq!(text.parse::<Mode>(), Ok(mode));
        assert_eq!(mode.to_string(), text);
        assert_eq!(
            serde_json::from_str::<Mode>(&format!("\"{text}\"")).expect("deserializes"),
            mode
        );
    }
    for text in [
        "", "Sudo", "SUDO", " sudo", "sudo ", "root", "su", "direct\n", "dіrect",
    ] {
        assert_eq!(text.parse::<Mode>(), Err(UnknownMode), "{text:?}");
    }
}

#[test]
fn a_config_with_another_mode_fails_with_a_message_naming_the_choices() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Privileged {
        mode: Mode,
    }
    let err = serde_json::from_str::<Privileged>(r#"{"mode": "root"}"#).expect_err("refused");
    assert!(
        err.to_string().contains("expected \"sudo\" or \"direct\""),
        "{err}"
    );
    assert!(serde_json::from_str::<Privileged>(r#"{"mode": 1}"#).is_err());
    let ok = serde_json::from_str::<Privileged>(r#"{"mode": "direct"}"#).expect("accepted");
    assert_eq!(ok.mode, Mode::Direct);
}
