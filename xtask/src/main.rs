//! `cargo xtask run|test|bench`: installs what is missing (idempotently), builds, runs.

mod app;
mod bench;
mod build;
mod proc;
mod run;
mod test;
mod tools;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Cairn's developer commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what is missing, build the app and server, and serve the dashboard with the simulator.
    Run(run::RunArgs),
    /// Install what is missing and run every test layer (lint, native, server, wasm components, end to end).
    Test(test::TestArgs),
    /// Measure the app's size, the charts and the map in headless Chromium (beside uPlot and
    /// Leaflet.markercluster), the server's ingest, range queries and fan-out, and write the
    /// tables into BENCHMARKS.md.
    Bench,
    /// Install what is missing and build the app into dist/ (split, precompressed): what `run` serves.
    Build,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Test(args) => test::test(args),
        Command::Bench => bench::bench(),
        Command::Build => build::build_app().map(|_| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
