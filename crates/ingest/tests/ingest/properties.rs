//! The readers on any input: arbitrary bytes never panic and always give rows or a
//! message; any table written as CSV — UTF-8 or Shift_JIS — reads back cell for cell.

use daicho_ingest::asset_inputs;
use proptest::prelude::*;

fn cell() -> impl Strategy<Value = String> {
    // Japanese and ASCII text, commas, quotes and line breaks included.
    proptest::string::string_regex(
        "[a-zA-Z0-9 ,\"\\n所属備品番号台帳デスクトップ令和年月日①髙﨑～－]{0,12}",
    )
    .expect("regex")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("x.csv");
        std::fs::write(&path, &bytes).expect("write");
        if let Ok(rows) = asset_inputs(&path) {
            for _ in rows {}
        }
    }

    #[test]
    fn a_written_table_reads_back_cell_for_cell(rows in proptest::collection::vec(proptest::collection::vec(cell(), 3), 1..20), sjis in any::<bool>()) {
        let dir = tempfile::tempdir().expect("dir");
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["備品番号", "品名", "備考"]).expect("header");
        for r in &rows {
            writer.write_record(r).expect("row");
        }
        let text = String::from_utf8(writer.into_inner().expect("csv")).expect("utf8");
        let bytes = if sjis { encoding_rs::SHIFT_JIS.encode(&text).0.into_owned() } else { text.into_bytes() };
        let path = dir.path().join("t.csv");
        std::fs::write(&path, bytes).expect("write");
        let read: Vec<_> = asset_inputs(&path).expect("reads").collect();
        let blank = |s: &str| matches!(s.trim(), "" | "-" | "－" | "ー" | "―" | "—" | "‐");
        prop_assert_eq!(read.len(), rows.len());
        for (input, row) in read.iter().zip(rows.iter()) {
            if !blank(&row[0]) {
                prop_assert_eq!(input.get("asset_tag"), row[0].trim());
            }
            if !blank(&row[2]) {
                prop_assert_eq!(input.get("note"), row[2].trim());
            }
        }
    }
}
