//! The reference report's item list (監査の結果及び意見の一覧, lines 612–723) numbered from its
//! items and the order its departments were visited: 総1–総8, 個1–個31 with every 「(共通)」,
//! 「指摘又は意見なし」 where a department has none, and the count table 1/12/13, 7/19/26.

use daicho_domain::audit_item::{ItemPlace, ItemScope, number};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Grade {
    Violation,
    Opinion,
}
use Grade::{Opinion as O, Violation as V};

/// The departments in the order the report lists them (its visits).
const VISITS: &[&str] = &[
    "総合政策部広報戦略課",
    "教育部教育研修課",
    "教育部学校支援課",
    "下関市立歴史博物館",
    "下関市立考古博物館",
    "環境部",
    "教育委員会中央図書館",
    "議会事務局議事課",
    "菊川総合支所",
    "豊浦総合支所",
    "豊北総合支所",
    "豊田総合支所",
    "下関商業高等学校",
    "下関市立文関小学校",
    "下関市立向山小学校",
    "日新中学校",
    "ボートレース企業局",
    "市民部市民サービス課",
    "消防局",
    "港湾局",
    "財政部財政課",
    "財政部納税課",
    "福祉部保険年金課",
    "財政部市民税課",
    "福祉部介護保険課",
    "総務部契約課",
    "豊田中央病院",
    "上下水道局",
    "こども未来部幼児保育課",
    "こども未来部こども家庭支援課",
    "総務部職員課",
    "出納室",
];

/// (report number, grade, departments) of every individual item.
#[rustfmt::skip]
const INDIVIDUAL: &[(u32, Grade, &[&str])] = &[
    (1, O, &["総合政策部広報戦略課"]),
    (2, V, &["教育部教育研修課", "下関市立歴史博物館", "下関市立考古博物館", "環境部", "教育委員会中央図書館",
             "議会事務局議事課", "菊川総合支所", "豊北総合支所", "下関商業高等学校", "市民部市民サービス課",
             "消防局", "財政部財政課", "豊田中央病院", "上下水道局"]),
    (3, V, &["教育部教育研修課"]),
    (4, V, &["教育部教育研修課", "下関市立考古博物館"]),
    (5, O, &["教育部教育研修課"]),
    (6, V, &["教育部学校支援課"]),
    (7, O, &["下関市立歴史博物館"]),
    (8, O, &["下関市立歴史博物館"]),
    (9, V, &["下関市立考古博物館"]),
    (10, O, &["下関市立考古博物館"]),
    (11, O, &["環境部", "財政部財政課"]),
    (12, O, &["教育委員会中央図書館"]),
    (13, V, &["議会事務局議事課"]),
    (14, V, &["豊浦総合支所", "豊田総合支所"]),
    (15, O, &["下関商業高等学校"]),
    (16, V, &["下関商業高等学校"]),
    (17, V, &["下関商業高等学校"]),
    (18, O, &["下関商業高等学校", "日新中学校"]),
    (19, O, &["下関商業高等学校"]),
    (20, O, &["下関商業高等学校", "豊田中央病院"]),
    (21, V, &["ボートレース企業局"]),
    (22, O, &["ボートレース企業局"]),
    (23, O, &["市民部市民サービス課"]),
    (24, O, &["消防局"]),
    (25, O, &["港湾局"]),
    (26, O, &["財政部納税課"]),
    (27, O, &["財政部納税課"]),
    (28, V, &["豊田中央病院"]),
    (29, O, &["豊田中央病院"]),
    (30, O, &["豊田中央病院"]),
    (31, V, &["豊田中央病院"]),
];

