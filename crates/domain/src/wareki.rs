//! Japanese dates: the era calendar (和暦) and the fiscal year (年度, April–March).
//! The era table is small and fixed, so it lives here rather than in a crate.

use crate::DomainError;
use chrono::{Datelike, NaiveDate};

/// (kanji, romaji initial, first day) — newest first.
const ERAS: &[(&str, char, (i32, u32, u32))] = &[
    ("令和", 'R', (2019, 5, 1)),
    ("平成", 'H', (1989, 1, 8)),
    ("昭和", 'S', (1926, 12, 25)),
    ("大正", 'T', (1912, 7, 30)),
    // Gregorian 1868-01-25 is 明治元年1月1日; the lunar calendar ran until 明治5年, so
    // earlier Meiji dates in a ledger are not expected, only accepted.
    ("明治", 'M', (1868, 1, 25)),
];

/// The one-character era ligatures (㋿ ㍻ ㍼ ㍽ ㍾) that Japanese fonts and old systems
/// write in place of the two kanji.
const ERA_LIGATURES: &[(char, &str)] = &[
    ('\u{32FF}', "令和"),
    ('\u{337B}', "平成"),
    ('\u{337C}', "昭和"),
    ('\u{337D}', "大正"),
    ('\u{337E}', "明治"),
];

fn era_start(ymd: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(ymd.0, ymd.1, ymd.2).unwrap_or(NaiveDate::MIN)
}

/// The era and year-of-era of a date, e.g. 2023-10-06 → ("令和", 5).
fn era_of(date: NaiveDate) -> Option<(&'static str, i32)> {
    ERAS.iter()
        .find(|(_, _, start)| date >= era_start(*start))
        .map(|(name, _, start)| (*name, date.year() - start.0 + 1))
}

fn year_of_era(name: &str, n: i32) -> String {
    if n == 1 {
        format!("{name}元年")
    } else {
        format!("{name}{n}年")
    }
}

/// 2023-10-06 → 「令和5年10月6日」; the first year of an era reads 元年.
/// The day an instant falls on in Japan (JST, UTC+9 all year): what a city calls today,
/// whatever time zone the server runs in.
pub fn japan_date(instant: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    let jst = chrono::FixedOffset::east_opt(9 * 3600)
        .unwrap_or_else(|| unreachable!("+09:00 is a valid offset"));
    instant.with_timezone(&jst).date_naive()
}

pub fn format_wareki(date: NaiveDate) -> String {
    match era_of(date) {
        Some((name, n)) => format!("{}{}月{}日", year_of_era(name, n), date.month(), date.day()),
        None => date.format("%Y年%-m月%-d日").to_string(),
    }
}

/// A fiscal year (年度), named by the calendar year in which it starts on 1 April.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FiscalYear(pub i32);

impl FiscalYear {
    /// The fiscal year a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        FiscalYear(if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        })
    }

    /// 1 April of the year.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 March of the next year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// 「令和5年度」. The era is the one in force in May, so 2019 reads 令和元年度 as
    /// the government named it, and 1988 reads 昭和63年度.
    pub fn label_ja(self) -> String {
        let may = NaiveDate::from_ymd_opt(self.0, 5, 1).unwrap_or(NaiveDate::MIN);
        match era_of(may) {
            Some((name, n)) => format!("{}度", year_of_era(name, n)),
            None => format!("{}年度", self.0),
        }
    }
}

/// Turns full-width digits and punctuation into ASCII so one parser reads both.
pub fn normalize_width(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '．' | '／' | '－' | '，' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '　' => ' ',
            _ => c,
        })
        .collect()
}

/// The value of a number written in kanji as offices write them: positional
/// (二〇二三, 一〇) or with 十 (十二, 二十, 三十一). None for anything else.
fn kanji_number(s: &str) -> Option<u32> {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let digit = |c: char| {
        DIGITS
            .iter()
            .position(|d| *d == c)
            .or((c == '零').then_some(0))
    };
    if s.is_empty() || s.chars().count() > 4 {
        return None;
    }
    match s.split_once('十') {
        // 十, 十二, 二十, 三十一: at most one tens digit (not 〇) and one units digit.
        Some((tens, units)) => {
            let tens = match tens {
                "" => 1,
                t if t.chars().count() == 1 => digit(t.chars().next()?).filter(|d| *d > 0)?,
                _ => return None,
            };
            let units = match units {
                "" => 0,
                u if u.chars().count() == 1 => digit(u.chars().next()?).filter(|d| *d > 0)?,
                _ => return None,
            };
            Some((tens * 10 + units) as u32)
        }
        None => s
            .chars()
            .try_fold(0u32, |n, c| Some(n * 10 + digit(c)? as u32)),
    }
}

