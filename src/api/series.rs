//! History for charts: `GET /api/series`, decimated by the server for the
//! chart's pixel width.

use cairn_protocol::SeriesBatch;

use super::{ApiError, http};

pub async fn series(points: &[u32], from: i64, to: i64, px: u32) -> Result<SeriesBatch, ApiError> {
    let ids: Vec<String> = points.iter().map(u32::to_string).collect();
    http::get(&format!(
        "/api/series?point={}&from={from}&to={to}&px={px}",
        ids.join(",")
    ))
    .await
}
