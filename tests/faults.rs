//! Faults while writing: nothing is ever lost.

mod support;

use std::process::Command;
use std::time::Duration;

use support::*;

/// Mounts a tmpfs at `dir` with `options`; false when not permitted (not root).
fn mount_tmpfs(dir: &std::path::Path, options: &str) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    Command::new("mount")
        .args(["-t", "tmpfs", "-o", options, "tmpfs"])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success())
}

struct Unmount(std::path::PathBuf);
impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[cfg_attr(not(ritme_root), ignore = "needs root, to mount a small tmpfs")]
fn full_disk_gives_a_clear_error_and_keeps_the_last_good_build() {
    let site = TestSite::example();
    let disk = site.tmp.path().join("small-disk");
    if !mount_tmpfs(&disk, "size=2500k") {
        skip_mount("mounting a tmpfs is not permitted here");
        return;
    }
    let _guard = Unmount(disk.clone());
    let out = disk.join("site");
    // A first, small build fits.
    let small = TestSite::fixture("minimal");
    ritme()
        .arg("build")
        .arg(small.site())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let before = tree(&out);
    // The old and the new copy (fonts included) must exist at once: that
    // does not fit. A full disk is the machine's problem: exit 2.
    let a = ritme()
        .arg("build")
        .arg(site.site())
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("cannot write the site") && err.contains("No space left"),
        "{err}"
    );
    assert_eq!(before, tree(&out), "the last good build changed");
    // Only the output and the siblings ritme keeps beside it; no staging
    // folder of the failed build.
    let leftovers: Vec<String> = std::fs::read_dir(&disk)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            ![
                "site",
                ".site.ritme-lock",
                ".site.ritme-prev",
                ".site.ritme-cache",
                ".site.ritme-md",
                ".site.ritme-words",
                ".site.ritme-front",
                ".site.ritme-src",
            ]
            .contains(&n.as_str())
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
#[cfg_attr(not(ritme_root), ignore = "needs root, to mount a small tmpfs")]
fn read_only_output_gives_a_clear_error() {
    let site = TestSite::fixture("minimal");
    let disk = site.tmp.path().join("ro");
    if !mount_tmpfs(&disk, "ro,size=1m") {
        skip_mount("mounting a tmpfs is not permitted here");
        return;
    }
    let _guard = Unmount(disk.clone());
    let a = ritme()
        .arg("build")
        .arg(site.site())
        .arg("-o")
        .arg(disk.join("out"))
        .assert()
        .code(1);
    assert!(stderr_of(&a).contains("Read-only file system"), "{}", stderr_of(&a));
}

#[test]
fn output_under_a_file_is_a_clear_error() {
    let site = TestSite::fixture("minimal");
    let file = site.tmp.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let a = ritme()
        .arg("build")
        .arg(site.site())
        .arg("-o")
        .arg(file.join("out"))
        .assert()
        .code(1);
    assert!(stderr_of(&a).contains("cannot"), "{}", stderr_of(&a));
}

/// Two versions of the example's home page, so that every build has work
/// to do (the "nothing changed" shortcut would make it a no-op).
fn version(site: &TestSite, n: usize) {
    let home = support::example().join("index.md");
    let text = std::fs::read_to_string(home).unwrap();
    site.write("index.md", &format!("{text}\n\nVersie {n} van de startpagina.\n"));
}

#[test]
fn killed_builds_never_leave_a_broken_output() {
    let site = TestSite::example();
    let mut good = Vec::new();
    for n in 0..2 {
        version(&site, n);
        site.build(&["--no-cache"]).success();
        good.push(tree(&site.out()));
    }
    assert_ne!(good[0], good[1]);
    let bin = assert_cmd::cargo::cargo_bin("ritme");
    // Kill real builds (a changed input, no cache) at different moments;
    // each time the output must be one complete site: the last good one,
    // or the new one if the build got that far.
    let mut completed = 0;
    for (i, delay_ms) in [0u64, 20, 50, 100, 150, 200, 300, 400, 550, 700]
        .into_iter()
        .enumerate()
    {
        version(&site, (i + 1) % 2);
        let mut child = Command::new(&bin)
            .arg("build")
            .arg(site.site())
            .arg("-o")
            .arg(site.out())
            .arg("--no-cache")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        if child.wait().unwrap().success() {
            completed += 1;
        }
        if site.out().exists() {
            let now = tree(&site.out());
            assert!(good.contains(&now), "output damaged after a kill at {delay_ms} ms");
        }
    }
    assert!(completed < 10, "no build was killed before it finished");
    version(&site, 0);
    let a = site.build(&["--no-cache"]).success();
    assert!(String::from_utf8_lossy(&a.get_output().stdout).starts_with("Built "));
    assert_eq!(good[0], tree(&site.out()));
}

#[test]
fn concurrent_builds_into_one_folder_do_not_corrupt_it() {
    let site = TestSite::example();
    site.build(&[]).success();
    // Every build has work to do: a changed page, no cache.
    version(&site, 1);
    let good = tree(&site.clean_build("clean"));
    let bin = assert_cmd::cargo::cargo_bin("ritme");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(&bin)
                .arg("build")
                .arg(site.site())
                .arg("-o")
                .arg(site.out())
                .arg("--no-cache")
                .output_spawn()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("Built "),
            "a build did no work: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    assert_eq!(good, tree(&site.out()));
}

trait SpawnQuiet {
    fn output_spawn(&mut self) -> std::process::Child;
}

impl SpawnQuiet for Command {
    fn output_spawn(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}
