//! 研修・セルフチェック・監査: the staff side of the PDCA cycle and the audits with their follow-ups.

use super::{DEPARTMENT, DEPARTMENT_REQUIRED, Engine, Kind, Ledger, Overlap, alias, col, db, req};

pub(super) const TRAINING_COURSES: Ledger = Ledger {
    name: "training_courses",
    label: "研修コース",
    aliases: &["研修一覧"],
    table: "training_courses",
    key: &["course"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("course", "研修コード", Kind::Code), &["コード"]),
        alias(req("name", "研修名", Kind::Text), &["名称"]),
        alias(
            req(
                "kind",
                "形式",
                Kind::Choice(&[("e_learning", "e-ラーニング"), ("classroom", "集合研修")]),
            ),
            &["研修形式"],
        ),
        alias(col("provider", "主催", Kind::Text), &["実施者"]),
        alias(col("parts", "内容", Kind::Text), &["コース"]),
    ],
};

pub(super) const TRAINING: Ledger = Ledger {
    name: "training",
    label: "研修受講記録",
    aliases: &["研修"],
    table: "training_records",
    key: &["staff_id", "course", "taken_on"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(
            db(
                req("staff_id", "職員番号", Kind::Reference("staff")),
                "staff_ref",
            ),
            &[],
        ),
        alias(req("course", "研修", Kind::Text), &["研修名", "コース"]),
        alias(req("taken_on", "受講日", Kind::Date), &[]),
    ],
};

pub(super) const TRAINING_COUNTS: Ledger = Ledger {
    name: "training_counts",
    label: "研修受講者数",
    aliases: &["研修受講者数（所属別）"],
    table: "training_counts",
    key: &["course", "fiscal_year", "department"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("course", "研修", Kind::Text), &["研修コード", "研修名"]),
        alias(req("fiscal_year", "年度", Kind::FiscalYear), &["実施年度"]),
        DEPARTMENT_REQUIRED,
        alias(req("regular", "職員", Kind::Int), &["職員数"]),
        alias(
            req("fiscal_year_appointed", "会計年度任用職員", Kind::Int),
            &["会計年度任用職員数"],
        ),
    ],
};

pub(super) const SELF_CHECK_CAMPAIGNS: Ledger = Ledger {
    name: "self_check_campaigns",
    label: "セルフチェック実施回",
    aliases: &["セルフチェック"],
    table: "self_check_campaigns",
    key: &["campaign"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("campaign", "実施回", Kind::Code), &["回"]),
        alias(req("fiscal_year", "年度", Kind::FiscalYear), &["実施年度"]),
        alias(col("title", "名称", Kind::Text), &["表題"]),
        alias(col("opens_on", "開始日", Kind::Date), &["回答開始日"]),
        alias(col("closes_on", "締切日", Kind::Date), &["回答期限"]),
    ],
};

pub(super) const SELF_CHECK_QUESTIONS: Ledger = Ledger {
    name: "self_check_questions",
    label: "セルフチェック設問",
    aliases: &["設問"],
    table: "self_check_questions",
    key: &["campaign", "question_id"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("campaign", "実施回", Kind::Code), &["年度"]),
        alias(req("question_id", "設問番号", Kind::Code), &["番号"]),
        alias(req("category", "分類", Kind::Text), &["カテゴリ"]),
        alias(req("text", "設問", Kind::Text), &["問題"]),
        alias(req("choices", "選択肢", Kind::Text), &[]),
        alias(req("answer", "正答", Kind::Text), &["答え"]),
        alias(col("explanation", "解説", Kind::Text), &[]),
    ],
};

pub(super) const SELF_CHECK_ANSWERS: Ledger = Ledger {
    name: "self_check_answers",
    label: "セルフチェック回答",
    aliases: &["回答"],
    table: "self_check_answers",
    key: &["campaign", "staff_id", "question_id"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("campaign", "実施回", Kind::Code), &["年度"]),
        alias(
            db(
                req("staff_id", "職員番号", Kind::Reference("staff")),
                "staff_ref",
            ),
            &[],
        ),
        alias(req("question_id", "設問番号", Kind::Code), &[]),
        alias(req("answer", "回答", Kind::Text), &["選択"]),
        alias(req("answered_on", "回答日", Kind::Date), &[]),
    ],
};

pub(super) const SELF_CHECK_RESULTS: Ledger = Ledger {
    name: "self_check_results",
    label: "セルフチェック結果",
    aliases: &[],
    table: "self_check_results",
    key: &["campaign", "question_id", "department"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("campaign", "実施回", Kind::Code), &["年度"]),
        alias(req("question_id", "設問番号", Kind::Code), &[]),
        DEPARTMENT_REQUIRED,
        alias(req("respondents", "回答者数", Kind::Int), &["回答数"]),
        alias(req("correct", "正答数", Kind::Int), &[]),
    ],
};

pub(super) const AUDITS: Ledger = Ledger {
    name: "audits",
    label: "情報セキュリティ監査",
    aliases: &["監査"],
    table: "audits",
    key: &["audit_id"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("audit_id", "監査番号", Kind::Code), &["番号"]),
        alias(
            req(
                "kind",
                "種類",
                Kind::Choice(&[
                    ("internal", "情報セキュリティ監査"),
                    ("external", "包括外部監査"),
                ]),
            ),
            &["監査の種類"],
        ),
        alias(req("fiscal_year", "年度", Kind::FiscalYear), &["実施年度"]),
        alias(col("title", "件名", Kind::Text), &["監査の名称", "テーマ"]),
        alias(col("as_of", "基準日", Kind::Date), &["監査基準日"]),
        alias(col("auditors", "監査人", Kind::Text), &["監査者"]),
        alias(col("published", "公表", Kind::Bool), &["公開"]),
    ],
};

/// The departments an audit visited (往査), in its order and each on its day.
pub(super) const AUDIT_VISITS: Ledger = Ledger {
    name: "audit_visits",
    label: "往査",
    aliases: &["監査対象所属", "往査先"],
    table: "audit_visits",
    key: &["audit_id", "department"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(
            db(
                req("audit_id", "監査番号", Kind::Reference("audits")),
                "audit_ref",
            ),
            &[],
        ),
        DEPARTMENT_REQUIRED,
        alias(col("visited_on", "往査日", Kind::Date), &["実施日"]),
        alias(col("visit_order", "順", Kind::Int), &["順番", "往査順"]),
    ],
};

pub(super) const AUDIT_FINDINGS: Ledger = Ledger {
    name: "audit_findings",
    label: "監査結果",
    aliases: &["指摘事項"],
    table: "audit_findings",
    key: &["finding_id"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
    columns: &[
        alias(req("finding_id", "指摘番号", Kind::Code), &["番号"]),
        alias(
            db(
                req("audit_id", "監査番号", Kind::Reference("audits")),
                "audit_ref",
            ),
            &[],
        ),
        DEPARTMENT,
        alias(req("item", "項目", Kind::Code), &["指摘項目"]),
        alias(
            req(
                "grade",
                "区分",
                Kind::Choice(&[("violation", "指摘"), ("opinion", "意見")]),
            ),
            &["指摘又は意見"],
        ),
        alias(col("followed_up_on", "フォローアップ日", Kind::Date), &[]),
        alias(col("outcome", "措置状況", Kind::Text), &["結果"]),
    ],
};
