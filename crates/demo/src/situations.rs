//! The assets of サンプル市 that stand for what the reference report found, section by
//! section (its 第4章), so that the rules can find the same items in data. Each entry's
//! note says which item of the report it stands for.

use daicho_store::AssetInput;

/// A compact way to write one ledger row.
#[derive(Clone, Copy)]
pub struct Row {
    pub department: &'static str,
    pub location: &'static str,
    pub kind: &'static str,
    pub name: &'static str,
    pub maker: &'static str,
    pub os: &'static str,
    pub segment: &'static str,
    pub internet: &'static str,
    pub ownership: &'static str,
    pub procured_by: &'static str,
    pub acquired_on: &'static str,
    pub status: &'static str,
    pub quantity: i64,
    pub cost_yen: &'static str,
    pub antivirus: &'static str,
    pub system: &'static str,
    pub retired_on: &'static str,
    pub procurement_doc: &'static str,
    pub confidentiality: &'static str,
    pub replaced_by: &'static str,
    pub usage_ratio: &'static str,
    pub usage_checked_on: &'static str,
    pub note: &'static str,
}

/// Defaults: a department-procured, owned desktop in use, one of it.
pub const ROW: Row = Row {
    department: "",
    location: "",
    kind: "desktop",
    name: "",
    maker: "",
    os: "",
    segment: "",
    internet: "",
    ownership: "owned",
    procured_by: "department",
    acquired_on: "",
    status: "in_use",
    quantity: 1,
    cost_yen: "",
    antivirus: "",
    system: "",
    retired_on: "",
    procurement_doc: "",
    confidentiality: "",
    replaced_by: "",
    usage_ratio: "",
    usage_checked_on: "",
    note: "",
};

impl Row {
    /// The ledger input for this row with tag `tag`.
    pub fn input(&self, tag: String) -> AssetInput {
        AssetInput::default()
            .with("asset_tag", tag)
            .with("department", self.department)
            .with("location", self.location)
            .with("kind", self.kind)
            .with("name", self.name)
            .with("maker", self.maker)
            .with("quantity", self.quantity.to_string())
            .with("os", self.os)
            .with("network_segment", self.segment)
            .with("internet", self.internet)
            .with("ownership", self.ownership)
            .with("procured_by", self.procured_by)
            .with("acquired_on", self.acquired_on)
            .with("cost_yen", self.cost_yen)
            .with("status", self.status)
            .with("antivirus", self.antivirus)
            .with(
                "antivirus_updated_on",
                if self.antivirus.is_empty() {
                    String::new()
                } else {
                    "2023-09-01".into()
                },
            )
            .with("system_name", self.system)
            .with("retired_on", self.retired_on)
            .with("procurement_doc", self.procurement_doc)
            .with("confidentiality", self.confidentiality)
            .with("replaced_by", self.replaced_by)
            .with("usage_ratio", self.usage_ratio)
            .with("usage_checked_on", self.usage_checked_on)
            .with("note", self.note)
    }
}

