//! Which column is which field. Cities write headers their own way — 所属/所属名/課名,
//! 取得日/取得年月日, full-width ＯＳ, a note in brackets as in the reference report's
//! 「OS(オペレーションシステム)」 — so a header is normalised before it is looked up.

use daicho_domain::normalize_width;
use daicho_store::ledgers::{ASSETS, Ledger, Overlap, ledger};

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
    named(ledger, header).map(|(field, _)| field)
}

/// The column a header names and how directly: 0 for the column's code name or label,
/// then 1, 2, … for its aliases in the order listed.
fn named(ledger: &Ledger, header: &str) -> Option<(&'static str, usize)> {
    let h = normalize(header);
    if h.is_empty() {
        return None;
    }
    ledger.columns.iter().find_map(|c| {
        if normalize(c.name) == h || normalize(c.label) == h {
            return Some((c.name, 0));
        }
        c.aliases
            .iter()
            .position(|a| normalize(a) == h)
            .map(|i| (c.name, i + 1))
    })
}

impl Mapping {
    /// Headers of another ledger. Of a tool's export ([`Overlap::MostDirect`]), the
    /// columns that name a field already named more directly fill nothing.
    pub fn for_ledger(ledger: &Ledger, headers: &[String]) -> Self {
        let mut named: Vec<Option<(&'static str, usize)>> =
            headers.iter().map(|h| named(ledger, h)).collect();
        if ledger.overlap == Overlap::MostDirect {
            // Of each field, the most direct name's (rank, column), the leftmost of equals.
            let mut best = std::collections::HashMap::new();
            for (i, (field, rank)) in named
                .iter()
                .enumerate()
                .filter_map(|(i, n)| Some((i, (*n)?)))
            {
                best.entry(field)
                    .and_modify(|b: &mut (usize, usize)| *b = (*b).min((rank, i)))
                    .or_insert((rank, i));
            }
            for (i, n) in named.iter_mut().enumerate() {
                if let Some((field, rank)) = *n
                    && best.get(field) != Some(&(rank, i))
                {
                    *n = None;
                }
            }
        }
        Mapping {
            columns: named
                .into_iter()
                .zip(headers)
                .map(|(n, h)| (n.map(|(field, _)| field), h.trim().to_string()))
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

/// The ledger a sheet is: the one its name says; else, when its header row is an
/// asset-management tool's export (a host name and no 備品番号, whatever the file is
/// called; below a title line as Systemwalker writes its download time), the inventory;
/// else none (it is read as assets).
pub(crate) fn target_of(
    mut sheet: crate::read::Sheet,
) -> (Option<&'static Ledger>, crate::read::Sheet) {
    if let Some(named) = ledger(&sheet.name) {
        return (Some(named), sheet);
    }
    let Some(inventory) = ledger("inventory") else {
        return (None, sheet);
    };
    // The rows looked at go back in front of the rest, as read.
    let mut peeked = Vec::new();
    let mut is_inventory = false;
    while peeked.len() < HEADER_SEARCH_ROWS {
        let Some(row) = sheet.rows.next() else { break };
        let header = match &row {
            Ok(cells) => cells
                .iter()
                .any(|h| ledger_column(inventory, h) == Some("host_name"))
                .then(|| {
                    !cells
                        .iter()
                        .any(|h| ledger_column(&ASSETS, h) == Some("asset_tag"))
                }),
            Err(_) => Some(false),
        };
        peeked.push(row);
        if let Some(verdict) = header {
            is_inventory = verdict;
            break;
        }
    }
    let rest = std::mem::replace(&mut sheet.rows, Box::new(std::iter::empty()));
    sheet.rows = Box::new(peeked.into_iter().chain(rest));
    (Some(inventory).filter(|_| is_inventory), sheet)
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

    /// Of a tool's overlapping columns, the field's own label beats an alias, an alias
    /// listed first beats a later one, and of two equal names the leftmost is kept (a
    /// grouped header written without quotes splits into a second IPアドレス).
    #[test]
    fn a_tools_overlapping_columns_fill_each_field_once() {
        let inventory = ledger("inventory").expect("inventory");
        let headers: Vec<String> = [
            "OS名",
            "更新日時",
            "コンピュータ名",
            "IPアドレス",
            "最終接続確認日時",
            "TCP/IP情報(ホスト名",
            "IPアドレス",
            "OS",
        ]
        .map(String::from)
        .to_vec();
        let mapping = Mapping::for_ledger(inventory, &headers);
        let filled: Vec<Option<&str>> = mapping.columns.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            filled,
            [
                None,
                None,
                Some("host_name"),
                Some("ip_address"),
                Some("last_seen"),
                None,
                None,
                Some("os")
            ]
        );
        assert_eq!(mapping.duplicated(), None);
        // A city's own ledger keeps both, and the import asks which.
        let both = Mapping::for_ledger(&ASSETS, &["備品番号".into(), "管理番号".into()]);
        assert!(both.duplicated().is_some());
    }
}
