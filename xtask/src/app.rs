//! Building the app users download: the Rust part split into a first-screen
//! wasm and one part per page, the style files in one, everything hashed and
//! precompressed.
//!
//! Trunk 0.21 cannot run wasm-split between cargo and wasm-bindgen (trunk-rs/trunk
//! issue 1022), so this does what `trunk build --release` did, plus the split:
//! 1. `cargo build --release --target wasm32-unknown-unknown --features split`
//!    with `-Clink-args=--emit-relocs` (wasm-split needs the relocations);
//! 2. `wasm-split-cli`: the main module plus one wasm per `#[lazy]` page and
//!    the chunks pages share, and `__wasm_split.js`, which fetches them;
//! 3. `wasm-bindgen --target web --keep-lld-exports` on the main module;
//! 4. `wasm-opt -Oz` on every wasm;
//! 5. the `data-trunk` links of `index.html` (still Trunk's entry for
//!    `trunk serve`) say what to copy and which style files to join, in order;
//! 6. the app's files go to `dist/app-<hash>/` (the hash of their contents, so
//!    they can be cached for a year), `index.html` gets the script and preload
//!    tags, and every text or wasm file gets a `.br` (brotli 11) and `.gz`
//!    (gzip 9) beside it for the server to send as they are.

use std::{
    hash::{DefaultHasher, Hasher},
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};

use crate::{
    proc::{cargo, root, run, show},
    tools,
};

/// The folder of the hashed app files inside `dist/` starts with this.
pub const APP_DIR_PREFIX: &str = "app-";

/// Builds the app into `dist` with `features` besides `split`.
pub fn build(dist: &Path, features: &[&str]) -> Result<()> {
    tools::ensure_build_tools()?;
    run(cargo().args(["fetch", "--quiet"]))?;
    let target = crate::build::target_dir();
    let work = target.join("app-build");
    let _ = std::fs::remove_dir_all(&work);
    let (split, bound) = (work.join("split"), work.join("bindgen"));
    for dir in [&split, &bound] {
        std::fs::create_dir_all(dir)?;
    }

    let mut all = vec!["split"];
    all.extend_from_slice(features);
    let mut build = cargo();
    build
        .args(["build", "--offline", "--release", "--bin", "cairn"])
        .args(["--target", tools::WASM_TARGET, "--features", &all.join(",")]);
    // wasm-split needs the relocations. RUSTFLAGS, when set, would override
    // the target's own flags: add ours to it instead.
    const RELOCS: &str = "-Clink-args=--emit-relocs";
    match std::env::var("RUSTFLAGS") {
        Ok(flags) if !flags.trim().is_empty() => {
            build.env("RUSTFLAGS", format!("{flags} {RELOCS}"))
        }
        _ => build.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", RELOCS),
    };
    if std::env::var_os("CARGO_ENCODED_RUSTFLAGS").is_some() {
        bail!(
            "CARGO_ENCODED_RUSTFLAGS is set: the app build needs {RELOCS}; use RUSTFLAGS instead"
        );
    }
    run(&mut build)?;
    let linked = target.join(tools::WASM_TARGET).join("release/cairn.wasm");
    run(tools::tool("wasm-split-cli")
        .arg(&linked)
        .arg(&split)
        .args(["--out-name", "cairn"]))?;
    run(tools::tool("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--keep-lld-exports",
            "--no-demangle",
            "--no-typescript",
        ])
        .args(["--out-name", "cairn", "--out-dir"])
        .arg(&bound)
        .arg(split.join("cairn.wasm")))?;

    // Everything of the app in one folder: __wasm_split.js finds the parts
    // next to itself and imports the main module as ./cairn.js.
    let stage = work.join("app");
    std::fs::create_dir_all(&stage)?;
    eprintln!("xtask: wasm-opt -Oz on the main module and every part");
    wasm_opt(&bound.join("cairn_bg.wasm"), &stage.join("cairn_bg.wasm"))?;
    std::fs::copy(bound.join("cairn.js"), stage.join("cairn.js"))?;
    if bound.join("snippets").exists() {
        bail!(
            "wasm-bindgen wrote snippets/ (a dependency's inline JS): the app build does not copy them yet"
        );
    }
    for entry in std::fs::read_dir(&split)? {
        let path = entry?.path();
        let name = path.file_name().context("a file name")?.to_owned();
        match path.extension().and_then(|e| e.to_str()) {
            Some("wasm") if name != "cairn.wasm" => wasm_opt(&path, &stage.join(&name))?,
            Some("js") => {
                std::fs::copy(&path, stage.join(&name))?;
            }
            _ => {}
        }
    }

    let index = std::fs::read_to_string(root().join("index.html"))?;
    let links = trunk_links(&index)?;
    let mut css = String::new();
    for link in links.iter().filter(|l| l.rel == "css") {
        let file = root().join(&link.href);
        css.push_str(&std::fs::read_to_string(&file).with_context(|| file.display().to_string())?);
        css.push('\n');
    }
    std::fs::write(stage.join("cairn.css"), css)?;

    // A running server keeps serving the old build until index.html names the
    // new one: the new folder is complete (compressed too) before, and
    // index.html is replaced last, by a rename. The last builds' folders stay,
    // so a tab opened before can still fetch its parts.
    precompress(&stage)?;
    let app_dir = format!("{APP_DIR_PREFIX}{:016x}", hash_dir(&stage)?);
    std::fs::create_dir_all(dist)?;
    clear_except_builds(dist)?;
    let dest = dist.join(&app_dir);
    if !dest.exists() {
        std::fs::rename(&stage, &dest).or_else(|_| copy_tree(&stage, &dest))?;
    }
    for link in &links {
        let from = root().join(&link.href);
        let name = from.file_name().context("a file name")?;
        match link.rel.as_str() {
            "copy-dir" => copy_tree(&from, &dist.join(name))?,
            "copy-file" => {
                std::fs::copy(&from, dist.join(name))
                    .with_context(|| from.display().to_string())?;
            }
            "css" | "rust" => {}
            other => {
                bail!("index.html: a data-trunk link rel=\"{other}\" this build does not know")
            }
        }
    }
    for link in links.iter().filter(|l| l.rel.starts_with("copy-")) {
        let copied = dist.join(Path::new(&link.href).file_name().context("a file name")?);
        if copied.is_dir() {
            precompress(&copied)?;
        } else {
            compress_file(&copied)?;
        }
    }
    let html = page(&index, &app_dir);
    let fresh = work.join("index");
    std::fs::create_dir_all(&fresh)?;
    std::fs::write(fresh.join("index.html"), &html)?;
    precompress(&fresh)?;
    for name in ["index.html.br", "index.html.gz", "index.html"] {
        std::fs::copy(fresh.join(name), dist.join(format!(".{name}.new")))?;
        std::fs::rename(dist.join(format!(".{name}.new")), dist.join(name))?;
    }
    prune_builds(dist, &app_dir)?;
    Ok(())
}

