//! The ledgers of the data bundle (`shared/design/bundle.md`), with the Japanese names of
//! the glossary. Keep in step with the schema.

use super::{Column, Kind, Ledger};

const fn col(name: &'static str, label: &'static str, kind: Kind) -> Column {
    Column {
        name,
        db: name,
        label,
        aliases: &[],
        kind,
        required: false,
    }
}

const fn req(name: &'static str, label: &'static str, kind: Kind) -> Column {
    Column {
        name,
        db: name,
        label,
        aliases: &[],
        kind,
        required: true,
    }
}

const fn alias(column: Column, aliases: &'static [&'static str]) -> Column {
    Column { aliases, ..column }
}

const fn db(column: Column, db: &'static str) -> Column {
    Column { db, ..column }
}

const DEPARTMENT: Column = alias(
    db(col("department", "所属", Kind::Department), "department_id"),
    &["所属名", "課名", "課所室", "部署", "所管課"],
);
const DEPARTMENT_REQUIRED: Column = Column {
    required: true,
    ..DEPARTMENT
};

const SEGMENTS: &[&str] = &[
    "my_number=マイナンバー利用事務系",
    "lgwan=LGWAN接続系",
    "internet=インターネット接続系",
    "standalone=スタンドアロン",
    "school=教育ネットワーク",
    "control=制御系",
];

