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
    let s = Scenario::load(&a.scenario)?;
    let notes = match crate::script::policy::load_named(&s, &[])? {
        Some(p) => {
            use crate::policy::PolicyFactory;
            p.bind_to(&s, s.policy.as_ref().and_then(|c| c.tick_s))?.notes()
        }
        None => Vec::new(),
    };
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
