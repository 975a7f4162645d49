//! The command line: clap definitions (one file per subcommand), progress bars, writing output
//! files atomically. The only module that prints, and the only one using clap, indicatif and
//! anyhow.

mod compare;
mod optimize;
mod run;
mod schema;
mod staff;
mod sweep;
mod validate;

use anyhow::{Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// ccsim — contact-center scenario simulation.
#[derive(Debug, Parser)]
#[command(name = "ccsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario: KPIs per queue, group and interval with 95% confidence intervals.
    Run(run::Args),
    /// Compare a baseline with what-if variants (Rhai scripts) under common random numbers.
    Compare(compare::Args),
    /// Check a scenario file and print a one-paragraph summary.
    Validate(validate::Args),
    /// Analytic staffing (Erlang C/A/X) per queue and interval, optionally verified by simulation.
    Staff(staff::Args),
    /// Sweep a grid of scenario values and script parameters under common random numbers.
    Sweep(sweep::Args),
    /// Least staffing per interval meeting every target, found by simulation.
    Optimize(optimize::Args),
    /// Print the JSON Schema of the scenario format.
    Schema(schema::Args),
}

/// Options shared by every command that simulates.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Replications (overrides the scenario's `simulation.replications`).
    #[arg(long, short = 'n')]
    pub replications: Option<u32>,
    /// Base seed (overrides the scenario's `simulation.seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Output options shared by every command that reports.
#[derive(Debug, Clone, clap::Args)]
pub struct OutArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: FormatArg,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathArg>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned text tables.
    Table,
    /// One JSON document.
    Json,
    /// Long-format CSV.
    Csv,
}

impl From<FormatArg> for crate::report::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Table => crate::report::Format::Table,
            FormatArg::Json => crate::report::Format::Json,
            FormatArg::Csv => crate::report::Format::Csv,
        }
    }
}

/// Parses the command line and runs it.
pub fn run() -> Result<()> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match cli.command {
        Command::Compare(a) => {
            let sub = matches
                .subcommand_matches("compare")
                .ok_or_else(|| anyhow::anyhow!("internal: no compare arguments"))?;
            compare::exec(a, sub)
        }
        Command::Run(a) => run::exec(a),
        Command::Validate(a) => validate::exec(a),
        Command::Staff(a) => staff::exec(a),
        Command::Sweep(a) => sweep::exec(a),
        Command::Optimize(a) => optimize::exec(a),
        Command::Schema(a) => schema::exec(a),
    }
}

/// Writes to `path` atomically (a temporary file in the same folder, then rename), or to stdout.
pub fn write_output(path: Option<&Path>, body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    match path {
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match body(&mut lock).and_then(|()| lock.flush()) {
                // a closed pipe (`ccsim ... | head`) is the reader's choice, not an error
                Err(e) if broken_pipe(&e) => {}
                r => r.context("writing to standard output")?,
            }
        }
        Some(p) => {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
            {
                let mut w = std::io::BufWriter::new(tmp.as_file_mut());
                body(&mut w).with_context(|| format!("writing {}", p.display()))?;
                w.flush()?;
            }
            tmp.persist(p).with_context(|| format!("cannot write {}", p.display()))?;
        }
    }
    Ok(())
}

/// True for a closed pipe, also when wrapped by the CSV writer.
fn broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
        || e.get_ref()
            .and_then(|inner| inner.downcast_ref::<csv::Error>())
            .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// A progress bar on stderr when it is a terminal and not `quiet`; hidden otherwise.
pub fn progress_bar(total: u64, quiet: bool, what: &str) -> ProgressBar {
    let pb = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
    };
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

/// Runs `f` on a rayon pool with `threads` threads (all cores when `None`).
pub fn with_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    let pool = b.build().context("cannot start the thread pool")?;
    Ok(pool.install(f))
}

/// A path argument, shown in errors.
pub type PathArg = PathBuf;
