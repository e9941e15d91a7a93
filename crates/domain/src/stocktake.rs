//! Reconciling a stocktake (棚卸の照合): what the ledger expected in a room against what was
//! scanned there — 「現物を漏れず、重複せず」 (reference lines 1698–1702). Pure: the store
//! hands in the expected list (kept when the stocktake started) and the scans, and which
//! scanned tags the ledger knows elsewhere.

use std::collections::{BTreeMap, HashSet};

/// An asset the ledger expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedAsset {
    pub tag: String,
    pub name: String,
    /// The room the ledger puts it in now (its location code), if any.
    pub location: Option<String>,
}

/// One scan (or typed tag), or a thing found without a tag (`tag` none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanLine {
    pub scan_id: String,
    pub tag: Option<String>,
    pub description: Option<String>,
    /// `private` or `donated` when the finder said so.
    pub ownership: Option<String>,
    /// Its kind (an asset kind's code), for a thing without a tag.
    pub kind: Option<String>,
    /// The room it was found in (a location code), when the finder said so.
    pub found_at: Option<String>,
    /// Whether the finder took a photo of it.
    pub photo: bool,
}

/// Where a stocktake stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// Expected and found.
    pub found: Vec<String>,
    /// Expected and not (yet) found.
    pub missing: Vec<String>,
    /// Found, but the ledger puts them elsewhere: another department, or (for an expected
    /// one) another room than the one it was found in.
    pub moved: Vec<String>,
    /// Tags the ledger does not know at all.
    pub unknown_tags: Vec<String>,
    /// Things found without a tag (by their scan id).
    pub untagged: Vec<String>,
    /// Tags scanned more than once, with how many times.
    pub duplicates: Vec<(String, usize)>,
    pub expected: usize,
}

impl Reconciliation {
    /// Found of expected, as a percentage (100 when nothing was expected).
    pub fn progress(&self) -> u32 {
        (self.found.len() * 100)
            .checked_div(self.expected)
            .map_or(100, |p| p as u32)
    }
}

/// How far a stocktake has come in one room: its expected assets and how many are found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomProgress {
    /// The room's location code; none for assets the ledger puts in no room.
    pub location: Option<String>,
    pub expected: usize,
    pub found: usize,
}

/// Progress per room the ledger puts the expected assets in, rooms in code order (assets
/// in no room last): where a department-wide stocktake still has to go.
pub fn progress_by_room(expected: &[ExpectedAsset], r: &Reconciliation) -> Vec<RoomProgress> {
    let found: HashSet<&str> = r.found.iter().map(String::as_str).collect();
    let mut rooms: BTreeMap<(bool, Option<&str>), (usize, usize)> = BTreeMap::new();
    for e in expected {
        let room = e.location.as_deref();
        let entry = rooms.entry((room.is_none(), room)).or_default();
        entry.0 += 1;
        if found.contains(e.tag.as_str()) {
            entry.1 += 1;
        }
    }
    rooms
        .into_iter()
        .map(|((_, room), (expected, found))| RoomProgress {
            location: room.map(str::to_string),
            expected,
            found,
        })
        .collect()
}