/// How many builds' `app-<hash>/` folders `dist/` keeps (the newest).
const KEPT_BUILDS: usize = 3;

/// Removes everything in `dist` but the `app-<hash>/` folders and index.html
/// (replaced last): what an older build or Trunk left goes.
fn clear_except_builds(dist: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dist)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let keep = name.starts_with("index.html")
            || (name.starts_with(APP_DIR_PREFIX) && entry.file_type()?.is_dir());
        if keep {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        }
        .with_context(|| format!("removing {}", path.display()))?;
    }
    Ok(())
}

/// Keeps `current` and the newest other builds, up to [`KEPT_BUILDS`] in all.
fn prune_builds(dist: &Path, current: &str) -> Result<()> {
    let mut older = Vec::new();
    for entry in std::fs::read_dir(dist)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(APP_DIR_PREFIX) && name != current {
            older.push((entry.metadata()?.modified()?, entry.path()));
        }
    }
    older.sort();
    let drop = older.len().saturating_sub(KEPT_BUILDS - 1);
    for (_, path) in older.into_iter().take(drop) {
        std::fs::remove_dir_all(&path).with_context(|| format!("removing {}", path.display()))?;
    }
    Ok(())
}

/// The app as one wasm, as it was built before the split (`trunk build
/// --release` made the same): into `out/cairn.js` and `out/cairn_bg.wasm`, for
/// `cargo xtask bench` to compare. Its own target folder, so the two builds'
/// different flags do not rebuild each other's dependencies.
pub fn build_unsplit(out: &Path) -> Result<()> {
    tools::ensure_build_tools()?;
    let target = crate::build::target_dir().join("unsplit");
    run(cargo()
        .args(["build", "--offline", "--release", "--bin", "cairn"])
        .args(["--target", tools::WASM_TARGET, "--target-dir"])
        .arg(&target))?;
    let bound = target.join("bindgen");
    let _ = std::fs::remove_dir_all(&bound);
    run(tools::tool("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "cairn",
            "--out-dir",
        ])
        .arg(&bound)
        .arg(target.join(tools::WASM_TARGET).join("release/cairn.wasm")))?;
    std::fs::create_dir_all(out)?;
    wasm_opt(&bound.join("cairn_bg.wasm"), &out.join("cairn_bg.wasm"))?;
    std::fs::copy(bound.join("cairn.js"), out.join("cairn.js"))?;
    Ok(())
}

