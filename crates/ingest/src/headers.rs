//! Which column is which field. Cities write headers their own way — 所属/所属名/課名,
//! 取得日/取得年月日, full-width ＯＳ, a note in brackets as in the reference report's
//! 「OS(オペレーションシステム)」 — so a header is normalised before it is looked up.

use daicho_domain::normalize_width;
use daicho_store::ledgers::{ASSETS, Ledger, ledger};

/// Lower-case ASCII, full-width folded, spaces and line breaks removed, and a trailing
/// bracketed note dropped: 「ＯＳ（オペレーションシステム）」 → "os".
pub fn normalize(header: &str) -> String {
    let folded: String = normalize_width(header)
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match folded.find(['(', '（']) {
        Some(i) if i > 0 => folded[..i].to_string(),
        _ => folded,
    }
}

/// A header row read: for each column, the field it fills (or none) and the header as
/// written, for messages.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub columns: Vec<(Option<&'static str>, String)>,
}

/// The column of `ledger` a header names, if any: its code name, Japanese label or an
/// alias.
pub fn ledger_column(ledger: &Ledger, header: &str) -> Option<&'static str> {
    let h = normalize(header);
    if h.is_empty() {
        return None;
    }
    ledger
        .columns
        .iter()
        .find(|c| {
            normalize(c.name) == h
                || normalize(c.label) == h
                || c.aliases.iter().any(|a| normalize(a) == h)
        })
        .map(|c| c.name)
}

impl Mapping {
    /// Headers of another ledger.
    pub fn for_ledger(ledger: &Ledger, headers: &[String]) -> Self {
        Mapping {
            columns: headers
                .iter()
                .map(|h| (ledger_column(ledger, h), h.trim().to_string()))
                .collect(),
        }
    }

    /// How many columns were recognised.
    pub fn recognised(&self) -> usize {
        self.columns.iter().filter(|(f, _)| f.is_some()).count()
    }

    /// Whether some column fills `field`.
    pub fn has(&self, field: &str) -> bool {
        self.columns.iter().any(|(f, _)| *f == Some(field))
    }

    /// The headers that fill no field (shown, then left out).
    pub fn ignored(&self) -> Vec<String> {
        self.columns
            .iter()
            .filter(|(f, h)| f.is_none() && !h.is_empty())
            .map(|(_, h)| h.clone())
            .collect()
    }

    /// The same field named twice is ambiguous.
    pub fn duplicated(&self) -> Option<(&'static str, Vec<String>)> {
        for (i, (field, _)) in self.columns.iter().enumerate() {
            let Some(field) = field else { continue };
            let same: Vec<String> = self
                .columns
                .iter()
                .filter(|(f, _)| *f == Some(*field))
                .map(|(_, h)| h.clone())
                .collect();
            if same.len() > 1
                && self.columns.iter().position(|(f, _)| *f == Some(*field)) == Some(i)
            {
                return Some((field, same));
            }
        }
        None
    }
}

/// Title rows often stand above the header: the header is the first of the first ten
/// rows that names at least two fields.
pub const HEADER_SEARCH_ROWS: usize = 10;

/// The ledger a sheet is: the one its name says; else, when its headers are an
/// asset-management tool's export (a host name and no 備品番号, whatever the file is
/// called), the inventory; else none (it is read as assets).
pub(crate) fn target_of(
    mut sheet: crate::read::Sheet,
) -> (Option<&'static Ledger>, crate::read::Sheet) {
    if let Some(named) = ledger(&sheet.name) {
        return (Some(named), sheet);
    }
    let first = sheet.rows.next();
    let inventory = match (&first, ledger("inventory")) {
        (Some(Ok(headers)), Some(inventory)) => {
            let has = |l: &Ledger, field: &str| {
                headers.iter().any(|h| ledger_column(l, h) == Some(field))
            };
            has(inventory, "host_name") && !has(&ASSETS, "asset_tag")
        }
        _ => false,
    };
    // The header row read goes back in front of the rest.
    let rest = std::mem::replace(&mut sheet.rows, Box::new(std::iter::empty()));
    sheet.rows = Box::new(first.into_iter().chain(rest));
    (ledger("inventory").filter(|_| inventory), sheet)
}

#[cfg(test)]
mod tests {
    use super::*;
    use daicho_store::ledgers::ASSETS;

    #[test]
    fn reads_the_ways_cities_write_headers() {
        let cases = [
            ("ＯＳ", "os"),
            ("OS(オペレーションシステム)", "os"),
            ("所属名", "department"),
            ("課名", "department"),
            ("取得年月日", "acquired_on"),
            ("取得日/リース又はサービス開始日", "acquired_on"),
            ("有形資産(ハードウェア)", "kind"),
            ("システム名称(ソフトウェア)", "system_name"),
            ("設置場所(施設名称)", "location"),
            ("インターネット接続の有無", "internet"),
            ("利用台数", "quantity"),
            (" 備品番号 ", "asset_tag"),
            ("asset_tag", "asset_tag"),
            ("Ｍａｋｅｒ", "maker"),
        ];
        for (header, field) in cases {
            assert_eq!(ledger_column(&ASSETS, header), Some(field), "{header}");
        }
        assert_eq!(ledger_column(&ASSETS, "契約期間"), None);
    }
}
