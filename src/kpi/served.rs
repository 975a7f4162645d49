//! Who served whom: per (group, queue) pair, the calls a group answered of a queue and the
//! hours it spent on them, over one replication.

use crate::facts::ServedFacts;

const INF: f64 = f64::INFINITY;

kpi_table! { Served, ServedKpis, ServedFacts;
    /// Calls of the queue the group answered (callbacks made included); summed over groups,
    /// a queue's `handled`.
    HANDLED = "handled", "calls", better None, max INF, Mean, |s| s.handled;
    /// Hours the group spent talking and in wrap-up on the queue's calls, work after the close
    /// included.
    BUSY_HOURS = "busy_hours", "h", better None, max INF, Mean, |s| s.busy_s / 3600.0;
}
