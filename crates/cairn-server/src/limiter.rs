//! Sign-in rate limiting: failed attempts are counted per account and per
//! client address over a sliding window; past the limit, further attempts
//! are refused (even with the right password) until the window slides on.
//! In memory, per process: with several servers an attacker gets N times the
//! budget, still far too little to guess a password.

use std::{collections::HashMap, net::IpAddr, sync::Mutex};

pub const WINDOW_MS: i64 = 15 * 60_000;
/// Failed attempts allowed per account per window.
pub const PER_ACCOUNT: usize = 5;
/// Failed attempts allowed per address per window (a shared office NAT has many users).
pub const PER_ADDRESS: usize = 30;

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<Key, Vec<i64>>>,
}

impl LoginLimiter {
    fn keys(account: &str, addr: IpAddr) -> [(Key, usize); 2] {
        [
            (Key::Account(account.to_lowercase()), PER_ACCOUNT),
            (Key::Address(addr), PER_ADDRESS),
        ]
    }

    /// `Err(seconds)` to wait when either the account or the address is over its limit.
    pub fn check(&self, now: i64, account: &str, addr: IpAddr) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = 0i64;
        for (key, limit) in Self::keys(account, addr) {
            if let Some(times) = map.get_mut(&key) {
                times.retain(|t| now - t < WINDOW_MS);
                if times.len() >= limit {
                    // Free again when the oldest counted failure leaves the window.
                    wait = wait.max(times[times.len() - limit] + WINDOW_MS - now);
                }
            }
        }
        if wait > 0 {
            Err((wait as u64).div_ceil(1000))
        } else {
            Ok(())
        }
    }

    pub fn failed(&self, now: i64, account: &str, addr: IpAddr) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            // Bounded memory under a spray of usernames: forget what has expired.
            map.retain(|_, times| times.iter().any(|t| now - t < WINDOW_MS));
        }
        for (key, _) in Self::keys(account, addr) {
            map.entry(key).or_default().push(now);
        }
    }

    /// A successful sign-in clears the account's count (not the address's).
    pub fn succeeded(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&Key::Account(account.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn an_account_is_locked_after_five_failures_until_the_window_passes() {
        let l = LoginLimiter::default();
        for i in 0..PER_ACCOUNT as i64 {
            assert_eq!(l.check(i, "Anna", HOME), Ok(()));
            l.failed(i, "anna", HOME);
        }
        let wait = l.check(10, "ANNA", HOME).unwrap_err();
        assert_eq!(wait, (WINDOW_MS as u64).div_ceil(1000));
        assert_eq!(
            l.check(10, "bob", HOME),
            Ok(()),
            "other accounts are not locked"
        );
        assert_eq!(l.check(WINDOW_MS + 5, "anna", HOME), Ok(()));
    }

    #[test]
    fn an_address_spraying_many_accounts_is_locked() {
        let l = LoginLimiter::default();
        for i in 0..PER_ADDRESS {
            l.failed(1, &format!("user{i}"), HOME);
        }
        assert!(l.check(2, "someone-new", HOME).is_err());
        let elsewhere = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 9));
        assert_eq!(l.check(2, "someone-new", elsewhere), Ok(()));
    }

    #[test]
    fn success_clears_the_account() {
        let l = LoginLimiter::default();
        for _ in 0..PER_ACCOUNT - 1 {
            l.failed(1, "anna", HOME);
        }
        l.succeeded("anna");
        l.failed(2, "anna", HOME);
        assert_eq!(l.check(3, "anna", HOME), Ok(()));
    }
}
