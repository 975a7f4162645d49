//! The command line: clap definitions (one file per subcommand), progress bars, writing output
//! files atomically. The only module that prints, and the only one using clap, indicatif and
//! anyhow.

mod compare;
mod merge;
mod optimize;
mod run;
mod schedule;
mod schema;
mod staff;
mod sweep;
mod validate;
mod variance;

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
    /// Shifts and rosters covering a requirement curve, with the LP bound; put into a scenario,
    /// simulated and corrected by simulation.
    Schedule(schedule::Args),
    /// Print the JSON Schema of the scenario format.
    Schema(schema::Args),
    /// Merge the partial results of a sharded run (`--shard K/N`) into the single run's result.
    Merge(merge::Args),
    /// Actuals (an ACD export, CSV) against the plan, with the SL, ASA and abandon deviations
    /// attributed to volume, handle time and staffing by re-simulation.
    Variance(variance::Args),
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
    /// Worker threads (default: all cores; at most 1024). Results do not depend on it.
    #[arg(long, value_parser = parse_threads)]
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
    /// Write to this file (atomically) instead of standard output (required by `--format xlsx`).
    #[arg(long, short = 'o')]
    pub output: Option<PathArg>,
    /// Spreadsheet conventions of `--format csv`: `c` (`,` between cells, `.` in numbers) or
    /// `it` (Italian spreadsheets: `;`, decimal comma); both round numbers to 6 significant
    /// digits (whole numbers kept whole). Other formats are not affected.
    #[arg(long, value_enum, default_value = "c")]
    pub csv_locale: CsvLocaleArg,
}

/// `--report FILE.html` and `--audience`: the HTML report a command writes beside its output.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Also write a self-contained HTML report (charts as inline SVG, nothing fetched) to this
    /// file, atomically.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathArg>,
    /// Who the HTML report is for: `ops` (interval and group detail), `client` (contract KPIs
    /// and compliance per day), `management` (cost, hours, FTE, risk) or `all`.
    #[arg(long, value_enum, default_value = "all", requires = "report")]
    pub audience: AudienceArg,
}

/// `--audience`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AudienceArg {
    /// Every section.
    All,
    /// The floor: intervals and groups.
    Ops,
    /// The client: contract KPIs and compliance per day.
    Client,
    /// Management: cost, hours, FTE, risk, the cheapest compliant option.
    Management,
}

impl ReportArgs {
    /// The audience as the report module names it.
    pub fn audience(&self) -> crate::report::html::Audience {
        use crate::report::html::Audience;
        match self.audience {
            AudienceArg::All => Audience::All,
            AudienceArg::Ops => Audience::Ops,
            AudienceArg::Client => Audience::Client,
            AudienceArg::Management => Audience::Management,
        }
    }

    /// Writes the report `page` builds (atomically), when `--report` asks for one.
    pub fn write(&self, page: impl FnOnce(crate::report::html::Audience) -> String) -> Result<()> {
        match &self.report {
            Some(path) => {
                let html = page(self.audience());
                write_output(Some(path), |w| w.write_all(html.as_bytes()))
            }
            None => Ok(()),
        }
    }
}

/// `--csv-locale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvLocaleArg {
    /// `,` and `.` (what programs read).
    C,
    /// `;` and a decimal comma (Italian Excel and LibreOffice).
    It,
}

impl OutArgs {
    /// Writes the command's output with `write_output` (atomically to `--output`, else
    /// standard output), CSV (written by `body` at full precision) rounded and in the
    /// conventions of `--csv-locale`.
    pub fn write(&self, body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        use crate::report::csv::{CsvLocale, localize};
        if self.format != FormatArg::Csv {
            return write_output(self.output.as_deref(), body);
        }
        let mut buf = Vec::new();
        body(&mut buf).context("writing CSV")?;
        let locale = match self.csv_locale {
            CsvLocaleArg::C => CsvLocale::C,
            CsvLocaleArg::It => CsvLocale::It,
        };
        let text = localize(&buf, locale).context("rounding CSV")?;
        write_output(self.output.as_deref(), |w| w.write_all(&text))
    }

