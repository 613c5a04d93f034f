/// Everything that can go wrong talking to the server. `Clone` so it can sit in a signal.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("the live connection failed: {0}")]
    Socket(String),
    #[error("the server sent a message this app does not understand: {0}")]
    Decode(String),
}
