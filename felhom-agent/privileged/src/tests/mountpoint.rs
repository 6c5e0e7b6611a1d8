//! Mountpoints against a real directory tree: lexical rules, and symlinks planted anywhere on
//! the path (the leaf, a middle component, a link leaving the base, a link into the base).

use std::os::unix::fs::symlink;

use crate::{Argument, InvalidArgument, MountPoint, Problem};

struct Tree {
    _dir: tempfile::TempDir,
    base: &'static str,
}

fn tree() -> Tree {
    let dir = tempfile::tempdir().expect("temporary directory");
    // Resolve the temporary directory itself (it may sit behind a symlink, e.g. /tmp).
    let real = std::fs::canonicalize(dir.path()).expect("resolve");
    let base = real.join("base");
    std::fs::create_dir_all(base.join("usb/disk1")).expect("mkdir");
    std::fs::create_dir_all(real.join("outside/etc")).expect("mkdir");
    symlink(real.join("outside/etc"), base.join("escape")).expect("symlink");
    symlink(base.join("usb/disk1"), base.join("alias")).expect("symlink");
    symlink(real.join("outside"), base.join("usb/hop")).expect("symlink");
    let base: &'static str = Box::leak(base.display().to_string().into_boxed_str());
    Tree { _dir: dir, base }
}

fn refused(problem: Problem) -> Result<MountPoint, InvalidArgument> {
    Err(InvalidArgument {
        argument: Argument::Mountpoint,
        problem,
    })
}

#[test]
fn a_real_directory_below_the_base_is_accepted() {
    let t = tree();
    let path = format!("{}/usb/disk1", t.base);
    assert_eq!(
        MountPoint::under(t.base, &path).expect("valid").as_str(),
        path
    );
}

#[test]
fn symlinks_anywhere_on_the_path_are_refused() {
    let t = tree();
    for rel in ["escape", "alias", "usb/hop", "usb/hop/etc"] {
        let path = format!("{}/{rel}", t.base);
        assert_eq!(
            MountPoint::under(t.base, &path),
            refused(Problem::SymlinkEscape),
            "{rel}"
        );
    }
}

#[test]
fn lexical_escapes_and_odd_paths_are_refused() {
    let t = tree();
    let b = t.base;
    let outside = Problem::OutsideBase { base: b };
    let cases: Vec<(String, Problem)> = vec![
        (format!("{b}/usb/../../outside"), Problem::NotNormalised),
        (format!("{b}/./usb"), Problem::NotNormalised),
        (format!("{b}//usb"), Problem::NotNormalised),
        (format!("{b}/usb/"), Problem::NotNormalised),
        (b.to_owned(), outside.clone()),
        (format!("{b}x/usb"), outside.clone()),
        ("/etc".to_owned(), outside),
        ("usb/disk1".to_owned(), Problem::NotAbsolute),
        (format!("{b}/usb/missing"), Problem::NotADirectory),
        (
            format!("{b}/.hidden"),
            Problem::Malformed {
                expected: "1-4 components of [A-Za-z0-9._-] below the base",
            },
        ),
        (
            format!("{b}/a/b/c/d/e"),
            Problem::Malformed {
                expected: "1-4 components of [A-Za-z0-9._-] below the base",
            },
        ),
        (format!("{b}/usb disk"), Problem::ForbiddenCharacter),
        (format!("{b}/usb\ndisk"), Problem::ControlCharacter),
        (format!("{b}/usb\0"), Problem::ControlCharacter),
        (format!("{b}/ｕsb"), Problem::ForbiddenCharacter),
        (format!("{b}/$(reboot)"), Problem::ForbiddenCharacter),
        (
            format!("{b}/{}", "a".repeat(600)),
            Problem::TooLong { max: 512 },
        ),
    ];
    for (path, problem) in cases {
        assert_eq!(
            MountPoint::under(t.base, &path),
            refused(problem),
            "{path:?}"
        );
    }
}

#[test]
fn the_production_base_is_fixed() {
    assert_eq!(MountPoint::BASE, "/mnt/felhom");
    assert_eq!(
        MountPoint::new("/srv/usb"),
        refused(Problem::OutsideBase {
            base: "/mnt/felhom"
        })
    );
}
