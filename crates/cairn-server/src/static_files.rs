//! The app's files from `dist/`: precompressed, cached by name.
//!
//! `cargo xtask` writes every text and wasm file with a `.br` and a `.gz`
//! beside it; the one the browser's `Accept-Encoding` prefers is sent as it is
//! (no compression per request). The app's own files live in `app-<hash>/`, a
//! name that changes with their contents, so they are cached for a year and
//! never revalidated; everything else (index.html, Leaflet, the icon) is
//! revalidated on every load (`no-cache` with `Last-Modified`).

use std::path::Path;

use axum::{
    Router,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use tower_http::services::{ServeDir, ServeFile};

/// The prefix of the folder of hashed app files (`/app-<hash>/cairn_bg.wasm`).
pub const APP_DIR_PREFIX: &str = "/app-";

/// `Cache-Control` of the hashed app files: a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of everything else static: always revalidated.
pub const REVALIDATE: &str = "no-cache";

/// Serves `dist`: files by path, unknown paths outside `/app-…/` get
/// index.html (deep links such as `/map` load the app), unknown files inside it
/// a 404 (an old tab asking for a part of a previous build must not get HTML).
pub fn service(dist: &Path) -> Router {
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_control))
}

async fn cache_control(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let hashed = path.starts_with(APP_DIR_PREFIX);
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if hashed && html {
        // index.html from the fallback: the file asked for does not exist.
        return (
            StatusCode::NOT_FOUND,
            "no such file in this build of the app",
        )
            .into_response();
    }
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let value = if hashed { IMMUTABLE } else { REVALIDATE };
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        // The body depends on Accept-Encoding: a shared cache must not hand
        // the brotli file to a client that asked for gzip.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}
