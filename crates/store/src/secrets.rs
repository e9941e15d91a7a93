//! Secrets daicho must read back (a directory's service-account password, the TOTP
//! secrets of second factors) kept sealed in the database: ChaCha20-Poly1305 under a key
//! derived from the history key, which lives outside the database (`history.key` or
//! `DAICHO_HISTORY_KEY`). A copy of the database alone then gives none of them. Each
//! value is bound to where it belongs (`what`: table, column and row), so that a sealed
//! value copied into another row does not open. Values written before sealing existed
//! (no `v1:` prefix) are read as they are and sealed at their next write.

use crate::StoreError;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

const PREFIX: &str = "v1:";

fn key() -> Result<LessSafeKey, StoreError> {
    let derived = crate::history::chain::derive_key(b"daicho: secrets at rest, v1");
    UnboundKey::new(&CHACHA20_POLY1305, &derived)
        .map(LessSafeKey::new)
        .map_err(|_| StoreError::Internal("secret key".into()))
}

/// `plain` sealed for `what` (`directories.bind_password:12`).
pub(crate) fn seal(plain: &str, what: &str) -> Result<String, StoreError> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|e| StoreError::Internal(e.to_string()))?;
    let mut sealed = plain.as_bytes().to_vec();
    key()?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(what.as_bytes()),
            &mut sealed,
        )
        .map_err(|_| StoreError::Internal("seal".into()))?;
    Ok(format!(
        "{PREFIX}{}{}",
        crate::sessions::hex(&nonce),
        crate::sessions::hex(&sealed)
    ))
}

/// The value `seal` made for `what`; a value kept before sealing, as it is. An error
/// when it was sealed under another key (the history key was replaced) or for another
/// place.
pub(crate) fn open(stored: &str, what: &str) -> Result<String, StoreError> {
    let Some(hex) = stored.strip_prefix(PREFIX) else {
        return Ok(stored.to_string());
    };
    let unreadable = || {
        StoreError::Unavailable(
            "保存された秘密の値を読めません（history.key または DAICHO_HISTORY_KEY が変わった可能性があります）。設定し直してください"
                .into(),
        )
    };
    let bytes = crate::sessions::unhex(hex).ok_or_else(unreadable)?;
    if bytes.len() < NONCE_LEN {
        return Err(unreadable());
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| unreadable())?;
    let mut sealed = sealed.to_vec();
    let plain = key()?
        .open_in_place(nonce, Aad::from(what.as_bytes()), &mut sealed)
        .map_err(|_| unreadable())?;
    String::from_utf8(plain.to_vec()).map_err(|_| unreadable())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_where_it_was_sealed() {
        let sealed = seal("service-password", "directories.bind_password:1").expect("seal");
        assert!(!sealed.contains("service-password"));
        assert_ne!(
            sealed,
            seal("service-password", "directories.bind_password:1").expect("seal"),
            "a fresh nonce each time"
        );
        assert_eq!(
            open(&sealed, "directories.bind_password:1").expect("open"),
            "service-password"
        );
        assert!(open(&sealed, "directories.bind_password:2").is_err());
        let mut tampered = sealed.clone();
        let last = if sealed.ends_with('0') { "1" } else { "0" };
        tampered.replace_range(sealed.len() - 1.., last);
        assert!(open(&tampered, "directories.bind_password:1").is_err());
        assert!(open("v1:zz", "directories.bind_password:1").is_err());
        assert_eq!(
            open("kept before sealing", "x").expect("legacy"),
            "kept before sealing"
        );
    }
}
