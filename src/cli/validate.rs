//! `ccsim validate`: check a scenario (and compile its policy script) and summarise it.

use super::PathArg;
use crate::scenario::Scenario;
use anyhow::Result;

/// Arguments of `ccsim validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (YAML).
    pub scenario: PathArg,
}

/// Runs `ccsim validate`.
pub fn exec(a: Args) -> Result<()> {
    let mut s = Scenario::load(&a.scenario)?;
    crate::script::policy::attach(&mut s, &[])?;
    let notes = s.policy.as_ref().and_then(|p| p.program.as_ref()).map(|p| p.notes()).unwrap_or_default();
    super::write_output(None, |w| {
        writeln!(w, "{}: valid.", a.scenario.display())?;
        writeln!(w, "{}", s.summary())?;
        for warning in s.warnings() {
            writeln!(w, "warning: {warning}")?;
        }
        for note in &notes {
            writeln!(w, "policy hook {note}")?;
        }
        Ok(())
    })
}
