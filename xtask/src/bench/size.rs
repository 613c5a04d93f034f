//! The app's size (P11): what the first screen downloads, and what each page
//! loads when first visited, read off the `dist/` that `cargo xtask` serves.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{Output, kb};
use crate::{app::APP_DIR_PREFIX, build, proc::root};

/// P11: the first load's budget, brotli (Leaflet, loaded apart, excluded).
const FIRST_LOAD_BUDGET: usize = 150 * 1024;

/// The files every first visit downloads, in `dist/` or its `app-<hash>/`.
const FIRST_LOAD: [&str; 5] = [
    "index.html",
    "cairn.css",
    "cairn.js",
    "__wasm_split.js",
    "cairn_bg.wasm",
];

/// Sizes of one file: raw, and its precompressed `.gz` and `.br` beside it.
struct Sizes {
    raw: usize,
    gz: usize,
    br: usize,
}

impl Sizes {
    fn of(path: &Path) -> Result<Sizes> {
        let len = |p: PathBuf| -> Result<usize> {
            Ok(std::fs::metadata(&p)
                .with_context(|| p.display().to_string())?
                .len() as usize)
        };
        let with = |ext: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(ext);
            PathBuf::from(name)
        };
        Ok(Sizes {
            raw: len(path.to_owned())?,
            gz: len(with(".gz"))?,
            br: len(with(".br"))?,
        })
    }

    fn add(&mut self, other: &Sizes) {
        self.raw += other.raw;
        self.gz += other.gz;
        self.br += other.br;
    }
}

const ZERO: Sizes = Sizes {
    raw: 0,
    gz: 0,
    br: 0,
};

pub fn app_size() -> Result<Output> {
    let dist = build::build_app()?;
    // The build index.html names (dist/ keeps the last few).
    let index = std::fs::read_to_string(dist.join("index.html"))?;
    let at = index
        .find(&format!("/{APP_DIR_PREFIX}"))
        .context("index.html names no app-<hash>/ folder")?;
    let name: String = index[at + 1..].chars().take_while(|c| *c != '/').collect();
    let app = dist.join(name);
    let app_name = app.file_name().unwrap_or_default().to_string_lossy();

    let mut md = String::from(
        "\n### First load (P11): what a first visit downloads before the sign-in page or the overview shows (Leaflet's script and style excluded), raw, gzip -9 and brotli -11 (window 22), as `dist/` holds them\n\n\
         | file | raw | gzip -9 | brotli -11 |\n|---|---:|---:|---:|\n",
    );
    let mut first = ZERO;
    for name in FIRST_LOAD {
        let (path, shown) = match name {
            "index.html" => (dist.join(name), name.to_owned()),
            _ => (app.join(name), format!("{app_name}/{name}")),
        };
        let s = Sizes::of(&path)?;
        md.push_str(&format!(
            "| {shown} | {} | {} | {} |\n",
            kb(s.raw),
            kb(s.gz),
            kb(s.br)
        ));
        first.add(&s);
    }
    let reached = if first.br <= FIRST_LOAD_BUDGET {
        "reached"
    } else {
        "**not reached**"
    };
    md.push_str(&format!(
        "| **first load** | {} | {} | **{}** |\n",
        kb(first.raw),
        kb(first.gz),
        kb(first.br),
    ));
    // The previous design in the same run: one wasm with every page.
    let unsplit = crate::build::target_dir().join("unsplit-app");
    crate::app::build_unsplit(&unsplit)?;
    let mut before = ZERO;
    for name in ["cairn_bg.wasm", "cairn.js"] {
        let bytes = std::fs::read(unsplit.join(name))?;
        before.add(&Sizes {
            raw: bytes.len(),
            gz: crate::app::gzip(&bytes)?.len(),
            br: crate::app::brotli(&bytes)?.len(),
        });
    }
    for name in ["index.html", "cairn.css"] {
        let path = if name == "index.html" {
            dist.join(name)
        } else {
            app.join(name)
        };
        before.add(&Sizes::of(&path)?);
    }
    md.push_str(&format!(
        "| before: the same app as one wasm (no split; Trunk built it so until now) | {} | {} | {} |\n",
        kb(before.raw),
        kb(before.gz),
        kb(before.br)
    ));
    md.push_str(&format!(
        "\nTarget ≤ {} brotli: {reached}.\n",
        kb(FIRST_LOAD_BUDGET)
    ));

    md.push_str(
        "\n### Parts loaded on demand: each area's own wasm (`src/routes.rs`: map, charts with the overview's sparklines, devices, alerts, admin, reports) and the chunks it shares with other areas (`__wasm_split.js` lists them), fetched in parallel the first time one of its pages opens\n\n\
         | part | files | raw | gzip -9 | brotli -11 |\n|---|---:|---:|---:|---:|\n",
    );
    let loader = std::fs::read_to_string(app.join("__wasm_split.js"))?;
    for (page, files) in parts(&loader) {
        let mut s = ZERO;
        for f in &files {
            s.add(&Sizes::of(&app.join(f))?);
        }
        md.push_str(&format!(
            "| {page} | {} | {} | {} | {} |\n",
            files.len(),
            kb(s.raw),
            kb(s.gz),
            kb(s.br)
        ));
    }
    let mut all = ZERO;
    let mut count = 0;
    for entry in std::fs::read_dir(&app)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".wasm") && name != "cairn_bg.wasm" {
            all.add(&Sizes::of(&path)?);
            count += 1;
        }
    }
    md.push_str(&format!(
        "| **every part** | {count} | {} | {} | {} |\n",
        kb(all.raw),
        kb(all.gz),
        kb(all.br)
    ));
    print!("{md}");
    let shown = dist
        .strip_prefix(root())
        .unwrap_or(&dist)
        .display()
        .to_string();
    Ok(Output {
        command: format!("cargo xtask bench (the app build of xtask/src/app.rs into {shown})"),
        stdout: md,
    })
}

