//! The tenant key: 全国地方公共団体コード, five digits plus a check digit.

use crate::DomainError;
use serde::{Deserialize, Serialize};

/// A validated 全国地方公共団体コード such as `352012`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantCode(String);

impl TenantCode {
    /// Accepts six ASCII or full-width digits whose last is the check digit
    /// `(11 - (6a+5b+4c+3d+2e) mod 11) mod 10`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let digits: Vec<u32> = input
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => Some(c as u32 - '０' as u32),
                '0'..='9' => Some(c as u32 - '0' as u32),
                _ => None,
            })
            .collect::<Option<_>>()
            .filter(|d: &Vec<u32>| d.len() == 6)
            .ok_or_else(|| DomainError::TenantCodeFormat(input.to_string()))?;
        let expected = check_digit(&digits[..5]);
        let code: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
        if digits[5] != expected {
            return Err(DomainError::TenantCodeCheckDigit { code, expected });
        }
        Ok(TenantCode(code))
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_digit(first_five: &[u32]) -> u32 {
    let sum: u32 = first_five
        .iter()
        .zip([6, 5, 4, 3, 2])
        .map(|(d, w)| d * w)
        .sum();
    (11 - sum % 11) % 10
}

impl std::fmt::Display for TenantCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TenantCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        TenantCode::parse(&value)
    }
}

impl From<TenantCode> for String {
    fn from(code: TenantCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_codes() {
        for code in ["352012", "990001", "131016", "011002", "３５２０１２"] {
            assert!(TenantCode::parse(code).is_ok(), "{code}");
        }
        assert_eq!(
            TenantCode::parse("３５２０１２").map(|c| c.0),
            Ok("352012".into())
        );
    }

    #[test]
    fn rejects_wrong_check_digit_naming_the_right_one() {
        assert_eq!(
            TenantCode::parse("352013"),
            Err(DomainError::TenantCodeCheckDigit {
                code: "352013".into(),
                expected: 2
            })
        );
    }

    #[test]
    fn rejects_malformed() {
        for code in ["", "35201", "3520123", "35201a", "35-012"] {
            assert!(
                matches!(
                    TenantCode::parse(code),
                    Err(DomainError::TenantCodeFormat(_))
                ),
                "{code}"
            );
        }
    }
}
