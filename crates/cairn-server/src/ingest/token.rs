//! Per-device ingest tokens: `<device-id>.<64 hex>`, 256 random bits. Only a
//! SHA-256 of the secret is stored (a random 256-bit secret needs no slow hash);
//! it is compared in constant time.

use crate::secret::{matches, random_hex, sha256};

/// A new token for `device_id` and the hash to store for it.
pub fn issue(device_id: &str) -> (String, [u8; 32]) {
    let secret_hex = random_hex();
    let hash = hash(&secret_hex);
    (format!("{device_id}.{secret_hex}"), hash)
}

/// What the store keeps of a token's secret (see [`crate::secret::sha256`]).
pub fn hash(secret: &str) -> [u8; 32] {
    sha256(secret)
}

/// Splits a presented token into the device it claims and its secret.
pub fn parse(token: &str) -> Option<(&str, &str)> {
    let (device, secret) = token.rsplit_once('.')?;
    (!device.is_empty() && secret.len() == 64).then_some((device, secret))
}

/// Constant-time check of a presented secret against the stored hash.
pub fn verify(secret: &str, stored: &[u8]) -> bool {
    matches(secret, stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_token_verifies_and_nothing_else_does() {
        let (token, stored) = issue("bru-f1-r1");
        let (device, secret) = parse(&token).unwrap();
        assert_eq!(device, "bru-f1-r1");
        assert!(verify(secret, &stored));
        let mut wrong = secret.to_owned();
        wrong.replace_range(0..1, if wrong.starts_with('0') { "1" } else { "0" });
        assert!(!verify(&wrong, &stored));
        assert_ne!(issue("bru-f1-r1").0, token, "tokens are random");
    }

    #[test]
    fn malformed_tokens_do_not_parse() {
        for bad in [
            "",
            "nodot",
            ".abc",
            "dev.short",
            &format!("dev.{}", "a".repeat(63)),
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
