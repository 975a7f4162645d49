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
    println!("{}: valid.", a.scenario.display());
    println!("{}", s.summary());
    for (i, q) in s.queues.iter().enumerate() {
        if let Some(l) = q.lines {
            eprintln!(
                "warning: queues[{i}].lines ({l}, queue `{}`): used by Erlang X in `ccsim staff`; \
                 the simulator does not block calls at it yet",
                q.id
            );
        }
    }
    if let Some(program) = s.policy.as_ref().and_then(|p| p.program.as_ref()) {
        for note in program.notes() {
            println!("policy hook {note}");
        }
    }
    Ok(())
}
