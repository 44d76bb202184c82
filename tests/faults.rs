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
    // The old and the new copy (fonts included) must exist at once: that does not fit.
    let a = ritme()
        .arg("build")
        .arg(site.site())
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    let err = stderr_of(&a);
    assert!(
        err.contains("cannot write the site") && err.contains("No space left"),
        "{err}"
    );
    assert_eq!(before, tree(&out), "the last good build changed");
    let leftovers: Vec<String> = std::fs::read_dir(&disk)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("ritme-new"))
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

#[test]
fn killed_builds_never_leave_a_broken_output() {
    let site = TestSite::example();
    site.build(&[]).success();
    let good = tree(&site.out());
    let bin = assert_cmd::cargo::cargo_bin("ritme");
    // Kill builds at different moments; each time the output must be the
    // complete last good site (same input, so the same bytes), at once or
    // after the next build has recovered it.
    for delay_ms in [0u64, 5, 10, 20, 30, 45, 60, 80, 120, 200] {
        let mut child = Command::new(&bin)
            .arg("build")
            .arg(site.site())
            .arg("-o")
            .arg(site.out())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        if site.out().exists() {
            assert_eq!(good, tree(&site.out()), "output damaged after a kill at {delay_ms} ms");
        }
    }
    site.build(&[]).success();
    assert_eq!(good, tree(&site.out()));
}

#[test]
fn concurrent_builds_into_one_folder_do_not_corrupt_it() {
    let site = TestSite::example();
    site.build(&[]).success();
    let good = tree(&site.out());
    let bin = assert_cmd::cargo::cargo_bin("ritme");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(&bin)
                .arg("build")
                .arg(site.site())
                .arg("-o")
                .arg(site.out())
                .output_spawn()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
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
