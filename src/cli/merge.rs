//! `ccsim merge`: the partial results of a sharded run (`--shard K/N`) merged into exactly the
//! result the single run would give, reported by the command that ran them.

use super::{Cli, Command, OutArgs, PathArg, Work};
use crate::shard;
use anyhow::{Result, anyhow, bail};
use clap::{CommandFactory, FromArgMatches};

/// Arguments of `ccsim merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Partial result files (written by `--shard K/N -o FILE`): every shard of one run, in any
    /// order.
    #[arg(required = true, value_name = "PARTS")]
    pub parts: Vec<PathArg>,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub html: super::ReportArgs,
    /// Add the per-interval table (parts of `ccsim run` or `ccsim compare`, table format).
    #[arg(long)]
    pub intervals: bool,
}

/// Runs `ccsim merge`: reads and checks the parts, then reports the merged statistics through
/// the command the shards ran, which reloads the scenario and scripts it names and refuses
/// them if they changed since.
pub fn exec(a: Args) -> Result<()> {
    let parts = a
        .parts
        .iter()
        .map(|p| shard::read(p).map(|part| (p.clone(), part)))
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| anyhow!(e))?;
    let merged = shard::merge(parts).map_err(|e| anyhow!(e))?;
    let line = merged.args.join(" ");
    let unparsable =
        |e: clap::Error| anyhow!("the parts' command line `ccsim {line}` does not parse with this ccsim: {e}");
    let matches = Cli::command()
        .try_get_matches_from(std::iter::once("ccsim".to_string()).chain(merged.args.iter().cloned()))
        .map_err(unparsable)?;
    let cli = Cli::from_arg_matches(&matches).map_err(unparsable)?;
    match cli.command {
        Command::Run(mut r) => {
            r.out = a.out;
            r.html = a.html;
            r.shard.shard = None;
            r.sim.quiet = true;
            r.intervals |= a.intervals;
            super::run::exec(r, Work::Merged(merged))
        }
        Command::Compare(mut c) => {
            c.out = a.out;
            c.html = a.html;
            c.shard.shard = None;
            c.sim.quiet = true;
            c.intervals |= a.intervals;
            let sub = matches.subcommand_matches("compare").ok_or_else(|| anyhow!("internal: no compare arguments"))?;
            super::compare::exec(c, sub, Work::Merged(merged))
        }
        Command::Sweep(mut s) => {
            s.out = a.out;
            s.html = a.html;
            s.shard.shard = None;
            s.sim.quiet = true;
            super::sweep::exec(s, Work::Merged(merged))
        }
        _ => bail!("the parts come from `ccsim {line}`, which has no shards to merge"),
    }
}
