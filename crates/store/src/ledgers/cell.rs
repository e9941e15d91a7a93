//! One cell of a ledger read by its column's kind. Messages are Japanese and name the
//! value; the caller adds file, row and column.

use super::Kind;
use daicho_domain::{is_blank, normalize_width, parse_bool, parse_date, parse_yen};

/// A cell's value, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A ratio recorded as not known (不明).
    Unknown,
    /// A department by code or name, resolved by the writer.
    Department(String),
    /// A row of another ledger by its key, resolved by the writer.
    Reference(String),
}

/// Reads `text` as `kind`.
pub fn parse_cell(kind: Kind, text: &str) -> Result<Cell, String> {
    if is_blank(text) {
        return Ok(Cell::Empty);
    }
    let t = text.trim();
    match kind {
        Kind::Text => Ok(Cell::Text(t.to_string())),
        Kind::Code => Ok(Cell::Text(normalize_width(t))),
        Kind::Date => parse_date(t)
            .map(|d| Cell::Text(d.to_string()))
            .map_err(|e| e.to_string()),
        Kind::Instant => instant(t).ok_or_else(|| {
            format!("日時「{t}」を読み取れません（例: 2023-10-06 09:30、令和5年10月6日）")
        }),
        Kind::Int => {
            let n = normalize_width(t);
            let digits = n
                .trim_end_matches(['件', '人', '台', '個', '名', '者', '回'])
                .replace(',', "");
            digits
                .parse::<i64>()
                .map(Cell::Int)
                .map_err(|_| format!("「{t}」は整数ではありません"))
        }
        Kind::Yen => parse_yen(t)
            .map(Cell::Int)
            .ok_or_else(|| format!("金額「{t}」を読み取れません（例: 120,000、￥120,000）")),
        Kind::Ratio => ratio(t),
        Kind::Bool => parse_bool(t)
            .map(Cell::Bool)
            .ok_or_else(|| format!("「{t}」は 有/無（○/×、はい/いいえ）で入力してください")),
        Kind::FiscalYear => fiscal_year(t)
            .map(Cell::Int)
            .ok_or_else(|| format!("年度「{t}」を読み取れません（例: 2023、令和5年度、R5）")),
        Kind::Choice(choices) => choice(choices, t),
        Kind::Department => Ok(Cell::Department(t.to_string())),
        Kind::Reference(_) => Ok(Cell::Reference(normalize_width(t))),
        Kind::Location => Ok(Cell::Reference(t.to_string())),
    }
}

fn instant(t: &str) -> Option<Cell> {
    let n = normalize_width(t);
    // A tool's ISO 8601 with its offset (`2024-03-01T03:04:05Z`): the moment in Japan.
    if let Ok(moment) = chrono::DateTime::parse_from_rfc3339(n.trim()) {
        let jst = chrono::FixedOffset::east_opt(9 * 3600)?;
        return Some(Cell::Text(
            moment
                .with_timezone(&jst)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        ));
    }
    let (date, time) = match n.split_once([' ', 'T']) {
        Some((d, rest)) => (d.to_string(), Some(rest.trim().to_string())),
        None => (n.clone(), None),
    };
    let date = parse_date(&date).ok()?;
    match time {
        None => Some(Cell::Text(date.to_string())),
        Some(time) => {
            let time = chrono::NaiveTime::parse_from_str(&time, "%H:%M")
                .or_else(|_| chrono::NaiveTime::parse_from_str(&time, "%H:%M:%S"))
                .ok()?;
            Some(Cell::Text(format!("{date} {}", time.format("%H:%M"))))
        }
    }
}

fn ratio(t: &str) -> Result<Cell, String> {
    if matches!(t, "不明" | "不詳" | "unknown" | "?" | "？") {
        return Ok(Cell::Unknown);
    }
    let n = normalize_width(t);
    let (number, percent) = match n.strip_suffix(['%', '％']) {
        Some(p) => (p.trim().to_string(), true),
        None => (n.clone(), false),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("割合「{t}」を読み取れません（例: 0.5、50%、不明）"))?;
    let value = if percent || value > 1.0 {
        value / 100.0
    } else {
        value
    };
    if (0.0..=1.0).contains(&value) {
        Ok(Cell::Float(value))
    } else {
        Err(format!("割合「{t}」は0〜100%の範囲で入力してください"))
    }
}

