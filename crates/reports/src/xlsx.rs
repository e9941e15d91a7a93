//! A small writer over rust_xlsxwriter for the reports' sheets: a bold header row, then
//! rows of cells, counts and scores written as numbers so a spreadsheet can sum them.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// One worksheet being filled row by row.
pub(crate) struct Sheet<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
}

impl<'a> Sheet<'a> {
    pub(crate) fn new(wb: &'a mut Workbook, name: &str) -> Result<Self, XlsxError> {
        let sheet = wb.add_worksheet();
        sheet.set_name(name)?;
        Ok(Sheet { sheet, row: 0 })
    }

    /// Writes one row. The first row is the header (bold). A cell that is a plain number
    /// (digits with at most one point, no leading zero) is written as a number; codes such
    /// as 010200 stay text.
    pub(crate) fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), XlsxError> {
        let bold = Format::new().set_bold();
        for (col, cell) in cells.iter().enumerate() {
            let text = cell.as_ref();
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            match number(text) {
                Some(n) if self.row > 0 => {
                    self.sheet.write_number(self.row, col, n)?;
                }
                _ if self.row == 0 => {
                    self.sheet
                        .write_string_with_format(self.row, col, text, &bold)?;
                }
                _ => {
                    self.sheet.write_string(self.row, col, text)?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }
}

fn number(text: &str) -> Option<f64> {
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.matches('.').count() <= 1
        && !(text.len() > 1 && text.starts_with('0') && !text.starts_with("0."));
    if plain { text.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_numbers_codes_are_text() {
        assert_eq!(super::number("2665"), Some(2665.0));
        assert_eq!(super::number("9.2"), Some(9.2));
        assert_eq!(super::number("0"), Some(0.0));
        assert_eq!(super::number("010200"), None);
        assert_eq!(super::number("1-1"), None);
        assert_eq!(super::number("－"), None);
    }
}