    /// Refuses, before any work, a format that cannot go to standard output: `--format xlsx`
    /// without `--output`; notes a workbook file not named `.xlsx` (spreadsheets open workbooks
    /// by their extension).
    fn check(&self) -> Result<()> {
        if self.format != FormatArg::Xlsx {
            return Ok(());
        }
        let Some(path) = &self.output else {
            anyhow::bail!("--format xlsx writes a binary workbook: give the file with --output FILE.xlsx");
        };
        let xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        if !xlsx && check_output_path(path).ok() == Some(Target::File) {
            eprintln!("note: {} does not end in .xlsx: spreadsheets may refuse to open it", path.display());
        }
        Ok(())
    }
}

/// True when the output goes to a terminal that takes colours: no `--output`, standard output
/// a terminal, and `NO_COLOR` unset (<https://no-color.org>).
pub fn colour_terminal(out: &OutArgs) -> bool {
    out.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
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
    /// An Excel workbook, one sheet per table (needs `--output FILE.xlsx`).
    Xlsx,
}

impl From<FormatArg> for crate::report::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Table => crate::report::Format::Table,
            FormatArg::Json => crate::report::Format::Json,
            FormatArg::Csv => crate::report::Format::Csv,
            FormatArg::Xlsx => crate::report::Format::Xlsx,
        }
    }
}

/// The most worker threads `--threads` accepts.
pub const MAX_THREADS: usize = 1024;

/// `--threads`: 1 to [`MAX_THREADS`].
fn parse_threads(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|_| format!("expected a whole number of threads, got {s:?}"))?;
    if (1..=MAX_THREADS).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} threads: expected 1 to {MAX_THREADS} (this machine has {} cores)", available_cores()))
    }
}

fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Command {
    /// The files this command will write, checked before any work is done.
    fn outputs(&self) -> Vec<&Path> {
        fn out(o: &OutArgs) -> Option<&Path> {
            o.output.as_deref()
        }
        let list = match self {
            Command::Run(a) => vec![out(&a.out), a.html.report.as_deref()],
            Command::Compare(a) => vec![out(&a.out), a.html.report.as_deref()],
            Command::Validate(_) => vec![],
            Command::Staff(a) => vec![out(&a.out), a.emit_staffing.as_deref(), a.html.report.as_deref()],
            Command::Sweep(a) => vec![out(&a.out), a.chart.as_deref(), a.html.report.as_deref()],
            Command::Optimize(a) => vec![out(&a.out), a.emit_staffing.as_deref(), a.html.report.as_deref()],
            Command::Schedule(a) => vec![out(&a.out), a.emit_scenario.as_deref(), a.html.report.as_deref()],
            Command::Schema(a) => vec![a.output.as_deref()],
            Command::Merge(a) => vec![out(&a.out), a.html.report.as_deref()],
            Command::Variance(a) => vec![out(&a.out), a.html.report.as_deref()],
        };
        list.into_iter().flatten().collect()
    }

    /// The command's output options, if it reports.
    fn out_args(&self) -> Option<&OutArgs> {
        match self {
            Command::Run(a) => Some(&a.out),
            Command::Compare(a) => Some(&a.out),
            Command::Staff(a) => Some(&a.out),
            Command::Sweep(a) => Some(&a.out),
            Command::Optimize(a) => Some(&a.out),
            Command::Schedule(a) => Some(&a.out),
            Command::Merge(a) => Some(&a.out),
            Command::Variance(a) => Some(&a.out),
            Command::Validate(_) | Command::Schema(_) => None,
        }
    }
}

/// Refuses two outputs of one command naming the same file (one would overwrite the other).
fn distinct_outputs(paths: &[&Path]) -> Result<()> {
    for (i, p) in paths.iter().enumerate() {
        if paths[..i].contains(p) {
            anyhow::bail!("{} is named as two outputs of this command: give each output its own file", p.display());
        }
    }
    Ok(())
}

