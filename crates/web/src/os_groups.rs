//! OS names grouped as the lifecycle catalogue recognises them: a city writes the same
//! product many ways (`Windows XP`, `WindowsXP`, `Win XP`), and what matters to a reader is
//! the product and whether its support has ended; the spellings stay one click away.

use chrono::NaiveDate;
use daicho_rules::eol::{Catalogue, End};
use daicho_store::FacetCount;

/// One recognised product (or one spelling nothing recognises) and its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsGroup {
    /// "Windows 10", or the spelling as written when nothing recognises it.
    pub label: String,
    /// 「サポート終了（2020-01-14（令和2年1月14日））」, 「2025-10-14（…）まで」, 「製品を判別できません」.
    pub support: String,
    /// Support has ended by the day asked about.
    pub ended: bool,
    /// Recognised by the catalogue (then the group is filtered by its label).
    pub recognised: bool,
    pub entries: i64,
    pub quantity: i64,
    /// The spellings as recorded, most used first.
    pub spellings: Vec<FacetCount>,
}

/// What `written` is recognised as: the product's label and its support as of `today`.
fn recognise(
    catalogue: &Catalogue,
    written: &str,
    today: NaiveDate,
) -> Option<(String, String, bool)> {
    let found = catalogue.identify(written)?;
    let (support, ended) = match found.eol {
        End::On(day) if day <= today => (
            format!("サポート終了（{}）", crate::view::date_full(Some(day))),
            true,
        ),
        End::On(day) => (format!("{}まで", crate::view::date_full(Some(day))), false),
        End::Ended => ("サポート終了".to_string(), true),
        End::Supported => ("サポート中".to_string(), false),
    };
    Some((found.label, support, ended))
}

/// The OS counts grouped by recognised product: ended support first, then by entries.
pub fn group(catalogue: &Catalogue, counts: Vec<FacetCount>, today: NaiveDate) -> Vec<OsGroup> {
    let mut groups: Vec<OsGroup> = Vec::new();
    for count in counts {
        let (label, support, ended, recognised) = match recognise(catalogue, &count.key, today) {
            Some((label, support, ended)) => (label, support, ended, true),
            None if count.key.is_empty() => {
                ("（記録なし）".to_string(), String::new(), false, false)
            }
            None => (
                count.key.clone(),
                "製品を判別できません".to_string(),
                false,
                false,
            ),
        };
        let at = groups
            .iter()
            .position(|g| g.recognised && recognised && g.label == label);
        let group = match at {
            Some(i) => &mut groups[i],
            None => {
                groups.push(OsGroup {
                    label,
                    support,
                    ended,
                    recognised,
                    entries: 0,
                    quantity: 0,
                    spellings: Vec::new(),
                });
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        group.entries += count.entries;
        group.quantity += count.quantity;
        group.spellings.push(count);
    }
    for g in &mut groups {
        g.spellings
            .sort_by(|a, b| b.entries.cmp(&a.entries).then(a.key.cmp(&b.key)));
    }
    groups.sort_by(|a, b| {
        b.ended
            .cmp(&a.ended)
            .then(b.entries.cmp(&a.entries))
            .then(a.label.cmp(&b.label))
    });
    groups
}

/// The recorded spellings (of `values`) that the catalogue recognises as `label`.
pub fn spellings_of(catalogue: &Catalogue, label: &str, values: &[String]) -> Vec<String> {
    values
        .iter()
        .filter(|v| catalogue.identify(v).is_some_and(|f| f.label == label))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(key: &str, entries: i64) -> FacetCount {
        FacetCount {
            key: key.into(),
            label: key.into(),
            entries,
            quantity: entries,
        }
    }

    #[test]
    fn spellings_of_one_product_are_one_group_and_ended_support_comes_first() {
        let catalogue = Catalogue::bundled();
        let today = NaiveDate::from_ymd_opt(2023, 10, 6).expect("date");
        let groups = group(
            &catalogue,
            vec![
                count("Windows 11 Pro", 50),
                count("Windows XP", 3),
                count("WindowsXP", 2),
                count("社内独自OS", 1),
                count("", 4),
            ],
            today,
        );
        let first = &groups[0];
        assert_eq!(
            (first.label.as_str(), first.ended, first.entries),
            ("Windows XP", true, 5)
        );
        assert!(
            first.support.starts_with("サポート終了"),
            "{}",
            first.support
        );
        assert_eq!(
            first
                .spellings
                .iter()
                .map(|s| s.key.as_str())
                .collect::<Vec<_>>(),
            ["Windows XP", "WindowsXP"]
        );
        let own = groups
            .iter()
            .find(|g| g.label == "社内独自OS")
            .expect("kept");
        assert_eq!(own.support, "製品を判別できません");
        assert!(
            groups
                .iter()
                .any(|g| g.label == "（記録なし）" && g.entries == 4)
        );
        assert_eq!(
            spellings_of(
                &catalogue,
                "Windows XP",
                &["WindowsXP".into(), "Windows 11 Pro".into()]
            ),
            ["WindowsXP"]
        );
    }
}
