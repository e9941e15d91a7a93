//! Information assets (情報資産): the tag on the item and the closed sets that classify it.

use crate::DomainError;
use crate::code_enum::code_enum;
use serde::{Deserialize, Serialize};

/// The label on the item (備品番号). Text, never a number: leading zeros are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AssetTag(String);

impl AssetTag {
    /// Trims, turns full-width digits and letters to ASCII, and refuses empty or
    /// over-long tags.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let tag = crate::wareki::normalize_width(input);
        if tag.is_empty() {
            return Err(DomainError::AssetTagEmpty);
        }
        if tag.chars().count() > 64 {
            return Err(DomainError::AssetTagTooLong(tag));
        }
        Ok(AssetTag(tag))
    }

    /// The tag as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AssetTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

code_enum! {
    /// 種別.
    AssetKind, "種別" {
        Desktop => "desktop", "デスクトップPC";
        Laptop => "laptop", "ノートPC";
        Tablet => "tablet", "タブレット";
        Server => "server", "サーバー";
        Nas => "nas", "NAS";
        ExternalHdd => "external_hdd", "外付けHDD";
        UsbMemory => "usb_memory", "USBメモリー";
        SdCard => "sd_card", "SDカード";
        Floppy => "floppy", "フロッピーディスク";
        EBlackboard => "e_blackboard", "電子黒板";
        Monitor => "monitor", "モニター";
        Printer => "printer", "プリンター";
        NetworkDevice => "network_device", "ネットワーク機器";
        Smartphone => "smartphone", "スマートフォン";
        Other => "other", "その他";
    }
}

code_enum! {
    /// 利用状況.
    AssetStatus, "利用状況" {
        InUse => "in_use", "使用中";
        Spare => "spare", "予備";
        Unused => "unused", "未使用・不稼働";
        Retired => "retired", "使用中止";
        Disposed => "disposed", "廃棄済";
    }
}

code_enum! {
    /// ネットワーク区分 (三層の対策 and the networks outside it).
    NetworkSegment, "ネットワーク区分" {
        MyNumber => "my_number", "マイナンバー利用事務系";
        Lgwan => "lgwan", "LGWAN接続系";
        Internet => "internet", "インターネット接続系";
        Standalone => "standalone", "スタンドアロン";
        School => "school", "教育ネットワーク";
        Control => "control", "制御系";
    }
}

code_enum! {
    /// 所有区分.
    Ownership, "所有区分" {
        Owned => "owned", "自己所有";
        Leased => "leased", "リース";
        Rented => "rented", "レンタル";
        Donated => "donated", "寄付";
        Private => "private", "私物";
        Service => "service", "サービス利用";
    }
}

code_enum! {
    /// 調達区分.
    ProcuredBy, "調達区分" {
        Central => "central", "情報政策課配備";
        Department => "department", "原課調達";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_keep_leading_zeros_and_fold_width() {
        assert_eq!(
            AssetTag::parse(" ００７１２ ").map(|t| t.0),
            Ok("00712".into())
        );
        assert_eq!(AssetTag::parse("  "), Err(DomainError::AssetTagEmpty));
    }

    #[test]
    fn enums_parse_code_or_japanese() {
        assert_eq!(AssetKind::parse("nas"), Ok(AssetKind::Nas));
        assert_eq!(AssetStatus::parse("使用中止"), Ok(AssetStatus::Retired));
        assert!(NetworkSegment::parse("dmz").is_err());
        assert_eq!(Ownership::ALL.len(), 6);
    }
}

code_enum! {
    /// How a machine's data was erased before disposal (対策基準 第4 1 (7)).
    ErasureMethod, "データ消去の方法" {
        PhysicalDestruction => "physical_destruction", "物理破壊";
        Degaussing => "degaussing", "消磁";
        Overwrite => "overwrite", "上書き消去";
        CryptoErase => "crypto_erase", "暗号消去";
    }
}