/// The central library's own inventory table, as the report prints it (中央図書館の
/// ハードウェア・ソフトウェア): 12 rows, the first seven leased for the library system.
#[rustfmt::skip]
pub const CENTRAL_LIBRARY: &[Row] = &[
    Row { department: "080500", location: "市立図書館7館、移動図書館", name: "図書館システム端末", maker: "富士通", os: "Windows10Pro", segment: "lgwan", internet: "有", ownership: "leased", procured_by: "department", acquired_on: "2021-04-01", quantity: 61, system: "図書館システム", ..ROW },
    Row { department: "080500", location: "市立図書館7館、移動図書館", kind: "laptop", name: "図書館システム端末（ノート）", maker: "富士通", os: "Windows10Pro", segment: "lgwan", internet: "有", ownership: "leased", acquired_on: "2021-04-01", quantity: 33, system: "図書館システム", ..ROW },
    Row { department: "080500", location: "市立図書館7館、移動図書館", kind: "monitor", name: "タッチパネルディスプレイ", maker: "富士通", ownership: "leased", acquired_on: "2021-04-01", quantity: 25, system: "図書館システム", ..ROW },
    Row { department: "080500", location: "市立図書館7館、移動図書館", kind: "printer", name: "ページプリンタ", maker: "富士通", ownership: "leased", acquired_on: "2021-04-01", quantity: 11, system: "図書館システム", ..ROW },
    Row { department: "080500", location: "市立図書館7館、移動図書館", kind: "printer", name: "レシートプリンター", maker: "EPSON", ownership: "leased", acquired_on: "2021-04-01", quantity: 69, system: "図書館システム", ..ROW },
    Row { department: "080500", location: "市立図書館7館、移動図書館", kind: "printer", name: "ラベルプリンター", maker: "EPSON", ownership: "leased", acquired_on: "2021-04-01", quantity: 28, system: "図書館システム", ..ROW },
    Row { department: "080500", location: "市立図書館7館、移動図書館", kind: "printer", name: "インクジェット複合機", maker: "EPSON", ownership: "leased", acquired_on: "2021-04-01", quantity: 7, system: "図書館システム", ..ROW },
    Row { department: "080500", location: "中央図書館", kind: "server", name: "自動化書庫サーバー", maker: "NEC", os: "Windows Server2012", segment: "standalone", internet: "無", acquired_on: "2016-05-20", system: "自動化書庫システム", ..ROW },
    Row { department: "080500", location: "中央図書館", name: "自動化書庫端末", maker: "NEC", os: "Windows8", segment: "standalone", internet: "無", acquired_on: "2016-05-20", quantity: 2, system: "自動化書庫システム", note: "個2: Windows8 のまま", ..ROW },
    Row { department: "080500", location: "中央図書館", kind: "monitor", name: "タッチパネルディスプレイ", acquired_on: "2016-05-20", quantity: 2, system: "自動化書庫システム", ..ROW },
    Row { department: "080500", location: "中央図書館", kind: "printer", name: "ページプリンタ", maker: "NEC", acquired_on: "2016-05-20", system: "自動化書庫システム", ..ROW },
    Row { department: "080500", location: "中央図書館", kind: "printer", name: "レシートプリンタ", maker: "ナダ電子", acquired_on: "2016-05-20", quantity: 2, system: "自動化書庫システム", ..ROW },
];

