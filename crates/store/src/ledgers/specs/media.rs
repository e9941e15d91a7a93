//! 外部記録媒体とその持出: the media ledger and its check-out log.

use super::{DEPARTMENT_REQUIRED, Engine, Kind, Ledger, Overlap, SEGMENTS, alias, col, db, req};

pub(super) const MEDIA: Ledger = Ledger {
    name: "media",
    label: "外部記録媒体",
    aliases: &["外部記録媒体管理台帳", "媒体"],
    table: "media",
    key: &["media_id"],
    engine: Engine::Described,
    register: Some("media_movements"),
    overlap: Overlap::Ask,
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
                    ("usb_memory", "USBメモリー"),
                    ("sd_card", "SDカード"),
                    ("external_hdd", "外付けHDD"),
                    ("floppy", "フロッピーディスク"),
                    ("optical", "光ディスク"),
                    ("other", "その他"),
                ]),
            ),
            &["種別", "媒体の種類"],
        ),
        alias(col("encrypted", "暗号化", Kind::Bool), &["暗号化の有無"]),
        alias(col("registered_on", "登録日", Kind::Date), &["登録年月日"]),
        alias(col("custodian", "管理者", Kind::Text), &["保管責任者"]),
        alias(col("storage_place", "保管場所", Kind::Text), &[]),
    ],
};

pub(super) const MEDIA_MOVEMENTS: Ledger = Ledger {
    name: "media_movements",
    label: "外部記録媒体の受払",
    aliases: &["受払簿", "持出簿"],
    table: "media_movements",
    key: &["media_id", "out_at"],
    engine: Engine::Described,
    register: None,
    overlap: Overlap::Ask,
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
};
