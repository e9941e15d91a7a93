//! One problem in one place of one file, in words the person who made the file can act on.

/// Where and what: the row is numbered as Excel shows it (the header is row 1 in a file
/// whose header is on its first line), the column as written in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub message: String,
}

impl ImportError {
    /// A problem with the file as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        ImportError {
            file: file.to_string(),
            row: None,
            column: None,
            value: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, " {row}行目")?;
        }
        if let Some(column) = &self.column {
            write!(f, " 列「{column}」")?;
        }
        if let Some(value) = self.value.as_deref().filter(|v| !v.is_empty()) {
            write!(f, " 値「{value}」")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ImportError {}