/// One part of a date (year, month or day): ASCII digits, 元 (the first year) or kanji.
fn date_part(s: &str) -> Option<u32> {
    if s == "元" {
        return Some(1);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    kanji_number(s)
}

/// Reads a date as cities write it: 2023-10-06, 2023/10/6, 2023.10.6, 令和5年10月6日,
/// 令和元年5月1日, R5.10.6, H28/5/20, S63-1-7, with ASCII or full-width digits, and as
/// offices write them in kanji (令和五年十二月一日, 二〇二三年十月六日) or with an era
/// ligature (㋿5年10月6日, ㍻28.5.20).
pub fn parse_date(input: &str) -> Result<NaiveDate, DomainError> {
    let mut s = normalize_width(input);
    let fail = || DomainError::Date(input.trim().to_string());
    if s.is_empty() {
        return Err(fail());
    }
    if let Some((lig, name)) = ERA_LIGATURES.iter().find(|(c, _)| s.starts_with(*c)) {
        s = format!("{name}{}", &s[lig.len_utf8()..]);
    }
    let (era, rest) = split_era(&s);
    let parts: Vec<&str> = rest
        .split(['-', '/', '.', '年', '月', '日'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(fail());
    };
    let (y, m, d) = match (date_part(y), date_part(m), date_part(d)) {
        (Some(y), Some(m), Some(d)) if y <= 9999 => (y as i32, m, d),
        _ => return Err(fail()),
    };
    let year = match era {
        Some(start) => start.0 + y - 1,
        None if y >= 1000 => y,
        None => return Err(fail()),
    };
    let date = NaiveDate::from_ymd_opt(year, m, d).ok_or_else(fail)?;
    if let Some(start) = era {
        // 平成32年 is not a date anyone can have meant; neither is 令和1年4月.
        let next_start = ERAS
            .iter()
            .rev()
            .map(|e| era_start(e.2))
            .find(|s| *s > era_start(start));
        if date < era_start(start) || next_start.is_some_and(|n| date >= n) {
            return Err(fail());
        }
    }
    Ok(date)
}

fn split_era(s: &str) -> (Option<(i32, u32, u32)>, &str) {
    for (name, initial, start) in ERAS {
        if let Some(rest) = s.strip_prefix(name) {
            return (Some(*start), rest);
        }
        let mut chars = s.chars();
        if chars.next().map(|c| c.to_ascii_uppercase()) == Some(*initial)
            && chars
                .clone()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == '元')
        {
            return (Some(*start), chars.as_str());
        }
    }
    (None, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn a_japanese_day_starts_at_midnight_in_japan_not_in_utc() {
        let at = |t: &str| {
            chrono::DateTime::parse_from_rfc3339(t)
                .expect("instant")
                .with_timezone(&chrono::Utc)
        };
        assert_eq!(japan_date(at("2026-12-04T14:59:59Z")), d(2026, 12, 4));
        assert_eq!(japan_date(at("2026-12-04T15:00:00Z")), d(2026, 12, 5));
        assert_eq!(japan_date(at("2027-03-31T15:00:00Z")), d(2027, 4, 1));
    }

    #[test]
    fn formats_eras_and_first_years() {
        assert_eq!(format_wareki(d(2023, 10, 6)), "令和5年10月6日");
        assert_eq!(format_wareki(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(format_wareki(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(format_wareki(d(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(format_wareki(d(2016, 5, 20)), "平成28年5月20日");
    }

    #[test]
    fn fiscal_years_run_april_to_march() {
        assert_eq!(FiscalYear::of(d(2024, 3, 31)), FiscalYear(2023));
        assert_eq!(FiscalYear::of(d(2023, 4, 1)), FiscalYear(2023));
        assert_eq!(FiscalYear(2023).label_ja(), "令和5年度");
        assert_eq!(FiscalYear(2019).label_ja(), "令和元年度");
        assert_eq!(FiscalYear(1988).label_ja(), "昭和63年度");
        assert_eq!(FiscalYear(2022).last_day(), d(2023, 3, 31));
    }

    #[test]
    fn parses_the_ways_cities_write_dates() {
        let cases = [
            ("2023-10-06", d(2023, 10, 6)),
            ("2023/10/6", d(2023, 10, 6)),
            ("２０２３／１０／６", d(2023, 10, 6)),
            ("令和5年10月6日", d(2023, 10, 6)),
            ("令和元年5月1日", d(2019, 5, 1)),
            ("R5.10.6", d(2023, 10, 6)),
            ("r5.10.6", d(2023, 10, 6)),
            ("H28.5.20", d(2016, 5, 20)),
            ("平成17年2月13日", d(2005, 2, 13)),
            ("S63-1-7", d(1988, 1, 7)),
            ("Ｒ５．１０．６", d(2023, 10, 6)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn reads_kanji_numerals_and_era_ligatures() {
        let cases = [
            ("令和五年十二月一日", d(2023, 12, 1)),
            ("平成元年一月八日", d(1989, 1, 8)),
            ("令和元年五月二十日", d(2019, 5, 20)),
            ("平成三十一年四月三十日", d(2019, 4, 30)),
            ("二〇二三年十月六日", d(2023, 10, 6)),
            ("\u{32FF}5年10月6日", d(2023, 10, 6)),
            ("\u{337B}28.5.20", d(2016, 5, 20)),
            ("\u{337C}六十三年一月七日", d(1988, 1, 7)),
            ("\u{337D}十五年一月一日", d(1926, 1, 1)),
            ("\u{337E}四十五年七月二十九日", d(1912, 7, 29)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for text in [
            "令和五年二月三十日",
            "令和五年十三月一日",
            "令和五年二十十月一日",
            "令和五年〇月一日",
            "令和五年十〇月一日",
            "\u{32FF}元年四月一日",
            "平成三十五年一月一日",
            "",
            "2023-02-30",
            "2023-13-01",
            "R1.4.1",
            "平成35年1月1日",
            "5.10.6",
            "昨日",
        ] {
            assert!(parse_date(text).is_err(), "{text}");
        }
    }
}
