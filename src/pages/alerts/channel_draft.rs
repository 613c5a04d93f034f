//! A notification channel as its form holds it (the escalation as typed),
//! read as the `ChannelSpec` the server gets and judged by
//! `ChannelSpec::problems()`, the one validator. Pure.

use cairn_protocol::{Channel, ChannelKind, ChannelSpec, ErrorDetail, Severity};

#[derive(Clone, Debug, PartialEq)]
pub struct ChannelDraft {
    pub name: String,
    pub kind: ChannelKind,
    pub target: String,
    /// Empty: none typed (an edited webhook keeps its stored secret).
    pub secret: String,
    pub min_severity: Severity,
    /// Every site, now and later (the spec's empty list).
    pub all_sites: bool,
    pub sites: Vec<String>,
    /// Minutes as typed; empty: no escalation.
    pub escalate: String,
    pub enabled: bool,
    /// Editing a stored channel (its secret may stay as it is).
    pub stored: bool,
}

impl Default for ChannelDraft {
    fn default() -> Self {
        ChannelDraft {
            name: String::new(),
            kind: ChannelKind::Email,
            target: String::new(),
            secret: String::new(),
            min_severity: Severity::Warning,
            all_sites: true,
            sites: Vec::new(),
            escalate: String::new(),
            enabled: true,
            stored: false,
        }
    }
}

impl ChannelDraft {
    /// A stored channel, to edit (its secret is never shown).
    pub fn of(c: &Channel) -> ChannelDraft {
        ChannelDraft {
            name: c.name.clone(),
            kind: c.kind,
            target: c.target.clone(),
            secret: String::new(),
            min_severity: c.min_severity,
            all_sites: c.sites.is_empty(),
            sites: c.sites.clone(),
            escalate: c
                .escalate_after_min
                .map(|m| m.to_string())
                .unwrap_or_default(),
            enabled: c.enabled,
            stored: true,
        }
    }

    /// The channel as typed, and what the form could not even read.
    pub fn spec(&self) -> (ChannelSpec, Vec<ErrorDetail>) {
        let mut unread = Vec::new();
        let mut problem = |at: &str, message: &str| {
            unread.push(ErrorDetail {
                code: "invalid_field".into(),
                message: message.into(),
                location: Some(at.into()),
            });
        };
        let escalate = self.escalate.trim();
        let escalate_after_min = if escalate.is_empty() {
            None
        } else if let Ok(m) = escalate.parse::<u32>() {
            Some(m)
        } else {
            problem(
                "escalate_after_min",
                "a whole number of minutes (1 to 1440), or empty for none",
            );
            None
        };
        if !self.all_sites && self.sites.is_empty() {
            problem("sites", "choose at least one site, or all sites");
        }
        let mut sites = if self.all_sites {
            Vec::new()
        } else {
            self.sites.clone()
        };
        sites.sort();
        sites.dedup();
        let spec = ChannelSpec {
            name: self.name.clone(),
            kind: self.kind,
            target: self.target.trim().to_owned(),
            secret: (self.kind == ChannelKind::Webhook && !self.secret.is_empty())
                .then(|| self.secret.clone()),
            min_severity: self.min_severity,
            sites,
            escalate_after_min,
            enabled: self.enabled,
        };
        (spec, unread)
    }

    /// Every problem as `(field, message)`: what could not be read, then the validator's.
    pub fn problems(&self) -> Vec<(String, String)> {
        let (spec, mut all) = self.spec();
        all.extend(spec.problems(!self.stored));
        all.into_iter()
            .filter_map(|d| Some((d.location?, d.message)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(d: &ChannelDraft) -> Vec<String> {
        d.problems().into_iter().map(|p| p.0).collect()
    }

    #[test]
    fn a_channel_is_judged_by_the_one_validator() {
        let mut d = ChannelDraft {
            name: "Ops".into(),
            kind: ChannelKind::Webhook,
            target: "https://hooks.example/cairn".into(),
            secret: "0123456789abcdef".into(),
            ..ChannelDraft::default()
        };
        assert_eq!(fields(&d), ["target"], "https is not supported yet");
        d.target = "http://hooks.example/cairn".into();
        assert!(fields(&d).is_empty());
        d.escalate = "15 min".into();
        assert_eq!(fields(&d), ["escalate_after_min"]);
        d.escalate = "0".into();
        assert_eq!(fields(&d), ["escalate_after_min"], "the validator's range");
        d.escalate = " 15 ".into();
        d.all_sites = false;
        assert_eq!(fields(&d), ["sites"]);
        d.sites = vec!["b".into(), "a".into()];
        let (spec, _) = d.spec();
        assert_eq!(
            (spec.sites, spec.escalate_after_min),
            (vec!["a".into(), "b".into()], Some(15))
        );
        d.secret.clear();
        assert_eq!(fields(&d), ["secret"], "a new webhook brings its secret");
        d.stored = true;
        assert!(
            fields(&d).is_empty(),
            "an edited one keeps the stored secret"
        );
        assert_eq!(d.spec().0.secret, None);
    }

    #[test]
    fn an_email_channel_sends_no_secret() {
        let d = ChannelDraft {
            name: "Ops".into(),
            target: "ops@example.be".into(),
            secret: "left over from the webhook".into(),
            ..ChannelDraft::default()
        };
        assert_eq!(d.spec().0.secret, None);
        assert!(fields(&d).is_empty());
    }
}
