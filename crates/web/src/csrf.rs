//! Cross-site request forgery protection. Every state-changing form carries a token that
//! must equal the session's (or, on the login form, a cookie set with the form), and the
//! comparison takes the same time whatever the input. SameSite=Strict cookies are the
//! second line.

use crate::error::AppError;

/// The login form's token cookie.
pub const LOGIN_CSRF_COOKIE: &str = "daicho_login_csrf";

/// Checks a submitted token against the expected one.
pub fn verify(submitted: &str, expected: &str) -> Result<(), AppError> {
    if expected.is_empty() || submitted.len() != expected.len() {
        return Err(AppError::Csrf);
    }
    let diff = submitted
        .bytes()
        .zip(expected.bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff == 0 {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}

/// Checks the token of a form read as a map of fields (forms whose fields vary).
pub fn verify_form(
    form: &std::collections::HashMap<String, String>,
    expected: &str,
) -> Result<(), AppError> {
    verify(form.get("csrf_token").map_or("", String::as_str), expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_passes() {
        assert!(verify("abc123", "abc123").is_ok());
        assert!(verify("abc124", "abc123").is_err());
        assert!(verify("", "").is_err());
        assert!(verify("abc", "abc123").is_err());
    }
}
