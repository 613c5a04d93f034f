//! Secrets and their hashes: 256 random bits as hex (session ids, CSRF
//! tokens, device tokens) and the SHA-256 under which they are stored. A
//! random 256-bit secret needs no slow hash. A leaf module.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 256 bits from the operating system's random source, as 64 lowercase hex digits.
///
/// Panics only if the OS has no random source, which no supported platform lacks.
pub fn random_hex() -> String {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the operating system's random source works");
    secret.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a secret's UTF-8 bytes: what the database keeps instead of the secret.
pub fn sha256(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Whether `secret` hashes to `stored`, compared in constant time.
pub fn matches(secret: &str, stored: &[u8]) -> bool {
    bool::from(sha256(secret).as_slice().ct_eq(stored))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_256_bits_of_hex_and_match_only_their_own_hash() {
        let (a, b) = (random_hex(), random_hex());
        assert_eq!(a.len(), 64);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
        assert!(matches(&a, &sha256(&a)));
        assert!(!matches(&b, &sha256(&a)));
        assert!(!matches(&a, &sha256(&a)[..31]));
    }
}