/// 2023, 令和5年度, 令和5, R5, H30 → the year the fiscal year starts in.
pub fn fiscal_year(t: &str) -> Option<i64> {
    let n = normalize_width(t).replace("年度", "").replace('年', "");
    if let Ok(y) = n.parse::<i64>() {
        return (1900..=2200).contains(&y).then_some(y);
    }
    let eras: [(&str, &str, i64); 4] = [
        ("令和", "R", 2018),
        ("平成", "H", 1988),
        ("昭和", "S", 1925),
        ("大正", "T", 1911),
    ];
    for (kanji, initial, offset) in eras {
        let rest = n
            .strip_prefix(kanji)
            .or_else(|| n.strip_prefix(initial))
            .or_else(|| n.strip_prefix(&initial.to_lowercase()));
        if let Some(rest) = rest {
            let year = if rest == "元" {
                1
            } else {
                rest.parse::<i64>().ok()?
            };
            return (year >= 1).then_some(offset + year);
        }
    }
    None
}

fn choice(choices: super::Choices, t: &str) -> Result<Cell, String> {
    for (code, label) in choices {
        if t == *code || t == *label || normalize_width(t).to_lowercase() == *code {
            return Ok(Cell::Text(code.to_string()));
        }
    }
    let labels: Vec<&str> = choices.iter().map(|(_, l)| *l).collect();
    Err(format!(
        "「{t}」は次のいずれかで入力してください: {}",
        labels.join("、")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_kind() {
        assert_eq!(
            parse_cell(Kind::Code, "００７"),
            Ok(Cell::Text("007".into()))
        );
        assert_eq!(
            parse_cell(Kind::Date, "R5.10.6"),
            Ok(Cell::Text("2023-10-06".into()))
        );
        assert_eq!(
            parse_cell(Kind::Instant, "令和5年10月6日 9:30"),
            Ok(Cell::Text("2023-10-06 09:30".into()))
        );
        assert_eq!(
            parse_cell(Kind::Instant, "2023-10-06T00:30:00Z"),
            Ok(Cell::Text("2023-10-06 09:30".into()))
        );
        assert_eq!(
            parse_cell(Kind::Instant, "2023/10/06 09:30:59"),
            Ok(Cell::Text("2023-10-06 09:30".into()))
        );
        assert_eq!(parse_cell(Kind::Int, "１，２３４件"), Ok(Cell::Int(1234)));
        assert_eq!(
            parse_cell(Kind::Yen, "￥97,541,400"),
            Ok(Cell::Int(97_541_400))
        );
        assert_eq!(parse_cell(Kind::Ratio, "50%"), Ok(Cell::Float(0.5)));
        assert_eq!(parse_cell(Kind::Ratio, "0.25"), Ok(Cell::Float(0.25)));
        assert_eq!(parse_cell(Kind::Ratio, "不明"), Ok(Cell::Unknown));
        assert_eq!(parse_cell(Kind::Bool, "○"), Ok(Cell::Bool(true)));
        assert_eq!(
            parse_cell(Kind::FiscalYear, "令和5年度"),
            Ok(Cell::Int(2023))
        );
        assert_eq!(parse_cell(Kind::FiscalYear, "R元"), Ok(Cell::Int(2019)));
        assert_eq!(
            parse_cell(
                Kind::Choice(&[
                    ("general_tender", "一般競争入札"),
                    ("discretionary", "随意契約")
                ]),
                "随意契約"
            ),
            Ok(Cell::Text("discretionary".into()))
        );
        assert_eq!(parse_cell(Kind::Text, "-"), Ok(Cell::Empty));
    }

    #[test]
    fn names_the_value_it_cannot_read() {
        assert!(
            parse_cell(Kind::Int, "多数")
                .expect_err("refused")
                .contains("多数")
        );
        assert!(
            parse_cell(Kind::Ratio, "150%")
                .expect_err("refused")
                .contains("0〜100%")
        );
        assert!(
            parse_cell(
                Kind::Choice(&[("budget", "予算"), ("settled", "決算")]),
                "見込"
            )
            .expect_err("refused")
            .contains("予算、決算")
        );
        assert!(parse_cell(Kind::FiscalYear, "来年").is_err());
    }
}
