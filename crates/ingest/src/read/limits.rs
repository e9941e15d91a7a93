//! How much a file may hold before it is refused: bounds a city's real ledgers never reach
//! and a hostile file (a zip bomb, a sheet with one cell in XFD1048576) always does. Every
//! limit is checked as the bytes or cells arrive, so memory and time stay bounded whatever
//! a file declares about itself.

use std::io::Read;
use std::path::Path;

/// The bounds one import run reads within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries of a ZIP (a bundle or an XLSX, which is a ZIP inside).
    pub zip_entries: usize,
    /// Bytes one ZIP entry may unpack to.
    pub entry_bytes: u64,
    /// Bytes all entries of one ZIP may unpack to.
    pub total_bytes: u64,
    /// Unpacked ÷ packed size an entry may reach once it is past [`RATIO_FLOOR`] bytes.
    pub ratio: u64,
    /// Columns of a sheet (XFD, Excel's last column, is 16,384).
    pub columns: usize,
    /// Rows of a sheet, counting empty ones (Excel's own limit).
    pub rows: usize,
    /// Cells of a sheet that hold something.
    pub cells: usize,
    /// Bytes of one CSV or TSV file (a quote never closed makes the rest of the file one
    /// field, held whole).
    pub text_bytes: u64,
}

/// Below this an entry's ratio is not judged: tiny files of one repeated byte compress
/// far beyond any ratio, harmlessly.
pub const RATIO_FLOOR: u64 = 1024 * 1024;

impl Default for Limits {
    /// A 100,000-row, 40-column asset ledger as XLSX unpacks to a 130 MiB sheet at a ratio
    /// of 10 (measured, docs/decisions.md); these leave a wide margin above it (a sheet of
    /// about 390,000 such rows fits in one entry).
    fn default() -> Self {
        Limits {
            zip_entries: 2_000,
            entry_bytes: 512 * 1024 * 1024,
            total_bytes: 1024 * 1024 * 1024,
            ratio: 200,
            columns: 1_000,
            rows: 1_048_576,
            cells: 50_000_000,
            text_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// Megabytes, as the messages say them.
pub fn mib(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

/// Reads an entry through, counting what it unpacks to, and refuses it as soon as it
/// passes a limit: the size it declares is not trusted.
pub struct Counted<R> {
    inner: R,
    name: String,
    packed: u64,
    read: u64,
    /// Bytes the whole archive may still unpack to.
    budget: u64,
    limits: Limits,
}

impl<R: Read> Counted<R> {
    pub fn new(inner: R, name: &str, packed: u64, budget: u64, limits: Limits) -> Self {
        Counted {
            inner,
            name: name.to_string(),
            packed: packed.max(1),
            read: 0,
            budget,
            limits,
        }
    }

    /// Bytes unpacked so far.
    pub fn unpacked(&self) -> u64 {
        self.read
    }

    fn check(&self) -> Result<(), String> {
        let l = &self.limits;
        if self.read > l.entry_bytes {
            return Err(format!(
                "ZIP の中のファイル「{}」が大きすぎます（展開後 {} MB までです）",
                self.name,
                mib(l.entry_bytes)
            ));
        }
        if self.read > self.budget {
            return Err(format!(
                "ZIP を展開すると大きすぎます（展開後の合計 {} MB までです）",
                mib(l.total_bytes)
            ));
        }
        if self.read > RATIO_FLOOR && self.read / self.packed > l.ratio {
            return Err(format!(
                "ZIP の中のファイル「{}」の圧縮率が異常です（{} 倍を超えています）。\
                 圧縮爆弾の可能性があるため読みません",
                self.name, l.ratio
            ));
        }
        Ok(())
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        self.check()
            .map_err(|m| std::io::Error::other(Refused(m)))?;
        Ok(n)
    }
}

/// A limit passed, carried through `std::io` as the error of a read.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// The message a [`Counted`] refusal carries, or `otherwise` for any other read failure
/// (whose own text is the library's, in English).
pub fn refusal(e: &std::io::Error, otherwise: &str) -> String {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<Refused>())
        .map_or_else(|| otherwise.to_string(), |r| r.0.clone())
}

/// One entry of a ZIP, its bytes read through the limits.
pub struct Entry<'a> {
    pub name: String,
    /// Its path, when it stays inside the folder it is unpacked into.
    pub enclosed: Option<std::path::PathBuf>,
    pub is_dir: bool,
    pub bytes: &'a mut dyn Read,
}

/// Reads every entry of the ZIP at `path` in order, each through [`Counted`]: the number
/// of entries, each entry's size and ratio, and the total are checked as `each` reads.
/// Messages name the limit, never the library's text.
pub fn read_zip(
    path: &Path,
    limits: Limits,
    mut each: impl FnMut(Entry<'_>) -> Result<(), String>,
) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|_| "ファイルを開けません".to_string())?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|_| "ZIP ファイルとして読めません（壊れているか、形式が違います）".to_string())?;
    if archive.len() > limits.zip_entries {
        return Err(format!(
            "ZIP の中のファイルが多すぎます（{} 個までです）",
            limits.zip_entries
        ));
    }
    let mut budget = limits.total_bytes;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| {
            "ZIP の中身を読めません（壊れているか、暗号化されています）".to_string()
        })?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let (enclosed, is_dir, packed) = (
            entry.enclosed_name(),
            entry.is_dir(),
            entry.compressed_size(),
        );
        let mut counted = Counted::new(entry, &name, packed, budget, limits);
        each(Entry {
            name,
            enclosed,
            is_dir,
            bytes: &mut counted,
        })?;
        budget = budget.saturating_sub(counted.unpacked());
    }
    Ok(())
}

/// Checks every entry of the ZIP at `path` by unpacking it into nothing. For an XLSX,
/// which calamine then reads itself; a bundle ZIP is counted as it is unpacked instead.
pub fn check_zip(path: &Path, limits: Limits) -> Result<(), String> {
    read_zip(path, limits, |e| {
        std::io::copy(e.bytes, &mut std::io::sink())
            .map(drop)
            .map_err(|err| refusal(&err, "ZIP の中身を展開できません（壊れています）"))
    })
}
