//! Which passwords are accepted (OWASP ASVS 2.1): 12 to 128 characters, not containing the
//! user name, not one of the commonly used passwords, not one character repeated.
//!
//! The list of common passwords is the part of zxcvbn-ts's `passwords.json`
//! (@zxcvbn-ts/language-common 4.1.3, MIT licence, `common_passwords.LICENSE` beside this
//! file; itself from the Xato and other public password-leak frequency lists) that is 12
//! characters or longer, lower-cased: shorter ones are refused by length already.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted (a longer one only costs the server hashing time).
pub const MAX_PASSWORD_CHARS: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
});

/// Why `password` may not be used by `username`, or None when it may.
pub fn password_problem(username: &str, password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Some(format!(
            "パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください"
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Some(format!(
            "パスワードは{MAX_PASSWORD_CHARS}文字以内にしてください"
        ));
    }
    let lower = password.to_lowercase();
    let name = username.trim().to_lowercase();
    if name.chars().count() >= 3 && lower.contains(&name) {
        return Some("パスワードにユーザー名を含めないでください".into());
    }
    let distinct: HashSet<char> = password.chars().collect();
    if distinct.len() < 5 {
        return Some("同じ文字の繰り返しのような推測されやすいパスワードは使えません".into());
    }
    if COMMON.contains(lower.as_str()) {
        return Some(
            "よく使われていて推測されやすいパスワードです。別のパスワードにしてください".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_long_and_personal_passwords_are_refused_with_why() {
        let cases = [
            ("short", "12文字以上"),
            ("aaaaaaaaaaaa", "同じ文字の繰り返し"),
            ("abababababab", "同じ文字の繰り返し"),
            ("Password1234", "よく使われて"),
            ("1qaz2wsx3edc", "よく使われて"),
            ("yamada-2026-spring", "ユーザー名を含めない"),
            ("YAMADA_secret_word", "ユーザー名を含めない"),
        ];
        for (password, why) in cases {
            let problem = password_problem("yamada", password).unwrap_or_default();
            assert!(problem.contains(why), "{password}: {problem:?}");
        }
        let huge = "x1y2z3".repeat(200_000);
        assert!(
            password_problem("yamada", &huge)
                .unwrap_or_default()
                .contains("128文字以内")
        );
        assert_eq!(password_problem("yamada", "correct horse battery"), None);
        assert_eq!(password_problem("yamada", &"あいうえおか".repeat(2)), None);
    }

    #[test]
    fn the_shipped_list_is_read() {
        assert!(COMMON.len() > 300);
        assert!(
            COMMON
                .iter()
                .all(|p| p.chars().count() >= MIN_PASSWORD_CHARS)
        );
    }
}