/// `wasm-opt -Oz`, quiet unless it fails (it warns about wasm-split's name
/// sections on every part, harmlessly).
fn wasm_opt(from: &Path, to: &Path) -> Result<()> {
    let mut cmd = tools::tool("wasm-opt");
    cmd.arg("-Oz").arg(from).arg("-o").arg(to);
    let out = cmd
        .output()
        .with_context(|| format!("cannot start `{}`", show(&cmd)))?;
    if !out.status.success() {
        bail!(
            "`{}` failed ({}): {}",
            show(&cmd),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// A `<link data-trunk rel=… href=…>` of index.html.
struct TrunkLink {
    rel: String,
    href: String,
}

fn trunk_links(index: &str) -> Result<Vec<TrunkLink>> {
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let len = tag[start..].find('"')?;
        Some(tag[start..start + len].to_owned())
    };
    let mut links = Vec::new();
    for line in index.lines().map(str::trim) {
        if !line.starts_with("<link data-trunk") {
            continue;
        }
        let rel = attr(line, "rel").with_context(|| format!("index.html: no rel in {line}"))?;
        let href = attr(line, "href").unwrap_or_default();
        if rel != "rust" && href.is_empty() {
            bail!("index.html: no href in {line}");
        }
        links.push(TrunkLink { rel, href });
    }
    if !links.iter().any(|l| l.rel == "rust") {
        bail!("index.html has no <link data-trunk rel=\"rust\">");
    }
    Ok(links)
}

/// index.html with the data-trunk links replaced by the built files: the style,
/// the main module and its wasm preloaded, and the module that starts the app.
fn page(index: &str, app_dir: &str) -> String {
    let head = format!(
        r#"    <link rel="stylesheet" href="/{app_dir}/cairn.css" />
    <link rel="modulepreload" href="/{app_dir}/cairn.js" />
    <link rel="modulepreload" href="/{app_dir}/__wasm_split.js" />
    <link rel="preload" href="/{app_dir}/cairn_bg.wasm" as="fetch" type="application/wasm" crossorigin />
    <script type="module">
        import init from "/{app_dir}/cairn.js";
        init({{ module_or_path: "/{app_dir}/cairn_bg.wasm" }});
    </script>
"#
    );
    let mut out = String::new();
    for line in index.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("<link data-trunk") {
            continue;
        }
        if trimmed == "</head>" {
            out.push_str(&head);
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A hash of every file's name and bytes in `dir` (not recursive), in name order.
fn hash_dir(dir: &Path) -> Result<u64> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.sort();
    let mut hasher = DefaultHasher::new();
    for path in names {
        hasher.write(path.file_name().unwrap_or_default().as_encoded_bytes());
        hasher.write(&std::fs::read(&path)?);
    }
    Ok(hasher.finish())
}

/// The file types worth compressing (images other than SVG are compressed already).
const COMPRESSIBLE: [&str; 6] = ["wasm", "js", "css", "html", "svg", "json"];

/// Writes `<file>.br` (brotli 11, window 22) and `<file>.gz` (gzip 9) beside
/// every compressible file under `dir`.
pub fn precompress(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        compress_file(&path)?;
    }
    Ok(())
}

/// `<path>.br` and `<path>.gz` beside `path`, if its type is worth compressing.
fn compress_file(path: &Path) -> Result<()> {
    if !path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e))
    {
        return Ok(());
    }
    let bytes = std::fs::read(path)?;
    let with = |ext: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(ext);
        PathBuf::from(name)
    };
    std::fs::write(with(".br"), brotli(&bytes)?)?;
    std::fs::write(with(".gz"), gzip(&bytes)?)?;
    Ok(())
}

pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes)?;
    }
    Ok(out)
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| from.display().to_string())? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}
