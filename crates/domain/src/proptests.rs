//! Properties the parsers must keep for every input, not just the examples.

use crate::{FiscalYear, TenantCode, format_wareki, format_yen, parse_date, parse_yen};
use chrono::NaiveDate;
use proptest::prelude::*;

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1913i32..2100, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).expect("valid"))
}

proptest! {
    #[test]
    fn wareki_reads_back_as_the_same_date(date in any_date()) {
        prop_assert_eq!(parse_date(&format_wareki(date)), Ok(date));
        prop_assert_eq!(parse_date(&date.format("%Y/%-m/%-d").to_string()), Ok(date));
        prop_assert_eq!(parse_date(&date.to_string()), Ok(date));
    }

    #[test]
    fn a_date_is_in_the_fiscal_year_it_names(date in any_date()) {
        let fy = FiscalYear::of(date);
        prop_assert!(fy.first_day() <= date && date <= fy.last_day());
    }

    #[test]
    fn yen_reads_back_with_separators_and_signs(amount in 0i64..1_000_000_000_000) {
        let shown = format_yen(amount);
        prop_assert_eq!(parse_yen(&shown), Some(amount));
        prop_assert_eq!(parse_yen(&format!("￥{shown}円")), Some(amount));
    }

    #[test]
    fn exactly_one_check_digit_is_valid(first in 0u32..100_000) {
        let base = format!("{first:05}");
        let valid: Vec<u32> = (0..10).filter(|d| TenantCode::parse(&format!("{base}{d}")).is_ok()).collect();
        prop_assert_eq!(valid.len(), 1);
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,40}") {
        let _ = parse_date(&text);
        let _ = parse_yen(&text);
        let _ = TenantCode::parse(&text);
    }
}