/// Parses the command line and runs it.
pub fn run() -> Result<()> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    install_interrupt_cleanup();
    if let Some(o) = cli.command.out_args() {
        o.check()?;
    }
    let outputs = cli.command.outputs();
    distinct_outputs(&outputs)?;
    for p in outputs {
        check_output_path(p)?;
    }
    match cli.command {
        Command::Compare(a) => {
            let sub = matches
                .subcommand_matches("compare")
                .ok_or_else(|| anyhow::anyhow!("internal: no compare arguments"))?;
            compare::exec(a, sub, Work::of(a_shard(&matches, "compare")?))
        }
        Command::Run(a) => run::exec(a, Work::of(a_shard(&matches, "run")?)),
        Command::Validate(a) => validate::exec(a),
        Command::Staff(a) => staff::exec(a),
        Command::Sweep(a) => sweep::exec(a, Work::of(a_shard(&matches, "sweep")?)),
        Command::Optimize(a) => optimize::exec(a),
        Command::Schedule(a) => schedule::exec(a),
        Command::Schema(a) => schema::exec(a),
        Command::Merge(a) => merge::exec(a),
        Command::Variance(a) => variance::exec(a),
    }
}

/// `--shard K/N` of subcommand `sub`, parsed.
fn a_shard(matches: &clap::ArgMatches, sub: &str) -> Result<Option<crate::shard::Shard>> {
    let text = matches.subcommand_matches(sub).and_then(|m| m.get_one::<String>("shard"));
    text.map(|t| crate::shard::Shard::parse(t).map_err(|e| anyhow::anyhow!(e))).transpose()
}

/// Where a simulating command's statistics come from.
pub enum Work {
    /// Simulated here, every replication.
    Local,
    /// Simulated here, one shard only: the command writes a partial result.
    Shard(crate::shard::Shard),
    /// Merged from the parts of a sharded run (`ccsim merge`): nothing is simulated.
    Merged(crate::shard::Merged),
}

impl Work {
    fn of(shard: Option<crate::shard::Shard>) -> Work {
        shard.map_or(Work::Local, Work::Shard)
    }

    /// How this work is executed, for the output's metadata: `threads` (`--threads`, else all
    /// cores) when simulated here, the shard count when merged.
    pub fn execution(&self, threads: Option<usize>) -> crate::kpi::Execution {
        match self {
            Work::Merged(m) => crate::kpi::Execution { threads: None, shards: Some(m.shards) },
            _ => crate::kpi::Execution {
                threads: Some(threads.unwrap_or_else(rayon::current_num_threads)),
                shards: None,
            },
        }
    }
}

/// `--shard K/N`: simulate one shard of the run and write a partial result for `ccsim merge`.
#[derive(Debug, Clone, clap::Args)]
pub struct ShardArgs {
    /// Simulate shard K of N only (K from 0) and write a partial result (JSON, `-o FILE`) for
    /// `ccsim merge`; see docs/cluster.md.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
}

/// The command line as a part records it: without the options that only say where and how
/// this shard ran (`--shard`, `--output`, `--threads`, `--quiet`, `--format`), so that every
/// shard of a run, and a shard run again, records the same.
fn recorded_args(args: impl Iterator<Item = String>) -> Vec<String> {
    const WITH_VALUE: [&str; 5] = ["--shard", "--output", "-o", "--threads", "--format"];
    let mut out = Vec::new();
    let mut skip_next = false;
    for a in args {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let quiet = a == "-q" || a == "--quiet";
        let joined = WITH_VALUE.iter().any(|o| o.starts_with("--") && a.starts_with(&format!("{o}=")));
        if WITH_VALUE.contains(&a.as_str()) {
            skip_next = true;
        } else if !quiet && !joined {
            out.push(a);
        }
    }
    out
}

