//! The app's files: precompressed by `Accept-Encoding`, hashed files cached for
//! a year, everything else revalidated, deep links get index.html, a missing
//! part of the app a 404.

use axum::http::{HeaderMap, StatusCode, header};
use cairn_server::{Config, Server};
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn fetch(
    server: &Server,
    uri: &str,
    accept: Option<&str>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = axum::http::Request::builder().uri(uri);
    if let Some(accept) = accept {
        req = req.header(header::ACCEPT_ENCODING, accept);
    }
    let res = (cairn_server::app(server.state().clone()))
        .oneshot(req.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

#[tokio::test]
async fn app_files_go_out_precompressed_and_cached_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    let app = dist.join("app-0123456789abcdef");
    std::fs::create_dir_all(&app).unwrap();
    let write = |path: std::path::PathBuf, bytes: &[u8]| std::fs::write(path, bytes).unwrap();
    write(
        dist.join("index.html"),
        b"<!doctype html><title>Cairn</title>",
    );
    write(dist.join("index.html.gz"), b"gzip of index");
    write(app.join("cairn_bg.wasm"), b"\0asm raw");
    write(app.join("cairn_bg.wasm.br"), b"brotli of wasm");
    write(app.join("cairn_bg.wasm.gz"), b"gzip of wasm");
    let mut config = Config::for_tests(dir.path().join("data"));
    config.dist_dir = dist;
    let server = Server::start(config).await.unwrap();
    let wasm = "/app-0123456789abcdef/cairn_bg.wasm";

    let (status, headers, body) = fetch(&server, wasm, Some("gzip, deflate, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(body, b"brotli of wasm");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers[header::VARY], "accept-encoding");

    let (_, headers, body) = fetch(&server, wasm, Some("gzip")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(body, b"gzip of wasm");

    let (_, headers, body) = fetch(&server, wasm, None).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body, b"\0asm raw");

    // A deep link gets index.html (precompressed too), revalidated every time.
    let (status, headers, body) = fetch(&server, "/map/floors/bru-a-f0", Some("gzip")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"gzip of index");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(headers[header::VARY], "accept-encoding");

    // A part of another build is not there: 404, never the page.
    for missing in [
        "/app-0123456789abcdef/split_map_page_1.wasm",
        "/app-fedcba9876543210/cairn_bg.wasm",
    ] {
        let (status, headers, _) = fetch(&server, missing, Some("gzip")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert!(headers.get(header::CACHE_CONTROL).is_none(), "{missing}");
    }
    server.stop().await.unwrap();
}
