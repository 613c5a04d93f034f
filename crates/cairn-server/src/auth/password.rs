//! Passwords: Argon2id (OWASP parameters: 19 MiB, 2 passes) in PHC strings,
//! generated passwords for new accounts, and the rules a chosen one must meet.

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 256;

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). Slow on purpose: call
/// it on the blocking pool.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters hashes any input")
        .to_string()
}

/// [`hash`] on tokio's blocking pool (Argon2 would stall the async workers).
pub async fn hash_blocking(password: String) -> Result<String, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || hash(&password)).await
}

/// Checks a password against a stored PHC string; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash no password matches (accounts that cannot sign in with one), and
/// the work done for unknown usernames so they take as long as known ones.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("no account has this password, it is only for timing"))
}

/// 20 characters from an alphabet without look-alikes (~112 bits), in groups
/// of five for reading aloud: `k7rw2-…`.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    let chars: Vec<char> = bytes
        .iter()
        // 256 = 8 * 31 + 8: the first 8 letters are a shade more likely; fine for 112 bits.
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Why a chosen password is refused, or `None`.
pub fn problem(password: &str, username: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        Some(format!("at least {MIN_LEN} characters (this has {n})"))
    } else if n > MAX_LEN {
        Some(format!("at most {MAX_LEN} characters"))
    } else if password.eq_ignore_ascii_case(username) {
        Some("must not be the username".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", "not a phc string"));
        assert_ne!(hash("correct horse battery"), h, "salted");
    }

    #[test]
    fn generated_passwords_are_long_random_and_acceptable() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert_eq!(a.len(), 23);
        assert_eq!(problem(&a, "x"), None);
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(problem("short", "u").unwrap().contains("12"));
        assert!(problem("operator-anna", "OPERATOR-ANNA").is_some());
        assert!(problem(&"x".repeat(300), "u").is_some());
    }
}
