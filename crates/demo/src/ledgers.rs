//! サンプル市's other ledgers: what the reference report found beyond the equipment —
//! contracts, websites, policies, systems, personal-data holdings, media and their
//! check-outs, stocktakes with what was seen, observations, exceptions, staff and
//! training, the R4 self-check, internal audits. Each row says which item of the report
//! it stands for. They are written as the CSV a city would import and go through the
//! same ledger engine, in one all-or-nothing session.

use daicho_store::ledgers::{Column, ledger};
use daicho_store::{Actor, Db, RowError, Scope, StoreError};

/// A ledger asset as the demo created it: (tag, department, kind).
pub type Placed = (String, String, String);

/// The report's audit walk (往査) took place in October 2023.
const STOCKTAKE_DAY: &str = "2023-10-05";
/// The sections' own stocktake, at the end of 令和4年度.
const CITY_STOCKTAKE_DAY: &str = "2023-03-31";

#[rustfmt::skip]
const FILES: &[(&str, &str)] = &[
    ("locations", "code,department,building,room,lockable
テレビ会議室,100200,豊浦総合支所,テレビ会議室,無
倉庫5,100400,豊田総合支所,倉庫5,無
OA室,100400,豊田総合支所,OA室,有
"),
    // 個7: the archive search service has been broken since its sixth year, no decision.
    ("systems", "name,department,status,decision
市立歴史博物館アーカイブス,080300,故障,
図書館システム,080500,稼働,
自動化書庫システム,080500,稼働,
"),
    ("contracts", "contract_no,department,title,kind,method,bidder_count,supplier,maintains,justification,proposed_annual_yen,actual_annual_yen,starts_on,subcontract_share,it_expert_on_panel
C-0803-01,080300,アーカイブス機器導入,購入,general_tender,2,文化システム株式会社,,,,,2016-10-01,,
C-0803-02,080300,展示機器保守,保守,discretionary,,文化システム株式会社,C-0803-01,,,,2023-04-01,,
C-0804-01,080400,ホームページ構築,委託,general_tender,3,ウェブ工房株式会社,,,,,2019-04-01,,
C-0804-02,080400,ホームページ保守,保守,discretionary,,ウェブ工房株式会社,C-0804-01,,,,2023-04-01,,
C-0806-01,080600,電子機器一括賃貸借（サーバー・PC・タブレット）,賃貸借,general_tender,1,教育リース株式会社,,,,,2020-02-03,,
C-1401-01,140100,公式ウェブサイト構築,委託,proposal,,ボートメディア株式会社,,,24000000,37000000,2022-04-01,,無
C-1202-01,120200,港湾情報システム再構築,委託,general_tender,2,港湾ソリューション株式会社,,,,,2021-04-01,不明,
C-0302-01,030200,債権管理システム導入,購入,general_tender,1,債権システム株式会社,,,,,2021-10-01,,
C-0302-02,030200,債権管理システム保守,保守,discretionary,,債権システム株式会社,C-0302-01,,,,2023-04-01,,
C-1501-01,150100,電子カルテシステム導入,購入,general_tender,1,医療情報株式会社,,,,,2019-12-01,,
C-1501-02,150100,電子カルテシステム保守,保守,discretionary,,医療情報株式会社,C-1501-01,システムの著作権を有する唯一の事業者,,,2023-04-01,,
C-0102-01,010200,3S仮想基盤賃貸借,賃貸借,general_tender,3,富士通Japan株式会社,,,,,2021-01-04,,
"),
    // 個12: expired library cards kept with no retention period.
    ("data_holdings", "name,department,records_total,records_past_retention,retention_rule
図書館利用者登録情報,080500,84000,21000,
住民基本台帳,040100,260000,0,法定（消除後150年）
"),
    ("websites", "url,department,https,redirects_to_https,certificate_expires_on
https://www.city.sample.example.jp/,010100,有,有,2024-06-30
http://shogyo.sample.example.jp/,080600,無,無,
http://toyota-hospital.sample.example.jp/,150100,無,無,
"),
    // 総1: policy not published; 個31: the hospital's Facebook policy says it is published, it is not.
    ("policies", "name,kind,department,publish_required,published
サンプル市行政情報セキュリティポリシー 基本方針,basic_policy,,,無
サンプル市行政情報セキュリティポリシー 情報セキュリティ対策基準,standards,,,無
サンプル市立豊田中央病院公式Facebook運用ポリシー,other,150100,有,無
"),
    // 個1: approved in April 2021 and still in use; 個17's two PCs have no exception.
    ("exceptions", "id,department,kind,subject,approved_by,starts_on,ends_on
EX-010100-1,010100,private_device,010100-S052,広報戦略課長,2021-04-01,
"),
    // 個23: the citizen service section's own check-out book left purpose and return blank.
    ("media", "media_id,department,kind,encrypted
M-040100-01,040100,usb_memory,有
"),
    ("media_movements", "media_id,out_at,out_by,purpose,from_segment,to_segment,returned_at
M-040100-01,2023-09-04 09:10,市民サービス課職員,,lgwan,lgwan,
"),
    // 総4/総6/総7: two or three sections a year, results not published, one finding never
    // followed up; and the reference's own external audit, visiting its departments in the
    // order its report lists them (往査日 where its table of systems examined gives one).
    ("audits", "audit_id,kind,fiscal_year,title,as_of,auditors,published
IA-2019-1,internal,2019,令和元年度情報セキュリティ監査,2019-11-20,情報政策課,無
IA-2019-2,internal,2019,令和元年度情報セキュリティ監査,2019-12-04,情報政策課,無
IA-2020-1,internal,2020,令和2年度情報セキュリティ監査,2020-11-18,情報政策課,無
IA-2020-2,internal,2020,令和2年度情報セキュリティ監査,2020-12-02,情報政策課,無
IA-2020-3,internal,2020,令和2年度情報セキュリティ監査,2020-12-16,情報政策課,無
IA-2021-1,internal,2021,令和3年度情報セキュリティ監査,2021-11-17,情報政策課,無
IA-2021-2,internal,2021,令和3年度情報セキュリティ監査,2021-12-01,情報政策課,無
IA-2022-1,internal,2022,令和4年度情報セキュリティ監査,2022-11-16,情報政策課,無
IA-2022-2,internal,2022,令和4年度情報セキュリティ監査,2022-11-30,情報政策課,無
IA-2022-3,internal,2022,令和4年度情報セキュリティ監査,2022-12-14,情報政策課,無
EX-2023,external,2023,情報システムに係る事務及び財務の執行について－DX（デジタル改革）推進に伴う事務の整備・運用状況を見据えて－,2023-10-06,包括外部監査人（公認会計士）、補助者6名（公認会計士4名・弁護士2名）,有
"),
    ("audit_visits", "audit_id,department,visited_on,visit_order
IA-2019-1,020100,2019-11-20,1
IA-2019-2,030300,2019-12-04,1
IA-2020-1,140100,2020-11-18,1
IA-2020-2,080300,2020-12-02,1
IA-2020-3,190400,2020-12-16,1
IA-2021-1,210400,2021-11-17,1
IA-2021-2,190400,2021-12-01,1
IA-2022-1,081700,2022-11-16,1
IA-2022-2,130600,2022-11-30,1
IA-2022-3,080500,2022-12-14,1
EX-2023,010100,2023-09-19,1
EX-2023,080100,,2
EX-2023,080200,2023-09-20,3
EX-2023,080300,2023-09-21,4
EX-2023,080400,2023-09-25,5
EX-2023,070000,2023-09-26,6
EX-2023,080500,2023-09-28,7
EX-2023,090100,,8
EX-2023,100100,2023-09-22,9
EX-2023,100200,2023-10-03,10
EX-2023,100300,,11
EX-2023,100400,,12
EX-2023,080600,2023-10-06,13
EX-2023,080700,,14
EX-2023,080800,,15
EX-2023,080900,,16
EX-2023,140000,2023-10-13,17
EX-2023,040100,2023-10-16,18
EX-2023,110000,2023-10-17,19
EX-2023,120000,2023-10-18,20
EX-2023,030100,,21
EX-2023,030200,,22
EX-2023,050100,,23
EX-2023,030300,,24
EX-2023,050200,2023-10-30,25
EX-2023,020200,,26
EX-2023,150000,2023-10-31,27
EX-2023,130000,2023-11-01,28
EX-2023,060100,,29
EX-2023,060200,,30
EX-2023,020300,2023-11-10,31
EX-2023,160000,2023-11-13,32
"),
    // 第2章 4: 情報政策課's spending by category (its two units from 令和4年度, the section
    // as a whole before), and the general account it is a share of.
    ("expenditures", "fiscal_year,department,category,basis,amount_yen
2023,010201,機器購入費,予算,48397009
2023,010201,レンタル・リース,予算,432509000
2023,010201,回線使用料,予算,51626000
2023,010201,機器・ソフトの保守料,予算,79574000
2023,010201,派遣要員人件費,予算,0
2023,010201,委託費,予算,213085000
2023,010201,安全対策費,予算,5588000
2023,010201,各種研修費用,予算,231000
2023,010201,その他,予算,345443991
2023,010202,機器購入費,予算,0
2023,010202,レンタル・リース,予算,208000
2023,010202,回線使用料,予算,213000
2023,010202,機器・ソフトの保守料,予算,1043000
2023,010202,派遣要員人件費,予算,0
2023,010202,委託費,予算,86578000
2023,010202,安全対策費,予算,0
2023,010202,各種研修費用,予算,650000
2023,010202,その他,予算,15958000
2022,010201,機器購入費,決算,2186580
2022,010201,レンタル・リース,決算,424392050
2022,010201,回線使用料,決算,50234845
2022,010201,機器・ソフトの保守料,決算,77283602
2022,010201,派遣要員人件費,決算,0
2022,010201,委託費,決算,60525168
2022,010201,安全対策費,決算,5074146
2022,010201,各種研修費用,決算,795300
2022,010201,その他,決算,155666268
2022,010202,機器購入費,決算,0
2022,010202,レンタル・リース,決算,2079000
2022,010202,回線使用料,決算,258852
2022,010202,機器・ソフトの保守料,決算,0
2022,010202,派遣要員人件費,決算,46026378
2022,010202,委託費,決算,0
2022,010202,安全対策費,決算,0
2022,010202,各種研修費用,決算,0
2022,010202,その他,決算,6664920
2021,010200,機器購入費,決算,4998026
2021,010200,レンタル・リース,決算,426742908
2021,010200,回線使用料,決算,51340865
2021,010200,機器・ソフトの保守料,決算,67498823
2021,010200,派遣要員人件費,決算,0
2021,010200,委託費,決算,97569615
2021,010200,安全対策費,決算,5061650
2021,010200,各種研修費用,決算,735900
2021,010200,その他,決算,956321742
2020,010200,機器購入費,決算,1868350
2020,010200,レンタル・リース,決算,424915168
2020,010200,回線使用料,決算,51399821
2020,010200,機器・ソフトの保守料,決算,75639048
2020,010200,派遣要員人件費,決算,0
2020,010200,委託費,決算,80375670
2020,010200,安全対策費,決算,5544352
2020,010200,各種研修費用,決算,722700
2020,010200,その他,決算,153484356
"),
    ("general_account", "fiscal_year,basis,total_yen
2023,予算,122520000000
2022,決算,140088843903
2021,決算,125452494297
2020,決算,143559609252
"),
    // The reference's internal audits of R3 and R4 (lines 1189–1209): 公園緑地課 and
    // 文化振興課 in R3, 豊浦教育支所, 上水工務課 and 中央図書館 in R4; R3 followed up R2's
    // three sections, R4 followed up 公園緑地課 only — so 文化振興課's R3 findings were never
    // followed up (総6). The nineteen findings are the report's nine kinds and counts; kinds
    // no rule decides keep a code of their own.
    ("audit_findings", "finding_id,audit_id,department,item,grade,followed_up_on,outcome
IAF-2020-1,IA-2020-1,140100,entry-log-missing,violation,2021-10-20,改善済み
IAF-2020-2,IA-2020-2,080300,eol-software,violation,2021-10-27,改善済み
IAF-2020-3,IA-2020-3,190400,media-unregistered,violation,2021-12-01,改善済み
IAF-2021-1,IA-2021-1,210400,entry-log-missing,violation,2022-11-09,改善済み
IAF-2021-2,IA-2021-2,190400,unapproved-software,violation,,
IAF-2021-3,IA-2021-1,210400,consent-form-missing,violation,2022-11-09,改善済み
IAF-2021-4,IA-2021-1,210400,password-note,violation,2022-11-09,改善済み
IAF-2021-5,IA-2021-2,190400,software-ledger-missing,violation,,
IAF-2022-1,IA-2022-1,081700,entry-log-missing,violation,,
IAF-2022-2,IA-2022-1,081700,eol-software,violation,,
IAF-2022-3,IA-2022-1,081700,consent-form-missing,violation,,
IAF-2022-4,IA-2022-2,130600,entry-log-missing,violation,,
IAF-2022-5,IA-2022-2,130600,unapproved-software,violation,,
IAF-2022-6,IA-2022-2,130600,media-unencrypted-transfer,violation,,
IAF-2022-7,IA-2022-2,130600,software-ledger-incomplete,violation,,
IAF-2022-8,IA-2022-3,080500,eol-software,violation,,
IAF-2022-9,IA-2022-3,080500,media-unregistered,violation,,
IAF-2022-10,IA-2022-3,080500,consent-form-missing,violation,,
IAF-2022-11,IA-2022-3,080500,software-ledger-missing,violation,,
"),
    // 個3 教育研修課; what the auditors saw elsewhere is in the stocktake sightings.
    ("observations", "department,observed_on,item,subject,detail
080100,2023-10-03,sensitive-file-unprotected,持ち出し用ノートPC,教育相談支援の児童に関するファイルがデスクトップのフォルダにパスワードなしで保管
"),
    // 総3: the two courses and the R4 participants per department, as the report's tables.
    ("training_courses", "course,name,kind,provider,parts
e_learning,情報セキュリティ研修Ⅰ,e_learning,地方公共団体情報システム機構（J-LIS）,デジタルリテラシー習得コース|情報セキュリティコース|個人情報保護コース
classroom,情報セキュリティ研修Ⅱ,classroom,サンプル市（外部講師）,日常業務全般の情報セキュリティと個人情報保護の注意点（事例による）
"),
    ("training_counts", include_str!("../data/training_r4.csv")),
    // 総3: the R4 self-check and its bank (the bank daicho ships).
    ("self_check_campaigns", "campaign,fiscal_year,title,opens_on,closes_on
R4,2022,令和4年度情報セキュリティセルフチェック,2022-10-03,2022-10-31
"),
    ("self_check_questions", daicho_reports::self_check::DEFAULT_BANK),
];

/// The R4 self-check (report 総3, 2,665 respondents): correct answers per question, by
/// category, as the report's table gives them. Scores 9.2, 8.9, 9.8, 9.7, 8.8, 9.2.
const SELF_CHECK: &[&[u32]] = &[
    &[2552, 2498, 2389, 2484, 2307],
    &[2587, 2443, 2582, 2030, 2156],
    &[2627, 2571, 2636],
    &[2624, 2581, 2609, 2586, 2632, 2506],
    &[2579, 2245, 2334, 2571, 1902, 2488],
    &[2559, 2402, 1985, 2513, 2564, 2624],
];
const SELF_CHECK_RESPONDENTS: u32 = 2665;

/// Something the auditors saw in a room they walked that is in no ledger.
struct Unlisted {
    department: &'static str,
    kind: &'static str,
    description: &'static str,
    ownership: &'static str,
    tag_present: &'static str,
    cost_yen: &'static str,
}

const fn unlisted(
    department: &'static str,
    kind: &'static str,
    description: &'static str,
    ownership: &'static str,
    tag_present: &'static str,
    cost_yen: &'static str,
) -> Unlisted {
    Unlisted {
        department,
        kind,
        description,
        ownership,
        tag_present,
        cost_yen,
    }
}

#[rustfmt::skip]
const SEEN_UNLISTED: &[Unlisted] = &[
    // 個9: a donated monitor, in no ledger, no tag.
    unlisted("080400", "monitor", "寄付されたモニター", "donated", "無", "45000"),
    // 個13: the council video server's SD card, outside the media ledger.
    unlisted("090100", "sd_card", "議会映像配信サーバーのSDカード", "owned", "", ""),
    // 個14 (共通) 豊田: PCs in the OA room not in the ledger.
    unlisted("100400", "laptop", "ノートパソコン（建設農林課）", "", "", ""),
    unlisted("100400", "desktop", "デスクトップパソコン VAIO（観光協会のシール）", "", "無", ""),
    unlisted("100400", "desktop", "デスクトップパソコン VAIO（観光協会のシール）", "", "無", ""),
    // 個17: private PCs in the multimedia room.
    unlisted("080600", "desktop", "ASUS製デスクトップパソコン（私物と思料）", "private", "無", ""),
    unlisted("080600", "laptop", "DELL製ノートパソコン（私物と思料）", "private", "無", ""),
];

/// Sections whose rooms the demo records a stocktake for, with its day and whether it
/// was finished. 豊田's last finished one is from 2019 (個14 共通: once a year).
const STOCKTAKES: &[(&str, &str, bool)] = &[
    ("080201", STOCKTAKE_DAY, true),
    ("080400", STOCKTAKE_DAY, true),
    ("080600", STOCKTAKE_DAY, true),
    ("090100", STOCKTAKE_DAY, true),
    ("100200", STOCKTAKE_DAY, true),
    ("140100", STOCKTAKE_DAY, true),
    ("100400", "2019-03-29", true),
    ("100400", STOCKTAKE_DAY, false),
];

/// One ledger's rows: the header's fields, then the records.
struct Table {
    ledger: &'static str,
    header: Vec<String>,
    records: Vec<Vec<String>>,
}

impl Table {
    fn new(ledger: &'static str, header: &[&str]) -> Table {
        Table {
            ledger,
            header: header.iter().map(|h| h.to_string()).collect(),
            records: Vec::new(),
        }
    }

    fn push(&mut self, record: &[&str]) {
        self.records
            .push(record.iter().map(|c| c.to_string()).collect());
    }

    fn parse(ledger: &'static str, text: &str) -> Result<Table, StoreError> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| StoreError::Internal(format!("demo {ledger}: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        let records = reader
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::Internal(format!("demo {ledger}: {e}")))?;
        Ok(Table {
            ledger,
            header,
            records,
        })
    }
}

/// Staff of every section (one trained each, 総3), the self-check, the stocktakes with
/// what was seen, and the office USB memories in the media ledger.
fn generated(placed: &[Placed]) -> Vec<Table> {
    let mut staff = Table::new("staff", &["staff_id", "department", "employment"]);
    let mut training = Table::new("training", &["staff_id", "course", "taken_on"]);
    for (code, _, _) in crate::city::sections() {
        let seed = code
            .bytes()
            .fold(11u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let people = 6 + (seed % 30) as usize;
        for n in 1..=people {
            let id = format!("{code}-P{n:03}");
            let employment = if n % 5 == 0 {
                "fiscal_year_appointed"
            } else {
                "regular"
            };
            staff.push(&[&id, code, employment]);
            // 総3: the one person the section head nominated (R5; the R4 year is
            // counted per department in training_r4.csv, as the report lists it).
            if n == 1 {
                training.push(&[&id, "e_learning", "2023-06-01"]);
            }
        }
    }
    let mut results = Table::new(
        "self_check_results",
        &[
            "campaign",
            "question_id",
            "department",
            "respondents",
            "correct",
        ],
    );
    for (c, correct) in SELF_CHECK.iter().enumerate() {
        for (q, n) in correct.iter().enumerate() {
            let id = format!("{}-{}", c + 1, q + 1);
            // The report gives the city's totals only; they are kept on 情報政策課.
            results.push(&[
                "R4",
                &id,
                "010200",
                &SELF_CHECK_RESPONDENTS.to_string(),
                &n.to_string(),
            ]);
        }
    }
    let mut media = Table::new("media", &["media_id", "department", "kind", "encrypted"]);
    for (tag, department, kind) in placed.iter().filter(|p| p.2 == "usb_memory") {
        media.push(&[tag, department, kind, "有"]);
    }
    let mut stocktakes = Table::new(
        "stocktakes",
        &[
            "stocktake_id",
            "department",
            "location",
            "done_on",
            "complete",
        ],
    );
    let mut sightings = Table::new(
        "sightings",
        &[
            "stocktake_id",
            "line",
            "asset_tag",
            "kind",
            "description",
            "ownership",
            "tag_present",
            "wire_lock",
            "password_note",
            "cost_yen",
        ],
    );
    // Every other section holding machines did its own yearly stocktake at the end of
    // the last fiscal year and found what its ledger lists (a city that records
    // stocktakes at all is expected to have one for every such section).
    let mut walks: Vec<(&str, &str, bool)> = STOCKTAKES.to_vec();
    for (_, department, _) in placed {
        if !walks.iter().any(|w| w.0 == department.as_str()) {
            walks.push((department.as_str(), CITY_STOCKTAKE_DAY, true));
        }
    }
    for (department, day, complete) in &walks {
        let id = format!("ST-{department}-{}", &day[..4]);
        stocktakes.push(&[
            &id,
            department,
            "",
            day,
            if *complete { "有" } else { "無" },
        ]);
        let mut line = 0;
        for (tag, _, kind) in placed.iter().filter(|p| p.1 == *department) {
            line += 1;
            let pc = matches!(kind.as_str(), "desktop" | "laptop");
            let (tag_present, wire_lock, password_note) = seen(department, kind, line);
            sightings.push(&[
                &id,
                &line.to_string(),
                tag,
                kind,
                "",
                "",
                tag_present,
                if pc { wire_lock } else { "" },
                if pc { password_note } else { "" },
                "",
            ]);
        }
        if *day == STOCKTAKE_DAY {
            for u in SEEN_UNLISTED.iter().filter(|u| u.department == *department) {
                line += 1;
                sightings.push(&[
                    &id,
                    &line.to_string(),
                    "",
                    u.kind,
                    u.description,
                    u.ownership,
                    u.tag_present,
                    "",
                    "",
                    u.cost_yen,
                ]);
            }
        }
    }
    vec![staff, training, results, media, stocktakes, sightings]
}

/// How one ledger asset looked when seen: (tag present, wire lock, password note).
fn seen(department: &str, kind: &str, line: usize) -> (&'static str, &'static str, &'static str) {
    match (department, kind) {
        // 個6: the education centre's electronic blackboards lost their tags.
        ("080201", "e_blackboard") => ("無", "有", "無"),
        // 個16: a sticky note with ID and password on an internet PC; no wire lock on some.
        ("080600", "laptop") => ("有", "無", "有"),
        ("080600", "desktop") if line.is_multiple_of(2) => ("有", "無", "無"),
        // 個21: several PCs in the boat-race office without a wire lock.
        ("140100", "desktop") if line.is_multiple_of(3) => ("有", "無", "無"),
        _ => ("有", "有", "無"),
    }
}

/// Writes the demo's other ledgers (after its departments and assets).
pub async fn load(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    placed: &[Placed],
) -> Result<usize, StoreError> {
    let mut tables = FILES
        .iter()
        .map(|(name, text)| Table::parse(name, text))
        .collect::<Result<Vec<_>, _>>()?;
    tables.extend(generated(placed));
    let mut session = db.begin_import(scope, actor).await?;
    let mut rows = 0;
    for table in &tables {
        let spec = ledger(table.ledger)
            .ok_or_else(|| StoreError::Internal(format!("no ledger {}", table.ledger)))?;
        let columns: Vec<&'static Column> = table
            .header
            .iter()
            .map(|h| {
                spec.column(h)
                    .ok_or_else(|| StoreError::Internal(format!("{}: no column {h}", table.ledger)))
            })
            .collect::<Result<_, _>>()?;
        for record in &table.records {
            let cells: Vec<(&'static Column, String)> = columns
                .iter()
                .copied()
                .zip(record.iter().cloned())
                .collect();
            match session.upsert_row(spec, &cells).await {
                Ok(_) => {}
                Err(RowError::Refused { errors, .. }) => {
                    session.finish(false).await?;
                    return Err(StoreError::Internal(format!(
                        "demo {} {record:?}: {errors:?}",
                        table.ledger
                    )));
                }
                Err(RowError::Store(e)) => return Err(e),
            }
            rows += 1;
        }
    }
    session.finish(true).await?;
    start_this_years_campaign(db, scope, actor).await?;
    Ok(rows)
}

/// This fiscal year's self-check, open from April with the R4 bank, so staff can answer.
async fn start_this_years_campaign(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
) -> Result<(), StoreError> {
    let year = daicho_domain::FiscalYear::of(daicho_store::today());
    let campaign = daicho_store::Campaign {
        campaign: format!("R{}", year.0 - 2018),
        fiscal_year: i64::from(year.0),
        title: Some(daicho_reports::campaign::default_title(i64::from(year.0))),
        opens_on: chrono::NaiveDate::from_ymd_opt(year.0, 4, 1),
        closes_on: None,
    };
    daicho_reports::campaign::start(db, scope, actor, &campaign, Some("R4"))
        .await
        .map_err(|e| StoreError::Internal(format!("demo self-check: {e}")))?;
    Ok(())
}