/// What the auditors saw elsewhere.
#[rustfmt::skip]
pub const FOUND: &[Row] = &[
    // 個2・個4・個5 教育研修課
    Row { department: "080100", name: "研修用PC", maker: "NEC", os: "Windows 7 Professional", segment: "standalone", internet: "無", acquired_on: "2013-06-01", quantity: 3, antivirus: "Windows Defender", confidentiality: "2", note: "個2・個4: 原課調達のWindows7、OS付属の対策ソフトのみ", ..ROW },
    Row { department: "080100", kind: "laptop", name: "持ち出し用ノートPC", maker: "Dynabook", os: "Windows 10 Pro", segment: "internet", internet: "有", acquired_on: "2019-07-01", antivirus: "Windows Defender", note: "個3: 児童のセンシティブ情報をデスクトップに保管（パスワードなし）", ..ROW },
    Row { department: "080100", name: "動画編集用PC", maker: "マウスコンピューター", os: "Windows 10 Pro", segment: "standalone", internet: "無", acquired_on: "2018-11-01", status: "unused", antivirus: "Windows Defender", note: "個5: 性能が用途に合わず不稼働（監査時も起動せず）", ..ROW },
    // 個6 学校支援課 教育センター
    Row { department: "080201", kind: "e_blackboard", name: "電子黒板", maker: "シャープ", acquired_on: "2020-03-01", quantity: 6, cost_yen: "130000", usage_ratio: "70%", usage_checked_on: "2023-09-01", note: "個6: 備品整理票が剥がれている", ..ROW },
    // 個2・個7 市立歴史博物館
    Row { department: "080300", name: "アーカイブス検索端末", maker: "富士通", os: "Windows 7", segment: "standalone", internet: "無", acquired_on: "2016-10-01", status: "unused", system: "市立歴史博物館アーカイブス", note: "個2・個7: 故障中、データファイル残存", ..ROW },
    Row { department: "080300", name: "アーカイブス管理端末", maker: "富士通", os: "Windows 8", segment: "standalone", internet: "無", acquired_on: "2016-10-01", status: "unused", system: "市立歴史博物館アーカイブス", note: "個2・個7: 故障中、データファイル残存", ..ROW },
    // 個2・個4 市立考古博物館
    Row { department: "080400", name: "収蔵品管理PC", maker: "EPSON", os: "Windows 7", segment: "standalone", internet: "無", acquired_on: "2012-04-01", antivirus: "Windows Defender", confidentiality: "2", note: "個2・個4", ..ROW },
    // 個2 環境部
    Row { department: "070200", name: "研修用PC", os: "Windows 2000", segment: "standalone", internet: "無", acquired_on: "2002-04-01", note: "個2: インターネット非接続の研修用", ..ROW },
    Row { department: "070200", name: "研修用PC", os: "Windows XP", segment: "standalone", internet: "無", acquired_on: "2006-04-01", note: "個2", ..ROW },
    Row { department: "070200", name: "研修用PC", os: "Windows 7", segment: "standalone", internet: "無", acquired_on: "2011-04-01", note: "個2", ..ROW },
    Row { department: "070200", name: "研修用PC", os: "Windows 8", segment: "standalone", internet: "無", acquired_on: "2014-04-01", note: "個2", ..ROW },
    Row { department: "070300", name: "中央制御室 産業用PC", maker: "三菱電機", os: "Windows 7 Embedded", segment: "control", internet: "無", acquired_on: "2012-03-01", quantity: 6, system: "焼却炉制御システム", note: "個2: 業者からシステム更新の提案あり", ..ROW },
    // 個11 NAS
    Row { department: "070100", kind: "nas", name: "NAS（ネットワークHDD）", maker: "BUFFALO", segment: "lgwan", acquired_on: "2016-04-01", cost_yen: "98000", note: "個11: 導入から5年超", ..ROW },
    Row { department: "030100", kind: "nas", name: "NAS（ネットワークHDD）", maker: "I-O DATA", segment: "lgwan", acquired_on: "2017-06-01", cost_yen: "76000", note: "個11", ..ROW },
    Row { department: "030100", name: "予算編成補助PC", os: "Windows 7", segment: "standalone", internet: "無", acquired_on: "2012-09-01", note: "個2", ..ROW },
    // 個2・個13 議事課
    Row { department: "090100", name: "会議録編集PC", os: "Windows 7", segment: "standalone", internet: "無", acquired_on: "2013-02-01", note: "個2", ..ROW },
    Row { department: "090100", kind: "server", name: "議会映像配信サーバー", os: "Windows Server 2016", segment: "internet", internet: "有", acquired_on: "2018-04-01", note: "個13: SDカードを外部記録媒体として使用", ..ROW },
    // 個2 菊川総合支所
    Row { department: "100100", name: "真空ステーション監視PC", os: "WindowsXP", segment: "standalone", internet: "無", acquired_on: "2004-03-01", system: "真空ステーション", note: "個2: 合併前から使用", ..ROW },
    // 個14 豊浦総合支所
    Row { department: "100200", location: "テレビ会議室", name: "旧道路台帳システム端末", os: "Windows 7", segment: "standalone", internet: "無", acquired_on: "2011-04-01", status: "retired", retired_on: "2020-03-31", system: "旧道路台帳システム", note: "個14: テレビ会議室に一時保管（施錠なし）", ..ROW },
    // 個2 豊北総合支所
    Row { department: "100300", name: "IBM製PC", maker: "IBM", os: "Windows XP", segment: "standalone", internet: "無", acquired_on: "2005-04-01", status: "retired", retired_on: "2014-04-08", note: "個2: 年度内に廃棄予定", ..ROW },
    Row { department: "100300", name: "DELL製PC", maker: "DELL", os: "Windows XP", segment: "standalone", internet: "無", acquired_on: "2007-04-01", status: "retired", retired_on: "2014-04-08", note: "個2: 年度内に廃棄予定", ..ROW },
    // 個14 豊田総合支所
    Row { department: "100400", location: "倉庫5", name: "倉庫5保管PC", os: "Windows XP", segment: "standalone", internet: "無", acquired_on: "2006-04-01", status: "retired", retired_on: "2014-03-31", note: "個14: 倉庫5に保管", ..ROW },
    // 個2・個15・個18・個19 サンプル商業高等学校
    Row { department: "080600", name: "事務室PC", os: "Windows 7", segment: "standalone", internet: "無", acquired_on: "2012-04-01", quantity: 2, note: "個2", ..ROW },
    Row { department: "080600", kind: "floppy", name: "フロッピーディスクドライブ", acquired_on: "2001-04-01", note: "個15: 金融機関との取引に使用", ..ROW },
    Row { department: "080600", kind: "e_blackboard", name: "電子黒板", maker: "パナソニック", acquired_on: "2020-02-03", quantity: 16, cost_yen: "132275", usage_ratio: "50%", usage_checked_on: "2023-10-05", note: "個18: 総額211万6,400円、往査時の使用状況は約50%", ..ROW },
    Row { department: "080600", kind: "server", name: "校内サーバー", os: "Windows Server 2019", segment: "school", ownership: "leased", acquired_on: "2020-02-03", note: "個19: 一括リース（1者応札）", ..ROW },
    Row { department: "080600", kind: "tablet", name: "生徒用タブレット", os: "iPadOS 16.7", segment: "school", internet: "有", ownership: "leased", acquired_on: "2020-02-03", quantity: 240, usage_ratio: "80%", usage_checked_on: "2023-09-01", note: "個19", ..ROW },
    // 個18 日新中学校
    Row { department: "080900", kind: "e_blackboard", name: "電子黒板", acquired_on: "2021-03-01", quantity: 10, cost_yen: "130000", usage_ratio: "40%", usage_checked_on: "2023-10-05", note: "個18: 数台が廊下で保管", ..ROW },
    // 個2 市民サービス課
    Row { department: "040100", name: "マイナンバーカード顔認証PC", os: "Windows 8.1", segment: "my_number", internet: "無", procured_by: "central", acquired_on: "2016-01-04", quantity: 17, note: "個2: 完全に独立、インターネット非接続", ..ROW },
    Row { department: "040101", name: "旅券発給PC", os: "Windows 8.1", segment: "standalone", internet: "無", procured_by: "central", acquired_on: "2016-01-04", quantity: 2, note: "個2", ..ROW },
    // 個2・個24 消防局
    Row { department: "110200", name: "予防査察PC", os: "Windows 8", segment: "standalone", internet: "無", acquired_on: "2014-07-01", note: "個2", ..ROW },
    Row { department: "110100", kind: "tablet", name: "現場活動用タブレット", os: "iPadOS 16.7", segment: "internet", internet: "有", acquired_on: "2022-10-01", quantity: 12, cost_yen: "98000", note: "個24: 活用状況を検証していない", ..ROW },
    // 個2・個28・個30 豊田中央病院
    Row { department: "150100", name: "医事会計補助PC", os: "Windows 7", segment: "standalone", internet: "無", acquired_on: "2013-10-01", note: "個2", ..ROW },
    Row { department: "150100", name: "事務局パート用", os: "Windows 10 Pro", segment: "lgwan", acquired_on: "2017-05-01", replaced_by: "150100-R077", note: "個28: 入替え済みだが台帳に残存（番号77）", ..ROW },
    Row { department: "150100", name: "原課調達PC", os: "Windows 10 Pro", segment: "lgwan", acquired_on: "2017-08-01", procurement_doc: "無", note: "個30: 購入資料が確認できない", ..ROW },
    // 個2 上下水道局 浄水課
    Row { department: "130400", name: "浄水場監視システムPC", os: "Windows XP", segment: "control", internet: "無", acquired_on: "2003-03-01", system: "浄水場監視システム", note: "個2: 浄水場更新に合わせて更新予定", ..ROW },
    // 情報政策課: the central platform
    Row { department: "010200", kind: "server", name: "3S仮想基盤サーバー", maker: "富士通", os: "Windows Server 2019", segment: "lgwan", procured_by: "central", ownership: "leased", acquired_on: "2021-01-04", quantity: 4, ..ROW },
    Row { department: "010200", kind: "server", name: "ファイルサーバー", maker: "富士通", os: "Windows Server 2016", segment: "lgwan", procured_by: "central", ownership: "leased", acquired_on: "2017-01-04", note: "総2: 2027年1月サポート終了", ..ROW },
    Row { department: "010200", kind: "network_device", name: "インターネット分離装置", maker: "NEC", segment: "internet", procured_by: "central", ownership: "leased", acquired_on: "2021-01-04", ..ROW },
    // 個1 広報戦略課: a private PC used for work with the head's approval (例外措置 EX-010100-1)
    Row { department: "010100", kind: "laptop", name: "私物PC（動画編集）", maker: "Apple", os: "macOS Monterey", segment: "standalone", internet: "有", ownership: "private", procured_by: "", note: "個1: 所属長の許可を得て業務に使用", ..ROW },
];
