//! Stopping: one `watch` flag turns true when the server stops; background
//! tasks and live sockets wait on it. A leaf module.

use tokio::sync::watch;

/// Resolves once the server is stopping (holds no lock across awaits).
pub async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|s| *s).await;
}