/// The reference's list, department by department.
const LIST: &[(&str, &str)] = &[
    ("総合政策部広報戦略課", "個1"),
    ("教育部教育研修課", "個2 (共通), 個3, 個4 (共通), 個5"),
    ("教育部学校支援課", "個6"),
    ("下関市立歴史博物館", "個2 (共通), 個7, 個8"),
    ("下関市立考古博物館", "個2 (共通), 個4 (共通), 個9, 個10"),
    ("環境部", "個2 (共通), 個11 (共通)"),
    ("教育委員会中央図書館", "個2 (共通), 個12"),
    ("議会事務局議事課", "個2 (共通), 個13"),
    ("菊川総合支所", "個2 (共通)"),
    ("豊浦総合支所", "個14 (共通)"),
    ("豊北総合支所", "個2 (共通)"),
    ("豊田総合支所", "個14 (共通)"),
    (
        "下関商業高等学校",
        "個2 (共通), 個15, 個16, 個17, 個18 (共通), 個19, 個20 (共通)",
    ),
    ("下関市立文関小学校", "指摘又は意見なし"),
    ("下関市立向山小学校", "指摘又は意見なし"),
    ("日新中学校", "個18 (共通)"),
    ("ボートレース企業局", "個21, 個22"),
    ("市民部市民サービス課", "個2 (共通), 個23"),
    ("消防局", "個2 (共通), 個24"),
    ("港湾局", "個25"),
    ("財政部財政課", "個2 (共通), 個11 (共通)"),
    ("財政部納税課", "個26, 個27"),
    ("福祉部保険年金課", "指摘又は意見なし"),
    ("財政部市民税課", "指摘又は意見なし"),
    ("福祉部介護保険課", "指摘又は意見なし"),
    ("総務部契約課", "指摘又は意見なし"),
    (
        "豊田中央病院",
        "個2 (共通), 個20 (共通), 個28, 個29, 個30, 個31",
    ),
    ("上下水道局", "個2 (共通)"),
    ("こども未来部幼児保育課", "指摘又は意見なし"),
    ("こども未来部こども家庭支援課", "指摘又は意見なし"),
    ("総務部職員課", "指摘又は意見なし"),
    ("出納室", "指摘又は意見なし"),
];

/// The items as an auditor might hold them: general ones in order, individual ones not in
/// report order (the departments visited last first), each department's own in its order.
fn items() -> Vec<ItemPlace<'static, &'static str, Grade>> {
    let general = [O, V, O, O, O, O, O, O].into_iter().map(|grade| ItemPlace {
        scope: ItemScope::General,
        grade,
        departments: &[],
    });
    let first_visit = |ds: &[&str]| VISITS.iter().position(|v| *v == ds[0]).expect("visited");
    let mut individual: Vec<&(u32, Grade, &[&str])> = INDIVIDUAL.iter().collect();
    individual.sort_by_key(|(n, _, ds)| (std::cmp::Reverse(first_visit(ds)), *n));
    let mut all: Vec<ItemPlace<'static, &'static str, Grade>> = Vec::new();
    for (i, item) in individual.iter().enumerate() {
        all.push(ItemPlace {
            scope: ItemScope::Individual,
            grade: item.1.clone(),
            departments: item.2,
        });
        if i == 10 {
            // General items may sit anywhere among them.
            all.extend(general.clone());
        }
    }
    all
}

#[test]
fn the_reference_list_is_numbered_as_the_report_numbers_it() {
    let items = items();
    let numbering = number(&items, VISITS);
    let general: Vec<String> = numbering
        .general
        .iter()
        .map(|i| numbering.numbers[*i].expect("numbered").to_string())
        .collect();
    assert_eq!(
        general,
        ["総1", "総2", "総3", "総4", "総5", "総6", "総7", "総8"]
    );
    let listed: Vec<(&str, String)> = numbering
        .by_department
        .iter()
        .map(|(d, here)| {
            let text = if here.is_empty() {
                "指摘又は意見なし".to_string()
            } else {
                here.iter()
                    .map(|i| numbering.numbers[*i].expect("numbered").to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (*d, text)
        })
        .collect();
    let expected: Vec<(&str, String)> = LIST.iter().map(|(d, t)| (*d, t.to_string())).collect();
    assert_eq!(listed, expected);
    // The count table (reference lines 602–609): each item once.
    let count = |g: Grade, s: ItemScope| numbering.counts.get(&(g, s)).copied().unwrap_or(0);
    assert_eq!(
        [
            count(V, ItemScope::General),
            count(V, ItemScope::Individual),
            count(O, ItemScope::General),
            count(O, ItemScope::Individual),
        ],
        [1, 12, 7, 19]
    );
}

#[test]
fn an_item_of_no_visited_department_gets_no_number_and_visit_order_decides() {
    let items = [
        ItemPlace {
            scope: ItemScope::Individual,
            grade: O,
            departments: &["港湾局"][..],
        },
        ItemPlace {
            scope: ItemScope::Individual,
            grade: V,
            departments: &["消防局", "港湾局"][..],
        },
        ItemPlace {
            scope: ItemScope::Individual,
            grade: V,
            departments: &["出納室"][..],
        },
    ];
    let numbering = number(&items, &["消防局", "港湾局"]);
    let shown: Vec<Option<String>> = numbering
        .numbers
        .iter()
        .map(|n| n.map(|n| n.to_string()))
        .collect();
    assert_eq!(
        shown,
        [Some("個2".into()), Some("個1 (共通)".into()), None],
        "消防局 was visited first, so its item is 個1; 出納室 was not visited"
    );
    assert_eq!(numbering.counts.values().sum::<u32>(), 2);
}
