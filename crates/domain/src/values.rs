//! Amounts and yes/no answers as cities write them.

use crate::wareki::normalize_width;

/// Reads a yen amount: `12,000`, `￥12,000`, `¥12000円`, full-width digits, and `\12,000`
/// (a yen sign saved in Shift_JIS is byte 0x5C, which decoders read as a backslash).
/// `None` for anything else (a negative amount is not a price).
pub fn parse_yen(input: &str) -> Option<i64> {
    let s: String = normalize_width(input)
        .chars()
        .filter(|c| !matches!(c, ',' | '¥' | '￥' | '\\' | '＼' | '円' | ' '))
        .collect();
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Whether a cell says "none": empty, or a dash as the reference report's tables write it.
pub fn is_blank(cell: &str) -> bool {
    matches!(cell.trim(), "" | "-" | "－" | "ー" | "―" | "—" | "‐")
}

/// Reads a yes/no cell: 有/無, あり/なし, ○/×, yes/no, true/false, 1/0 and the like.
pub fn parse_bool(input: &str) -> Option<bool> {
    match normalize_width(input).to_lowercase().as_str() {
        "有" | "あり" | "有り" | "○" | "〇" | "◯" | "yes" | "y" | "true" | "1" | "はい" | "済" => {
            Some(true)
        }
        "無" | "なし" | "無し" | "×" | "✕" | "no" | "n" | "false" | "0" | "いいえ" | "未" | "-" => {
            Some(false)
        }
        _ => None,
    }
}

/// Thousands separators for yen shown on screen: 1234567 → "1,234,567".
pub fn format_yen(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if amount < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yen_variants() {
        for (text, want) in [
            ("12,000", Some(12000)),
            ("￥12,000", Some(12000)),
            ("¥１２，０００円", Some(12000)),
            ("0", Some(0)),
            ("\\1,234,567", Some(1_234_567)),
            ("-5", None),
            ("abc", None),
            ("", None),
        ] {
            assert_eq!(parse_yen(text), want, "{text}");
        }
    }

    #[test]
    fn boolean_variants() {
        for t in ["有", "あり", "○", "yes", "TRUE", "1", "１"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for t in ["無", "なし", "×", "no", "false", "0"] {
            assert_eq!(parse_bool(t), Some(false), "{t}");
        }
        assert_eq!(parse_bool("たぶん"), None);
    }

    #[test]
    fn yen_display() {
        assert_eq!(format_yen(97_541_400), "97,541,400");
        assert_eq!(format_yen(999), "999");
    }
}
