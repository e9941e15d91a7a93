//! The report's index against the sorted results it replaces for pages.

use super::*;

/// Three rules (two violations, one opinion), results in every list, three departments
/// and tenant-wide ones, written in no order; passes only counted.
fn report() -> AuditReport {
    let snapshot = Snapshot::empty().expect("schema");
    let mut i = 0u64;
    for rule in [2, 0, 1] {
        for list in [1, 0, 2, 3] {
            for department in [Some("300"), None, Some("100"), Some("200")] {
                for _ in 0..(3 + rule + list) {
                    i += 1;
                    // Subjects out of order: the report sorts them.
                    let subject = format!("S-{:03}", (i * 37) % 101);
                    let (outcome, n) = if list == 3 { ("pass", 5) } else { ("fail", 1) };
                    snapshot
                        .conn
                        .execute(
                            "INSERT INTO temp.results (rule, list, subject, department, outcome, reason, n)
                             VALUES (?1, ?2, ?3, ?4, ?5, '理由', ?6)",
                            rusqlite::params![rule, list, subject, department, outcome, n],
                        )
                        .expect("insert");
                }
            }
        }
    }
    let meta = |id: &str, grade, scope| RuleMeta {
        id: id.into(),
        title: id.into(),
        clause: "対策基準".into(),
        subject_kind: "assets".into(),
        grade,
        scope,
    };
    AuditReport::of_results(
        snapshot,
        vec![
            meta("a", Grade::Violation, ReportScope::General),
            meta("b", Grade::Violation, ReportScope::Individual),
            meta("c", Grade::Opinion, ReportScope::Individual),
        ],
    )
}

fn key(e: &Entry) -> (String, Option<String>, String) {
    (e.rule.to_string(), e.department.clone(), e.subject.clone())
}

/// Paging through the report's index gives what the sorted results give, page by
/// page, for every list and filter; the totals and the department counts too.
#[test]
fn pages_read_from_the_index_are_the_sorted_results() {
    let filters = [
        Filter::default(),
        Filter {
            rule: Some("b".into()),
            ..Filter::default()
        },
        Filter {
            grade: Some(Grade::Violation),
            ..Filter::default()
        },
        Filter {
            department: Some("200".into()),
            ..Filter::default()
        },
        Filter {
            rule: Some("c".into()),
            department: Some("100".into()),
            ..Filter::default()
        },
        Filter {
            rule: Some("none".into()),
            ..Filter::default()
        },
    ];
    let lists = [List::Findings, List::Unknown, List::Waived, List::Passes];
    // What the results sorted by the query give, read before any index is filled.
    let plain = report();
    let mut expected = Vec::new();
    for list in lists {
        for filter in &filters {
            let mut all = Vec::new();
            plain
                .for_each(list, filter, |e| {
                    all.push(key(&e));
                    Ok::<(), AuditError>(())
                })
                .expect("read");
            expected.push(all);
        }
    }
    assert!(
        !plain.memo.indexed.get(),
        "an output read once needs no index"
    );
    let indexed = report();
    let mut cases = expected.into_iter();
    for list in lists {
        for filter in &filters {
            let all = cases.next().expect("case");
            let mut paged = Vec::new();
            let mut offset = 0;
            loop {
                let (page, total) = indexed.page(list, filter, offset, 7).expect("page");
                assert_eq!(total as usize, all.len(), "{list:?} {filter:?}");
                if page.is_empty() {
                    break;
                }
                paged.extend(page.iter().map(key));
                offset += 7;
            }
            assert_eq!(paged, all, "{list:?} {filter:?}");
            let (past, _) = indexed.page(list, filter, 10_000, 7).expect("page");
            assert!(past.is_empty());
        }
    }
    assert!(indexed.memo.indexed.get());
    assert!(
        indexed.entries(List::Passes).expect("passes").is_empty(),
        "passes not asked for are only counted"
    );
    let counts = indexed
        .department_counts(&Filter::default())
        .expect("counts");
    let hundred = counts
        .iter()
        .find(|c| c.department.as_deref() == Some("100"))
        .expect("100");
    // Rules 0, 1, 2 have 3, 4, 5 findings (list 0) per department.
    assert_eq!(hundred.fail, 3 + 4 + 5);
    assert_eq!(hundred.unknown, 4 + 5 + 6);
    assert_eq!(hundred.pass, 5 * (6 + 7 + 8), "passes counted with their n");
    assert_eq!(
        counts.first().and_then(|c| c.department.clone()),
        None,
        "tenant-wide first"
    );
}
