//! The record of a visit (事前調査・往査の記録): the six rows each department's section of an
//! audit report opens with, in the reference's words.

/// The rows' headings, (1) to (6).
pub const SURVEY_ROWS: [&str; 6] = [
    "(1) LGWAN接続系（3Sパソコン）",
    "(2) インターネット接続系とUSBメモリー",
    "(3) マイナンバー利用事務系等パソコン及びソフトウェア",
    "(4) 課独自のハードウェア・ソフトウェア等",
    "(5) 情報セキュリティの研修の参加者",
    "(6) その他、ロゴチャット登録申請（個人のスマートフォン）等",
];
