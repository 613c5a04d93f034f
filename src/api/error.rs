/// Everything that can go wrong talking to the server. `Clone` so it can sit in a signal.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("the live connection failed: {0}")]
    Socket(String),
    #[error("the server sent a message this app does not understand: {0}")]
    Decode(String),
    #[error("cannot reach the server: {0}")]
    Network(String),
    /// Not signed in, or the session ended.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    RateLimited(String),
    /// The request was refused as a whole, or field by field: `(location, message)`.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: Vec<(String, String)>,
    },
    #[error("{0}")]
    Server(String),
}

impl ApiError {
    /// The message for the field at `location`, if the server named one.
    pub fn field(&self, location: &str) -> Option<String> {
        match self {
            ApiError::Invalid { fields, .. } => fields
                .iter()
                .find(|(at, _)| at == location || at.starts_with(&format!("{location}[")))
                .map(|(_, m)| m.clone()),
            _ => None,
        }
    }
}
