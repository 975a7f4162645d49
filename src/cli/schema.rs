//! `ccsim schema`: the JSON Schema of the scenario format, for editors.

use super::{PathArg, write_output};
use crate::scenario::raw::RawScenario;
use anyhow::Result;

/// Arguments of `ccsim schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathArg>,
}

/// Runs `ccsim schema`.
pub fn exec(a: Args) -> Result<()> {
    let schema = schemars::schema_for!(RawScenario);
    write_output(a.output.as_deref(), |w| {
        serde_json::to_writer_pretty(&mut *w, &schema)?;
        writeln!(w)
    })
}