/// Simulates shard `shard` of the study whose points are `points` (`batch` points at a time,
/// with a progress bar unless `sim.quiet`) and writes its partial result of run `id` to `out`.
pub fn simulate_shard(
    shard: crate::shard::Shard,
    points: &[(&crate::scenario::Scenario, Option<&dyn crate::policy::PolicySource>)],
    batch: usize,
    sim: &SimArgs,
    out: Option<&Path>,
    id: crate::shard::RunId,
) -> Result<()> {
    let (reps, days) = points.first().map_or((0, 0), |p| (p.0.simulation.replications, p.0.horizon.days));
    let total = shard.pieces(points.len(), reps).iter().map(|p| p.1.len() as u64).sum();
    let pb = days_progress_bar(total, days, sim.quiet, &format!("shard {}/{}", shard.index, shard.count));
    let pieces = with_threads(sim.threads, || crate::shard::simulate(shard, points, batch, &|| pb.inc(1)))??;
    pb.finish_and_clear();
    write_part(out, id, shard, pieces)
}

/// Writes shard `shard`'s `pieces` of run `run` as a partial result to `out` (standard output
/// when `None`), recording the command line this process was given.
pub fn write_part(
    out: Option<&Path>,
    run: crate::shard::RunId,
    shard: crate::shard::Shard,
    pieces: Vec<crate::shard::Piece>,
) -> Result<()> {
    let part = crate::shard::Part {
        format: crate::shard::FORMAT.into(),
        run,
        shard,
        args: recorded_args(std::env::args().skip(1)),
        pieces,
    };
    write_output(out, |w| {
        serde_json::to_writer(&mut *w, &part).map_err(std::io::Error::from)?;
        writeln!(w)?;
        Ok(())
    })
}

/// An error and its causes as one line, `outer: cause: cause`, each message once: a cause whose
/// text its outer message already shows (errors that print their source) is not repeated.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}

/// Writes to `path` atomically (a temporary file in the same folder, then rename), or to stdout.
///
/// The temporary file is created with mode 0666 less the umask, as any other tool's output; it
/// is removed when writing fails and when the process is interrupted (Ctrl-C, see
/// [`install_interrupt_cleanup`]). Only a regular file is ever replaced: a character device or
/// a named pipe (`-o /dev/null`, a FIFO) is written into, anything else is refused (see
/// [`check_output_path`]).
pub fn write_output(path: Option<&Path>, body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let Some(p) = path else {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        match body(&mut lock).and_then(|()| lock.flush()) {
            // a closed pipe (`ccsim ... | head`) is the reader's choice, not an error
            Err(e) if broken_pipe(&e) => {}
            r => r.context("writing to standard output")?,
        }
        return Ok(());
    };
    if check_output_path(p)? == Target::Stream {
        let f =
            std::fs::OpenOptions::new().write(true).open(p).with_context(|| format!("cannot open {}", p.display()))?;
        let mut w = std::io::BufWriter::new(f);
        return body(&mut w).and_then(|()| w.flush()).with_context(|| format!("writing {}", p.display()));
    }
    let dir = output_dir(p);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ccsim-").suffix(".tmp");
    // like any other tool's output: 0666 less the umask (tempfile's default is 0600)
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp =
        builder.tempfile_in(dir).with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let pending = Pending::register(tmp.path());
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        body(&mut w).and_then(|()| w.flush()).with_context(|| format!("writing {}", p.display()))?;
    }
    // the target may have changed while we wrote: check again just before replacing it
    if check_output_path(p)? != Target::File {
        anyhow::bail!("refusing to write {}: it stopped being a regular file while ccsim wrote", p.display());
    }
    tmp.persist(p).map_err(|e| anyhow::anyhow!("cannot write {}: {}", p.display(), e.error))?;
    drop(pending);
    Ok(())
}

/// What an output path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A regular file, or nothing yet: written atomically (temporary file, then rename).
    File,
    /// A character device or a named pipe: written into directly, never replaced.
    Stream,
}