/// Reconciles `scans` against `expected`; `known` holds every tag the ledger has.
pub fn reconcile(
    expected: &[ExpectedAsset],
    scans: &[ScanLine],
    known: &HashSet<String>,
) -> Reconciliation {
    let wanted: HashSet<&str> = expected.iter().map(|e| e.tag.as_str()).collect();
    let mut times: BTreeMap<&str, usize> = BTreeMap::new();
    let mut r = Reconciliation {
        expected: expected.len(),
        ..Reconciliation::default()
    };
    for s in scans {
        match s.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(tag) => *times.entry(tag).or_default() += 1,
            None => r.untagged.push(s.scan_id.clone()),
        }
    }
    for (tag, n) in &times {
        if *n > 1 {
            r.duplicates.push((tag.to_string(), *n));
        }
        if wanted.contains(tag) {
            continue;
        }
        if known.contains(*tag) {
            r.moved.push(tag.to_string());
        } else {
            r.unknown_tags.push(tag.to_string());
        }
    }
    for e in expected {
        if times.contains_key(e.tag.as_str()) {
            r.found.push(e.tag.clone());
            let elsewhere = scans.iter().any(|s| {
                s.tag.as_deref().map(str::trim) == Some(e.tag.as_str())
                    && s.found_at.is_some()
                    && s.found_at != e.location
            });
            if elsewhere {
                r.moved.push(e.tag.clone());
            }
        } else {
            r.missing.push(e.tag.clone());
        }
    }
    r.moved.sort();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(id: &str, tag: Option<&str>) -> ScanLine {
        ScanLine {
            scan_id: id.into(),
            tag: tag.map(str::to_string),
            description: None,
            ownership: None,
            kind: None,
            found_at: None,
            photo: false,
        }
    }

    #[test]
    fn found_missing_moved_unknown_untagged_and_twice() {
        let expected: Vec<ExpectedAsset> = ["A-1", "A-2", "A-3"]
            .iter()
            .map(|t| ExpectedAsset {
                tag: t.to_string(),
                name: "PC".into(),
                location: Some("R-1".into()),
            })
            .collect();
        let known: HashSet<String> = ["A-1", "A-2", "A-3", "B-9"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let scans = [
            scan("s1", Some("A-1")),
            scan("s2", Some("A-1")),
            scan("s3", Some("A-3")),
            scan("s4", Some("B-9")),
            scan("s5", Some("Z-0")),
            scan("s6", None),
            scan("s7", Some(" ")),
        ];
        let r = reconcile(&expected, &scans, &known);
        assert_eq!(r.found, ["A-1", "A-3"]);
        assert_eq!(r.missing, ["A-2"]);
        assert_eq!(r.moved, ["B-9"]);
        assert_eq!(r.unknown_tags, ["Z-0"]);
        assert_eq!(r.untagged, ["s6", "s7"]);
        assert_eq!(r.duplicates, [("A-1".to_string(), 2)]);
        assert_eq!(r.progress(), 66);
        assert_eq!(reconcile(&[], &[], &known).progress(), 100);
    }

    #[test]
    fn progress_is_counted_per_room_with_no_room_last() {
        let asset = |tag: &str, room: Option<&str>| ExpectedAsset {
            tag: tag.into(),
            name: "PC".into(),
            location: room.map(str::to_string),
        };
        let expected = [
            asset("A-1", Some("R-2")),
            asset("A-2", None),
            asset("A-3", Some("R-1")),
            asset("A-4", Some("R-2")),
        ];
        let r = reconcile(
            &expected,
            &[scan("s1", Some("A-1")), scan("s2", Some("A-2"))],
            &HashSet::new(),
        );
        let progress = progress_by_room(&expected, &r);
        let rooms: Vec<(Option<&str>, usize, usize)> = progress
            .iter()
            .map(|p| (p.location.as_deref(), p.expected, p.found))
            .collect();
        assert_eq!(
            rooms,
            [(Some("R-1"), 1, 0), (Some("R-2"), 2, 1), (None, 1, 1)]
        );
    }

    #[test]
    fn an_expected_asset_found_in_another_room_is_found_and_moved() {
        let expected = [
            ExpectedAsset {
                tag: "A-1".into(),
                name: "PC".into(),
                location: Some("R-1".into()),
            },
            ExpectedAsset {
                tag: "A-2".into(),
                name: "PC".into(),
                location: Some("R-1".into()),
            },
        ];
        let mut elsewhere = scan("s1", Some("A-1"));
        elsewhere.found_at = Some("R-2".into());
        let mut same_room = scan("s2", Some("A-2"));
        same_room.found_at = Some("R-1".into());
        let r = reconcile(&expected, &[elsewhere, same_room], &HashSet::new());
        assert_eq!(r.found, ["A-1", "A-2"]);
        assert_eq!(r.moved, ["A-1"]);
        assert!(r.missing.is_empty());
    }
}