/// Each page's wasm files, from the loader `wasm-split-cli` writes: a page's
/// `export const __wasm_split_load_<page>_<hash> = … fetch(… "./<split>.wasm" …), [__chunk_a, …]`,
/// and a chunk's `const __chunk_a = makeLoad(… "./chunk_a.wasm" …)`.
fn parts(loader: &str) -> Vec<(String, Vec<String>)> {
    let wasm_in = |text: &str| {
        let start = text.find("new URL(\"./")? + "new URL(\"./".len();
        let len = text[start..].find('"')?;
        Some(text[start..start + len].to_owned())
    };
    let mut pages = Vec::new();
    for (at, _) in loader.match_indices("export const __wasm_split_load_") {
        let rest = &loader[at + "export const __wasm_split_load_".len()..];
        let Some(name_end) = rest.find(' ') else {
            continue;
        };
        let name = &rest[..name_end];
        // Leptos' `#[lazy]` names end in `_<hash>`; ours are the area's name.
        let page = match name.rsplit_once('_') {
            Some((area, hash)) if hash.bytes().all(|b| b.is_ascii_digit()) => area,
            _ => name,
        }
        .to_owned();
        let end = rest.find("\nexport const").unwrap_or(rest.len());
        let body = &rest[..end];
        let mut files: Vec<String> = wasm_in(body).into_iter().collect();
        if let Some(deps) = body.rfind(", [").map(|i| &body[i + 3..])
            && let Some(close) = deps.find(']')
        {
            for chunk in deps[..close]
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                let decl = format!("const {chunk} = makeLoad(");
                if let Some(file) = loader.find(&decl).and_then(|i| wasm_in(&loader[i..])) {
                    files.push(file);
                }
            }
        }
        pages.push((page, files));
    }
    pages.sort();
    pages
}