/// The folder an output file goes to (`.` for a bare file name).
fn output_dir(p: &Path) -> &Path {
    p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Checks, before any work, that `p` can be written as an output file: its folder exists and is
/// a folder, and `p` is absent, a regular file, a character device or a named pipe (links are
/// followed). A folder, a block device or a socket is refused.
pub fn check_output_path(p: &Path) -> Result<Target> {
    let dir = output_dir(p);
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => anyhow::bail!("cannot write {}: {} is not a folder", p.display(), dir.display()),
        Err(e) => anyhow::bail!("cannot write {}: folder {}: {e}", p.display(), dir.display()),
    }
    let m = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::File),
        Err(e) => anyhow::bail!("cannot write {}: {e}", p.display()),
    };
    if m.is_file() {
        return Ok(Target::File);
    }
    if m.is_dir() {
        anyhow::bail!("cannot write {}: it is a folder", p.display());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if m.file_type().is_char_device() || m.file_type().is_fifo() {
            return Ok(Target::Stream);
        }
    }
    anyhow::bail!("refusing to write {}: it is not a regular file, a character device or a pipe", p.display())
}

/// Temporary output files being written, removed by the Ctrl-C handler.
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A temporary file registered for removal on interrupt while it is being written.
struct Pending(PathBuf);

impl Pending {
    fn register(p: &Path) -> Pending {
        if let Ok(mut v) = PENDING.lock() {
            v.push(p.to_path_buf());
        }
        Pending(p.to_path_buf())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Ok(mut v) = PENDING.lock() {
            v.retain(|q| *q != self.0);
        }
    }
}

/// Installs a Ctrl-C (SIGINT/SIGTERM) handler that removes the temporary output files being
/// written and exits with status 130, so an interrupted command leaves no hidden files behind.
pub fn install_interrupt_cleanup() {
    // a second installation (tests calling `run` twice) is refused by ctrlc: nothing to do then
    let _ = ctrlc::set_handler(|| {
        remove_pending();
        eprintln!("interrupted");
        std::process::exit(130);
    });
}

/// Removes the temporary output files being written (what the Ctrl-C handler does).
fn remove_pending() {
    if let Ok(v) = PENDING.lock() {
        for p in v.iter() {
            let _ = std::fs::remove_file(p);
        }
    }
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
    days_progress_bar(total, 0, quiet, what)
}

/// A progress bar over `total` replications of `days` simulated days each, showing simulated
/// days per second and the time left (hidden when `quiet` or standard error is not a terminal).
pub fn days_progress_bar(total: u64, days: u32, quiet: bool, what: &str) -> ProgressBar {
    let pb = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
    };
    let template = if days > 0 {
        "{msg} [{bar:40}] {pos}/{len} ({days_per_s}, {eta} left)"
    } else {
        "{msg} [{bar:40}] {pos}/{len} ({eta} left)"
    };
    let days = f64::from(days);
    pb.set_style(
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("days_per_s", move |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} simulated days/s", s.per_sec() * days);
            })
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
    // rayon's error already names the OS error: say it once
    let pool = b.build().map_err(|e| anyhow::anyhow!("cannot start the worker threads: {e}"))?;
    Ok(pool.install(f))
}

/// A path argument, shown in errors.
pub type PathArg = PathBuf;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupt_removes_the_temporary_files_being_written() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join(".ccsim-x.tmp");
        std::fs::write(&tmp, "half").unwrap();
        let pending = Pending::register(&tmp);
        remove_pending();
        assert!(!tmp.exists());
        drop(pending);
        assert!(PENDING.lock().unwrap().iter().all(|p| *p != tmp), "finished files leave the registry");
    }

    #[test]
    fn each_message_of_an_error_chain_is_said_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("inner problem")]
        struct Inner;
        #[derive(Debug, thiserror::Error)]
        #[error("script.rhai:1: {0}")]
        struct Shows(#[source] Inner);
        let e = anyhow::Error::new(Shows(Inner)).context("loading");
        assert_eq!(error_text(&e), "loading: script.rhai:1: inner problem");
        let e = anyhow::Error::new(Inner).context("loading");
        assert_eq!(error_text(&e), "loading: inner problem");
    }

    #[test]
    fn output_paths_are_classified_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(check_output_path(&dir.path().join("new.json")).unwrap(), Target::File);
        assert!(check_output_path(dir.path()).unwrap_err().to_string().contains("is a folder"));
        assert!(check_output_path(&dir.path().join("no/such/x.json")).unwrap_err().to_string().contains("folder"));
        assert_eq!(check_output_path(Path::new("/dev/null")).unwrap(), Target::Stream);
    }
}
