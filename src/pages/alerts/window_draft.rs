//! A maintenance window as its form holds it: scope, target, start and end
//! (read from `datetime-local` inputs in the browser's zone into UTC ms by
//! the form), reason. `problems()` names what the form can see before the
//! server judges the rest (its 422 shows under the same fields). Pure.

use cairn_protocol::{ScopeLevel, WindowSpec};

/// The scopes a window may cover.
pub const SCOPES: [(ScopeLevel, &str); 3] = [
    (ScopeLevel::Site, "A site"),
    (ScopeLevel::Building, "A building"),
    (ScopeLevel::Device, "A device"),
];

#[derive(Clone, Debug, PartialEq)]
pub struct WindowDraft {
    pub scope: ScopeLevel,
    pub target: String,
    /// As typed, and as read (UTC ms; none: not a date and time).
    pub from: (String, Option<i64>),
    pub to: (String, Option<i64>),
    pub reason: String,
}

impl WindowDraft {
    pub fn spec(&self) -> WindowSpec {
        WindowSpec {
            scope: self.scope,
            target: self.target.clone(),
            from: self.from.1.unwrap_or(0),
            to: self.to.1.unwrap_or(0),
            reason: self.reason.trim().to_owned(),
        }
    }

    /// What the form can tell before sending, as `(field, message)`.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut say = |at: &str, m: String| out.push((at.to_owned(), m));
        if self.target.is_empty() {
            say("target", format!("choose a {}", self.scope.name()));
        }
        if self.from.1.is_none() {
            say("from", "a date and time".to_owned());
        }
        match (self.from.1, self.to.1) {
            (_, None) => say("to", "a date and time".to_owned()),
            (Some(f), Some(t)) if t <= f => {
                say("to", "the end must come after the start".to_owned())
            }
            _ => {}
        }
        if self.reason.trim().is_empty() {
            say(
                "reason",
                "say why: it shows on every suppressed alarm".to_owned(),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_form_can_tell_before_sending() {
        let fields = |d: &WindowDraft| d.problems().into_iter().map(|p| p.0).collect::<Vec<_>>();
        let mut d = WindowDraft {
            scope: ScopeLevel::Building,
            target: String::new(),
            from: ("2026-11-30T08:00".into(), Some(1_000)),
            to: ("2026-11-30T07:00".into(), Some(500)),
            reason: " ".into(),
        };
        assert_eq!(fields(&d), ["target", "to", "reason"]);
        assert_eq!(d.problems()[0].1, "choose a building");
        d.target = "b1".into();
        d.to = ("2026-11-30T12:00".into(), Some(5_000));
        d.reason = " Chiller replaced ".into();
        assert!(fields(&d).is_empty());
        assert_eq!(d.spec().reason, "Chiller replaced");
        d.from = ("".into(), None);
        assert_eq!(fields(&d), ["from"]);
    }
}
