//! The world typst compiles in: one main file (the template), one data file, the
//! system's Japanese fonts, and no clock (a report has no "today" of its own).

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;
use typst::diag::{FileError, FileResult, Severity};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::PdfError;

/// The font files looked for, Gothic first (the body's font).
pub const FONT_FILES: [&str; 2] = ["ipaexg.ttf", "ipaexm.ttf"];

/// Where the fonts are looked for: `DAICHO_FONT_DIR`, then Debian's places.
pub fn fonts_dir() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("DAICHO_FONT_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    dirs.extend(
        [
            "/usr/share/fonts/opentype/ipaexfont-gothic",
            "/usr/share/fonts/opentype/ipaexfont-mincho",
            "/usr/share/fonts/truetype/ipaexfont",
        ]
        .map(PathBuf::from),
    );
    dirs
}

/// The fonts, read once per process (about 8 MB; typst embeds only the glyphs used).
fn fonts() -> Result<&'static [Font], PdfError> {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut found = Vec::new();
        for name in FONT_FILES {
            let Some(data) = fonts_dir()
                .iter()
                .find_map(|dir| std::fs::read(dir.join(name)).ok())
            else {
                continue;
            };
            found.extend(Font::iter(Bytes::new(data)));
        }
        found
    });
    if fonts.is_empty() {
        Err(PdfError::NoFont)
    } else {
        Ok(fonts)
    }
}

/// Whether the Japanese fonts are there (without them no PDF can be made).
pub fn fonts_available() -> bool {
    fonts().is_ok()
}

struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: &'static [Font],
    main: Source,
    data_id: FileId,
    data: Bytes,
}

fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path).map_err(|e| PdfError::Typeset(format!("{e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Typesets `template` with `data` as `/data.json` and writes the PDF.
pub(crate) fn typeset(template: &str, data: &Value) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let main = Source::new(file_id("/main.typ")?, template.to_string());
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(fonts)),
        fonts,
        main,
        data_id: file_id("/data.json")?,
        data: Bytes::new(data.to_string().into_bytes()),
    };
    let warned = typst::compile::<PagedDocument>(&world);
    let document = warned.output.map_err(|errors| {
        PdfError::Typeset(
            errors
                .iter()
                .filter(|e| e.severity == Severity::Error)
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PdfError::Typeset(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}