/// Every ledger but assets, in the order a bundle is imported (referenced ones first).
pub static LEDGERS: &[Ledger] = &[
    Ledger {
        name: "departments",
        label: "所属",
        aliases: &["所属一覧", "組織"],
        table: "departments",
        key: &["code"],
        columns: &[
            alias(
                req("code", "所属コード", Kind::Code),
                &["コード", "課コード"],
            ),
            alias(req("name", "所属名", Kind::Text), &["名称", "課名"]),
            col(
                "level",
                "階層",
                Kind::Choice(&["bureau=部局", "section=課", "unit=係"]),
            ),
            alias(
                db(col("parent", "上位所属", Kind::Department), "parent_id"),
                &["上位", "部局"],
            ),
            alias(
                col("manager", "情報セキュリティ管理者", Kind::Text),
                &["所属長", "課長"],
            ),
        ],
    },
    Ledger {
        name: "locations",
        label: "設置場所",
        aliases: &["場所"],
        table: "locations",
        key: &["code"],
        columns: &[
            req("code", "場所コード", Kind::Code),
            DEPARTMENT,
            req("building", "建物", Kind::Text),
            col("room", "部屋", Kind::Text),
            alias(col("lockable", "施錠可否", Kind::Bool), &["施錠"]),
        ],
    },
    Ledger {
        name: "staff",
        label: "職員",
        aliases: &["職員名簿"],
        table: "staff_members",
        key: &["staff_id"],
        columns: &[
            alias(req("staff_id", "職員番号", Kind::Code), &["職員コード"]),
            alias(col("name", "氏名", Kind::Text), &["名前"]),
            DEPARTMENT,
            alias(
                req(
                    "employment",
                    "任用区分",
                    Kind::Choice(&[
                        "regular=職員",
                        "fiscal_year_appointed=会計年度任用職員",
                        "contractor=委託・派遣",
                    ]),
                ),
                &["雇用区分"],
            ),
            alias(
                db(
                    col(
                        "role",
                        "セキュリティ役割",
                        Kind::Choice(&[
                            "ciso=最高情報セキュリティ責任者",
                            "chief=統括情報セキュリティ責任者",
                            "manager=情報セキュリティ管理者",
                            "system_admin=情報システム管理者",
                            "tech_contact=技術担当者",
                        ]),
                    ),
                    "security_role",
                ),
                &["役割"],
            ),
        ],
    },
    Ledger {
        name: "media",
        label: "外部記録媒体",
        aliases: &["外部記録媒体管理台帳", "媒体"],
        table: "media",
        key: &["media_id"],
        columns: &[
            alias(
                req("media_id", "媒体番号", Kind::Code),
                &["番号", "管理番号"],
            ),
            DEPARTMENT_REQUIRED,
            alias(
                req(
                    "kind",
                    "種類",
                    Kind::Choice(&[
                        "usb_memory=USBメモリー",
                        "sd_card=SDカード",
                        "external_hdd=外付けHDD",
                        "floppy=フロッピーディスク",
                        "optical=光ディスク",
                        "other=その他",
                    ]),
                ),
                &["種別", "媒体の種類"],
            ),
            alias(col("encrypted", "暗号化", Kind::Bool), &["暗号化の有無"]),
            alias(col("registered_on", "登録日", Kind::Date), &["登録年月日"]),
            alias(col("custodian", "管理者", Kind::Text), &["保管責任者"]),
            alias(col("storage_place", "保管場所", Kind::Text), &[]),
        ],
    },
    Ledger {
        name: "media_movements",
        label: "外部記録媒体の受払",
        aliases: &["受払簿", "持出簿"],
        table: "media_movements",
        key: &["media_id", "out_at"],
        columns: &[
            alias(
                db(
                    req("media_id", "媒体番号", Kind::Reference("media")),
                    "media_ref",
                ),
                &["番号"],
            ),
            alias(
                req("out_at", "持出日時", Kind::Instant),
                &["持出日", "払出日"],
            ),
            alias(col("out_by", "持出者", Kind::Text), &["使用者"]),
            alias(col("purpose", "目的", Kind::Text), &["使用目的", "用途"]),
            col("from_segment", "持出元", Kind::Choice(SEGMENTS)),
            col("to_segment", "持出先", Kind::Choice(SEGMENTS)),
            alias(
                col("returned_at", "返却日時", Kind::Instant),
                &["返却日", "受入日"],
            ),
            alias(col("checked_by", "確認者", Kind::Text), &["返却確認者"]),
        ],
    },
    Ledger {
        name: "systems",
        label: "情報システム",
        aliases: &["システム一覧"],
        table: "information_systems",
        key: &["name"],
        columns: &[
            alias(
                req("name", "システム名", Kind::Text),
                &["システム名称", "名称"],
            ),
            DEPARTMENT,
            col(
                "network_segment",
                "ネットワーク区分",
                Kind::Choice(SEGMENTS),
            ),
            alias(col("status", "稼働状況", Kind::Text), &["状況", "利用状況"]),
            alias(col("decision", "対応方針", Kind::Text), &["方針"]),
            alias(col("vendor", "事業者", Kind::Text), &["ベンダー", "業者"]),
        ],
    },
    Ledger {
        name: "contracts",
        label: "契約",
        aliases: &["契約台帳", "契約一覧"],
        table: "contracts",
        key: &["contract_no"],
        columns: &[
            alias(req("contract_no", "契約番号", Kind::Code), &["番号"]),
            DEPARTMENT,
            alias(req("title", "件名", Kind::Text), &["契約件名", "契約名"]),
            alias(col("kind", "契約種別", Kind::Text), &["種別"]),
            alias(
                col(
                    "method",
                    "契約方法",
                    Kind::Choice(&[
                        "general_tender=一般競争入札",
                        "designated_tender=指名競争入札",
                        "proposal=公募型プロポーザル",
                        "discretionary=随意契約",
                    ]),
                ),
                &["入札方法"],
            ),
            alias(
                col("bidder_count", "応札者数", Kind::Int),
                &["入札者数", "応札数"],
            ),
            alias(
                col("supplier", "契約相手方", Kind::Text),
                &["業者", "受注者"],
            ),
            alias(
                col("maintains", "保守対象の契約番号", Kind::Code),
                &["元契約"],
            ),
            alias(
                col("justification", "随意契約の理由", Kind::Text),
                &["随契理由", "理由"],
            ),
            alias(col("amount_yen", "契約金額", Kind::Yen), &["金額"]),
            alias(col("proposed_annual_yen", "提案時の年額", Kind::Yen), &[]),
            alias(col("actual_annual_yen", "実績の年額", Kind::Yen), &[]),
            alias(
                col("starts_on", "契約開始日", Kind::Date),
                &["開始日", "契約日"],
            ),
            alias(col("ends_on", "契約終了日", Kind::Date), &["終了日"]),
            alias(
                col("subcontract_share", "再委託の割合", Kind::Ratio),
                &["再委託割合"],
            ),
            alias(
                col("it_expert_on_panel", "審査委員会のIT専門家", Kind::Bool),
                &["IT専門家"],
            ),
        ],
    },
    Ledger {
        name: "data_holdings",
        label: "個人情報ファイル",
        aliases: &["個人情報ファイル簿"],
        table: "data_holdings",
        key: &["name"],
        columns: &[
            alias(
                req("name", "名称", Kind::Text),
                &["ファイル名", "個人情報ファイルの名称"],
            ),
            DEPARTMENT,
            alias(col("records_total", "記録件数", Kind::Int), &["件数"]),
            alias(
                col("records_past_retention", "保存期間を過ぎた件数", Kind::Int),
                &[],
            ),
            alias(col("retention_rule", "保存期間", Kind::Text), &["保存年限"]),
        ],
    },
    Ledger {
        name: "websites",
        label: "ホームページ",
        aliases: &["ウェブサイト"],
        table: "websites",
        key: &["url"],
        columns: &[
            alias(req("url", "URL", Kind::Text), &["アドレス"]),
            DEPARTMENT,
            alias(col("https", "HTTPS対応", Kind::Bool), &["https", "常時SSL"]),
            alias(col("redirects_to_https", "HTTPSへの転送", Kind::Bool), &[]),
            alias(
                col("certificate_expires_on", "証明書の有効期限", Kind::Date),
                &[],
            ),
        ],
    },
    Ledger {
        name: "policies",
        label: "情報セキュリティポリシー",
        aliases: &["ポリシー", "規程"],
        table: "policy_documents",
        key: &["name"],
        columns: &[
            alias(req("name", "名称", Kind::Text), &["規程名"]),
            alias(
                req(
                    "kind",
                    "種類",
                    Kind::Choice(&[
                        "basic_policy=基本方針",
                        "standards=対策基準",
                        "procedures=実施手順",
                        "other=その他",
                    ]),
                ),
                &["区分"],
            ),
            DEPARTMENT,
            alias(
                col("publish_required", "公開の定め", Kind::Bool),
                &["公開義務"],
            ),
            alias(col("published", "公開", Kind::Bool), &["公開状況"]),
            col("url", "URL", Kind::Text),
        ],
    },
    Ledger {
        name: "exceptions",
        label: "例外措置",
        aliases: &["例外承認"],
        table: "exceptions",
        key: &["id"],
        columns: &[
            alias(
                db(req("id", "例外番号", Kind::Code), "exception_id"),
                &["番号"],
            ),
            DEPARTMENT,
            alias(req("kind", "種類", Kind::Text), &["内容"]),
            alias(col("subject", "対象", Kind::Text), &["対象機器"]),
            alias(col("approved_by", "承認者", Kind::Text), &[]),
            alias(col("starts_on", "開始日", Kind::Date), &["承認日"]),
            alias(col("ends_on", "終了日", Kind::Date), &["見直し日", "期限"]),
        ],
    },
    Ledger {
        name: "stocktakes",
        label: "棚卸",
        aliases: &["現物確認"],
        table: "stocktakes",
        key: &["stocktake_id"],
        columns: &[
            alias(req("stocktake_id", "棚卸番号", Kind::Code), &["番号"]),
            DEPARTMENT_REQUIRED,
            alias(
                db(
                    col("location", "場所", Kind::Reference("locations")),
                    "location_id",
                ),
                &["設置場所"],
            ),
            alias(col("done_on", "実施日", Kind::Date), &["棚卸日"]),
            alias(col("complete", "完了", Kind::Bool), &[]),
        ],
    },
    Ledger {
        name: "sightings",
        label: "現物確認記録",
        aliases: &[],
        table: "sightings",
        key: &["stocktake_id", "line"],
        columns: &[
            alias(
                db(
                    req("stocktake_id", "棚卸番号", Kind::Reference("stocktakes")),
                    "stocktake_ref",
                ),
                &[],
            ),
            alias(req("line", "行番号", Kind::Int), &["No"]),
            alias(col("asset_tag", "備品番号", Kind::Code), &[]),
            alias(col("kind", "種別", Kind::Text), &[]),
            alias(col("description", "内容", Kind::Text), &["品名", "説明"]),
            alias(
                col(
                    "ownership",
                    "所有区分",
                    Kind::Choice(&[
                        "owned=自己所有",
                        "leased=リース",
                        "rented=レンタル",
                        "donated=寄付",
                        "private=私物",
                        "service=サービス利用",
                    ]),
                ),
                &[],
            ),
            alias(col("tag_present", "備品整理票", Kind::Bool), &["シール"]),
            alias(col("wire_lock", "ワイヤーロック", Kind::Bool), &[]),
            alias(
                col("password_note", "パスワードの付箋", Kind::Bool),
                &["付箋"],
            ),
            alias(col("cost_yen", "取得価格", Kind::Yen), &["価格"]),
        ],
    },
    Ledger {
        name: "observations",
        label: "確認事項",
        aliases: &["所見"],
        table: "observations",
        key: &["department", "observed_on", "item"],
        columns: &[
            DEPARTMENT_REQUIRED,
            alias(req("observed_on", "確認日", Kind::Date), &["日付"]),
            alias(req("item", "項目", Kind::Code), &["点検項目"]),
            alias(col("subject", "対象", Kind::Text), &[]),
            alias(col("detail", "内容", Kind::Text), &["詳細"]),
        ],
    },
    Ledger {
        name: "training_courses",
        label: "研修コース",
        aliases: &["研修一覧"],
        table: "training_courses",
        key: &["course"],
        columns: &[
            alias(req("course", "研修コード", Kind::Code), &["コード"]),
            alias(req("name", "研修名", Kind::Text), &["名称"]),
            alias(
                req(
                    "kind",
                    "形式",
                    Kind::Choice(&["e_learning=e-ラーニング", "classroom=集合研修"]),
                ),
                &["研修形式"],
            ),
            alias(col("provider", "主催", Kind::Text), &["実施者"]),
            alias(col("parts", "内容", Kind::Text), &["コース"]),
        ],
    },
    Ledger {
        name: "training",
        label: "研修受講記録",
        aliases: &["研修"],
        table: "training_records",
        key: &["staff_id", "course", "taken_on"],
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
    },
    Ledger {
        name: "training_counts",
        label: "研修受講者数",
        aliases: &["研修受講者数（所属別）"],
        table: "training_counts",
        key: &["course", "fiscal_year", "department"],
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
    },
    Ledger {
        name: "self_check_campaigns",
        label: "セルフチェック実施回",
        aliases: &["セルフチェック"],
        table: "self_check_campaigns",
        key: &["campaign"],
        columns: &[
            alias(req("campaign", "実施回", Kind::Code), &["回"]),
            alias(req("fiscal_year", "年度", Kind::FiscalYear), &["実施年度"]),
            alias(col("title", "名称", Kind::Text), &["表題"]),
            alias(col("opens_on", "開始日", Kind::Date), &["回答開始日"]),
            alias(col("closes_on", "締切日", Kind::Date), &["回答期限"]),
        ],
    },
    Ledger {
        name: "self_check_questions",
        label: "セルフチェック設問",
        aliases: &["設問"],
        table: "self_check_questions",
        key: &["campaign", "question_id"],
        columns: &[
            alias(req("campaign", "実施回", Kind::Code), &["年度"]),
            alias(req("question_id", "設問番号", Kind::Code), &["番号"]),
            alias(req("category", "分類", Kind::Text), &["カテゴリ"]),
            alias(req("text", "設問", Kind::Text), &["問題"]),
            alias(req("choices", "選択肢", Kind::Text), &[]),
            alias(req("answer", "正答", Kind::Text), &["答え"]),
            alias(col("explanation", "解説", Kind::Text), &[]),
        ],
    },
    Ledger {
        name: "self_check_answers",
        label: "セルフチェック回答",
        aliases: &["回答"],
        table: "self_check_answers",
        key: &["campaign", "staff_id", "question_id"],
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
    },
    Ledger {
        name: "self_check_results",
        label: "セルフチェック結果",
        aliases: &[],
        table: "self_check_results",
        key: &["campaign", "question_id", "department"],
        columns: &[
            alias(req("campaign", "実施回", Kind::Code), &["年度"]),
            alias(req("question_id", "設問番号", Kind::Code), &[]),
            DEPARTMENT_REQUIRED,
            alias(req("respondents", "回答者数", Kind::Int), &["回答数"]),
            alias(req("correct", "正答数", Kind::Int), &[]),
        ],
    },
    Ledger {
        name: "audits",
        label: "情報セキュリティ監査",
        aliases: &["監査"],
        table: "audits",
        key: &["audit_id"],
        columns: &[
            alias(req("audit_id", "監査番号", Kind::Code), &["番号"]),
            alias(req("fiscal_year", "年度", Kind::FiscalYear), &["実施年度"]),
            DEPARTMENT_REQUIRED,
            alias(req("kind", "種類", Kind::Text), &["監査の種類"]),
            alias(col("done_on", "実施日", Kind::Date), &[]),
            alias(col("published", "公表", Kind::Bool), &["公開"]),
        ],
    },
    Ledger {
        name: "audit_findings",
        label: "監査結果",
        aliases: &["指摘事項"],
        table: "audit_findings",
        key: &["finding_id"],
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
                    Kind::Choice(&["violation=指摘", "opinion=意見"]),
                ),
                &["指摘又は意見"],
            ),
            alias(col("followed_up_on", "フォローアップ日", Kind::Date), &[]),
            alias(col("outcome", "措置状況", Kind::Text), &["結果"]),
        ],
    },
    Ledger {
        name: "expenditures",
        label: "情報化経費",
        aliases: &["経費"],
        table: "expenditures",
        key: &["fiscal_year", "department", "category", "basis"],
        columns: &[
            req("fiscal_year", "年度", Kind::FiscalYear),
            DEPARTMENT,
            alias(req("category", "歳出科目", Kind::Text), &["科目", "区分"]),
            alias(
                req(
                    "basis",
                    "予算・決算",
                    Kind::Choice(&["budget=予算", "settled=決算"]),
                ),
                &["区分"],
            ),
            alias(req("amount_yen", "金額", Kind::Yen), &[]),
        ],
    },
    Ledger {
        name: "general_account",
        label: "一般会計歳出総額",
        aliases: &[],
        table: "general_account_totals",
        key: &["fiscal_year", "basis"],
        columns: &[
            req("fiscal_year", "年度", Kind::FiscalYear),
            req(
                "basis",
                "予算・決算",
                Kind::Choice(&["budget=予算", "settled=決算"]),
            ),
            alias(req("total_yen", "歳出総額", Kind::Yen), &["総額"]),
        ],
    },
];

/// The ledger a file or sheet name stands for (`contracts.csv`, `契約台帳`), if any.
pub fn ledger(name: &str) -> Option<&'static Ledger> {
    let name = name.trim().to_lowercase();
    LEDGERS
        .iter()
        .find(|l| l.name == name || l.label == name || l.aliases.contains(&name.as_str()))
}
