//! Files sent for import, waiting for the user to confirm them. Each upload is a private
//! folder named by a random token inside this server's own private folder, bound to the
//! user who sent it; it goes when confirmed, cancelled, or left for an hour, and a user
//! may keep only a few at once.

use crate::error::AppError;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long an upload may wait for its confirmation.
pub const MAX_AGE: Duration = Duration::from_secs(3600);

/// Uploads one user may have waiting at once.
pub const MAX_PENDING: usize = 3;

/// The largest upload accepted (a million-row ledger is about 150 MB as CSV).
pub const MAX_BYTES: usize = 512 * 1024 * 1024;

/// The name of the servers' upload folders (`daicho-uploads-{pid}-…`).
pub const WORK_KIND: &str = "daicho-uploads";

pub(crate) fn io(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "upload folder");
    AppError::Unavailable("アップロードを保存できません。時間をおいて再度お試しください。".into())
}

/// The uploads of one server.
#[derive(Debug)]
pub struct Uploads {
    root: std::io::Result<tempfile::TempDir>,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            root: daicho_store::private::work_dir(WORK_KIND),
        }
    }
}

/// What marks an upload as someone's.
pub fn owner_mark(tenant_id: i64, user_id: i64) -> String {
    format!("{tenant_id}:{user_id}")
}

impl Uploads {
    fn root(&self) -> Result<&Path, AppError> {
        match &self.root {
            Ok(d) => Ok(d.path()),
            Err(e) => Err(io(std::io::Error::new(e.kind(), e.to_string()))),
        }
    }

    /// The folder of upload `token` (which may not exist).
    pub fn dir(&self, token: &str) -> Result<PathBuf, AppError> {
        Ok(self.root()?.join(token))
    }

    /// Removes uploads left longer than [`MAX_AGE`].
    pub fn prune(&self) {
        let Ok(root) = self.root() else { return };
        let Ok(entries) = std::fs::read_dir(root) else {
            return;
        };
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > MAX_AGE);
            if old {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }

    /// How many uploads `owner` has waiting.
    pub fn pending(&self, owner: &str) -> usize {
        let Ok(root) = self.root() else { return 0 };
        std::fs::read_dir(root)
            .map(|d| {
                d.flatten()
                    .filter(|e| {
                        std::fs::read_to_string(e.path().join("owner")).is_ok_and(|o| o == owner)
                    })
                    .count()
            })
            .unwrap_or(0)
    }

    /// A new private folder for an upload of `owner`, refused past [`MAX_PENDING`].
    pub fn begin(&self, token: &str, owner: &str) -> Result<PathBuf, AppError> {
        self.prune();
        if self.pending(owner) >= MAX_PENDING {
            return Err(AppError::Invalid(format!(
                "確認待ちの取込が{MAX_PENDING}件あります。取り込むか取り消してから、もう一度送信してください。"
            )));
        }
        let dir = self.dir(token)?;
        daicho_store::private::dir(&dir.join("files")).map_err(io)?;
        daicho_store::private::dir(&dir).map_err(io)?;
        write(&dir.join("owner"), owner)?;
        Ok(dir)
    }
}

/// Writes a small owner-only file.
pub fn write(path: &Path, text: &str) -> Result<(), AppError> {
    let mut file = daicho_store::private::create(path).map_err(io)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io)
}

/// Removes the folders earlier servers left behind: those of processes that no longer run,
/// and the shared folder of versions before uploads were per server.
pub fn remove_stale() -> usize {
    let temp = daicho_store::private::temp();
    let legacy = temp.join(WORK_KIND);
    let mut removed = usize::from(legacy.is_dir() && std::fs::remove_dir_all(&legacy).is_ok());
    removed += daicho_store::private::remove_orphans(&temp, WORK_KIND);
    removed += daicho_store::private::remove_orphans(&temp, daicho_ingest::WORK_KIND);
    removed += daicho_store::private::remove_orphans(&temp, daicho_rules::snapshot::WORK_KIND);
    removed
}
