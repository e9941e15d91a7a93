//! What daicho publishes (公表, 総7): the kinds of public page, and what is kept out of them.

use crate::code_enum::code_enum;

code_enum! {
    /// A kind of publication, one public page each.
    PublicationKind, "公表の種類" {
        Audit => "audit", "監査結果の概要";
        Measures => "measures", "措置状況";
        Policy => "policy", "情報セキュリティポリシー";
    }
}

code_enum! {
    /// Why a word was kept out of a publication (非公開にした理由).
    SensitiveKind, "非公開の理由" {
        AssetTag => "asset_tag", "備品番号";
        Serial => "serial", "製造番号";
        MediaId => "media_id", "媒体番号";
        IpAddress => "ip_address", "IPアドレス";
        Room => "room", "設置場所";
        StaffName => "staff_name", "職員の氏名";
        RuleSubject => "rule_subject", "規則の判定の対象";
    }
}
