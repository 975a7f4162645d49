//! `ccsim merge`: the partial results of a sharded run (`--shard K/N`) merged into exactly the
//! result the single run would give, reported by the command that ran them.

use super::{Cli, Command, OutArgs, PathArg, Work};
use crate::shard;
use anyhow::{Result, anyhow, bail};
use clap::Parser;

/// Arguments of `ccsim merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Partial result files (written by `--shard K/N -o FILE`): every shard of one run, in any
    /// order.
    #[arg(required = true, value_name = "PARTS")]
    pub parts: Vec<PathArg>,
    #[command(flatten)]
    pub out: OutArgs,
    /// Add the per-interval table (parts of `ccsim run`, table format).
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
    let cli = Cli::try_parse_from(std::iter::once("ccsim".to_string()).chain(merged.args.iter().cloned()))
        .map_err(|e| anyhow!("the parts' command line `ccsim {line}` does not parse with this ccsim: {e}"))?;
    match cli.command {
        Command::Run(mut r) => {
            r.out = a.out;
            r.shard.shard = None;
            r.sim.quiet = true;
            r.intervals |= a.intervals;
            super::run::exec(r, Work::Merged(merged))
        }
        Command::Sweep(mut s) => {
            s.out = a.out;
            s.shard.shard = None;
            s.sim.quiet = true;
            super::sweep::exec(s, Work::Merged(merged))
        }
        _ => bail!("the parts come from `ccsim {line}`, which has no shards to merge"),
    }
}
