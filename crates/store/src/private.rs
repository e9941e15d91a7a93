//! Files only daicho's own user may read: the data folder, the database and its WAL, the
//! uploads waiting to be imported and the audit's working copies all say where a city is
//! weak. Modes are set explicitly (0700 folders, 0600 files), never left to the umask.
//! Working folders are named with the process that made them, so that a later start can
//! remove those of a process that died without cleaning up.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// A folder only the owner may enter (made if missing, tightened if it was not).
pub fn dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir_all(path)?;
    set_mode(path, 0o700)
}

/// A new or truncated file only the owner may read.
pub fn create(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // The mode given at creation passes through the umask, and an existing file keeps its own.
    set_mode(path, 0o600)?;
    Ok(file)
}

/// Opens `path` for a lock, creating it owner-only if missing, never truncating it (another
/// process may hold a lock on it).
pub fn open_lock_file(path: &Path) -> io::Result<File> {
    if let Some(parent) = path.parent() {
        dir(parent)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    set_mode(path, 0o600)?;
    Ok(file)
}

/// Makes an existing file owner-only; a missing one is fine.
pub fn tighten(path: &Path) -> io::Result<()> {
    match set_mode(path, 0o600) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// The prefix of a working folder of this process: `{kind}-{pid}-`.
pub fn work_prefix(kind: &str) -> String {
    format!("{kind}-{}-", std::process::id())
}

/// A working folder in the system's temporary folder, private, removed when dropped.
pub fn work_dir(kind: &str) -> io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix(&work_prefix(kind))
        .tempdir()?;
    set_mode(dir.path(), 0o700)?;
    Ok(dir)
}

/// Removes the working folders of `kind` in `parent` whose process no longer runs (a
/// crash, a kill): they hold copies of a city's ledgers. Returns how many were removed.
pub fn remove_orphans(parent: &Path, kind: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(kind)
            .and_then(|r| r.strip_prefix('-'))
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !alive(pid) && std::fs::remove_dir_all(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Whether a process runs. Where that cannot be told (no /proc), it is taken to run, so
/// that nothing in use is removed.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.exists() || proc.join(pid.to_string()).exists()
}

/// The system's temporary folder.
pub fn temp() -> PathBuf {
    std::env::temp_dir()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_are_the_owners_whatever_the_umask() {
        let base = tempfile::tempdir().expect("dir");
        let d = base.path().join("data");
        std::fs::create_dir(&d).expect("mkdir");
        set_mode(&d, 0o755).expect("open it");
        dir(&d).expect("private");
        assert_eq!(mode(&d), 0o700);
        let f = d.join("x.db");
        std::fs::write(&f, b"x").expect("write");
        set_mode(&f, 0o644).expect("open it");
        create(&f).expect("create");
        assert_eq!(mode(&f), 0o600);
        let w = work_dir("daicho-test").expect("work");
        assert_eq!(mode(w.path()), 0o700);
    }

    #[test]
    fn only_the_folders_of_dead_processes_are_removed() {
        let base = tempfile::tempdir().expect("dir");
        // No process has a pid this large (the kernel's maximum is 4,194,304).
        let dead = base.path().join("daicho-audit-99999999-abc");
        let mine = base
            .path()
            .join(format!("daicho-audit-{}-def", std::process::id()));
        let other = base.path().join("daicho-uploads");
        for d in [&dead, &mine, &other] {
            std::fs::create_dir(d).expect("mkdir");
        }
        assert_eq!(remove_orphans(base.path(), "daicho-audit"), 1);
        assert!(!dead.exists() && mine.exists() && other.exists());
    }
}
