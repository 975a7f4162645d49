//! `ccsim schedule`: shifts covering a requirement curve (first slice of issue 15: one day,
//! counts of agents per shift; no breaks, contracts or rosters yet).

use super::{FormatArg, OutArgs, PathArg};
use anyhow::Result;

/// Arguments of `ccsim schedule`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schedule spec (YAML): `horizon`, `requirement`, `shift_templates`.
    pub spec: PathArg,
    /// Output.
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `ccsim schedule`.
pub fn exec(a: Args) -> Result<()> {
    let spec = crate::schedule::load(&a.spec, None).map_err(anyhow::Error::msg)?;
    let s = crate::schedule::solve(&spec, &crate::schedule::Options::default()).map_err(anyhow::Error::msg)?;
    super::write_output(a.out.output.as_deref(), |w| match a.out.format {
        FormatArg::Json => {
            serde_json::to_writer_pretty(&mut *w, &s)?;
            writeln!(w)
        }
        FormatArg::Csv => {
            writeln!(w, "day,group,start,required,scheduled")?;
            for c in &s.coverage {
                writeln!(w, "{},{},{},{},{}", c.day, c.group, c.start, c.required, c.scheduled)?;
            }
            Ok(())
        }
        FormatArg::Table => {
            let gap =
                if s.agent_hours > 0.0 { (s.agent_hours - s.lp_bound_hours) / s.agent_hours * 100.0 } else { 0.0 };
            writeln!(
                w,
                "{}: {:.1} agent hours; LP bound {:.1} h (gap {gap:.2} %){}",
                spec.name,
                s.agent_hours,
                s.lp_bound_hours,
                s.cost.map_or(String::new(), |c| format!("; cost {c:.2}"))
            )?;
            writeln!(w, "\ngroup  code  start  end    agents")?;
            for sh in &s.shifts {
                writeln!(w, "{:<6} {:<5} {:<6} {:<6} {:>6}", sh.group, sh.code, sh.start, sh.end, sh.count)?;
            }
            writeln!(w, "\ngroup  start  required  scheduled")?;
            for c in &s.coverage {
                writeln!(w, "{:<6} {:<6} {:>8} {:>10}", c.group, c.start, c.required, c.scheduled)?;
            }
            Ok(())
        }
    })
}
