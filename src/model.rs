//! The compiled, index-based form of a [`Scenario`] that the engine runs on: samplers instead of
//! distribution specs, dense indices instead of ids, routing tables sorted once, and the plan of
//! each open day (its static timeline of interval boundaries, shift starts and ends and breaks,
//! and every agent's pieces of shift work that day). Identical days share one plan, so a month
//! of repeating weeks stores a handful. No strings are used by the engine; ids stay in the
//! scenario for reporting.

use crate::dist::Sampler;
use crate::policy::{BindError, Combined, PolicyFactory, PolicySource, QueueTarget};
use crate::scenario::{AgentSelection, Scenario, Staffing};
use crate::vocabulary::SlDefinition;
use std::sync::Arc;

/// A queue, compiled.
#[derive(Debug, Clone)]
pub struct QueueModel {
    /// Expected calls per second in each global interval (volume ÷ interval length).
    pub rate_per_s: Vec<f64>,
    /// Coefficient of variation of the day-level busyness factor.
    pub day_cv: f64,
    /// Coefficient of variation of the interval-level busyness factor.
    pub interval_cv: f64,
    /// Handle-time sampler, seconds.
    pub handle: Sampler,
    /// Wrap-up sampler, seconds.
    pub wrap: Option<Sampler>,
    /// Patience sampler, seconds (`None` = infinite).
    pub patience: Option<Sampler>,
    /// Retrial probability and delay sampler (seconds).
    pub retrial: Option<(f64, Sampler)>,
    /// Service-level threshold T, seconds.
    pub sl_threshold_s: f64,
    /// Service-level target share.
    pub sl_target: f64,
    /// Which calls the service level counts.
    pub sl_definition: SlDefinition,
    /// Maximum ASA target, seconds.
    pub max_asa_s: Option<f64>,
    /// Maximum abandon-rate target.
    pub max_abandon_rate: Option<f64>,
    /// Groups that may take calls of this queue (skill or overflow) as the scenario routes
    /// them, for occupancy and cost.
    pub serving_groups: Vec<u16>,
    /// Mean work per call (handle + wrap-up) at speed 1, seconds: for estimated waits.
    pub mean_work_s: f64,
    /// Multiplier of the handle and wrap-up times of calls arriving in each global interval
    /// (dimensionless); empty: 1 everywhere (what [`Model::compile`] builds). Set by
    /// [`Model::scale_work`] only: `ccsim variance` substitutes an actual AHT per interval.
    pub work_factor: Vec<f64>,
}

/// One entry of a group's scan list: the queues a free agent looks at, best first.
#[derive(Debug, Clone, Copy)]
pub struct ScanEntry {
    /// Queue index.
    pub queue: u16,
    /// Tier: entries with equal tier compete by longest wait; lower tiers come first.
    pub tier: u64,
    /// True when this is an overflow queue (the group lacks the skill): only calls waiting ≥
    /// the overflow delay are visible, and the group makes no callbacks of it.
    pub overflow: bool,
    /// True for a skill at another site than the queue's preferred one: only calls waiting ≥
    /// the cross-site delay are visible.
    pub remote: bool,
}

/// Routing tables: the primitives a scenario (or a policy, during a day) sets, and the lookup
/// lists the engine scans, derived from them by [`RoutingTables::rebuild`].
#[derive(Debug, Clone, Default)]
pub struct RoutingTables {
    /// Number of queues (the row length of `skill_pref`).
    pub n_queues: usize,
    /// Skill preference of group g for queue q at `[g × nq + q]`; `None` = no skill.
    pub skill_pref: Vec<Option<u32>>,
    /// Priority per queue (higher first among equally preferred queues).
    pub priority: Vec<i32>,
    /// Overflow groups per queue, as configured.
    pub overflow_cfg: Vec<Vec<u16>>,
    /// Wait after which overflow groups see a call, seconds, per queue (`INFINITY` = none).
    pub overflow_after_s: Vec<f64>,
    /// Least-skilled-first agent selection (else longest idle).
    pub least_skilled: bool,
    /// Site of each group (`None`: no site).
    pub group_site: Vec<Option<u16>>,
    /// Per queue, the site whose agents see its calls at once (its region's preferred site);
    /// `None`: every group with the skill sees them at once.
    pub preferred_site: Vec<Option<u16>>,
    /// Wait after which a call of a queue with a preferred site becomes visible to the groups
    /// with the skill at other sites (or with no site), seconds (`INFINITY`: never).
    pub cross_site_after_s: f64,
    /// Derived: per group, the queues a free agent scans, best tier first.
    pub scan: Vec<Vec<ScanEntry>>,
    /// Derived: per queue, groups with the skill in selection order, those that see its calls
    /// at once first (`selection[q][..immediate[q]]`), then the other sites' groups, which see
    /// them after `cross_site_after_s`.
    pub selection: Vec<Vec<u16>>,
    /// Derived: per queue, how many of `selection[q]` see its calls at once.
    pub immediate: Vec<usize>,
    /// Derived: per queue, overflow groups without the skill.
    pub overflow: Vec<Vec<u16>>,
}

impl RoutingTables {
    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.skill_pref.len() / self.n_queues.max(1)
    }

    /// Skill preference of group `group` for queue `queue` (`None`: no skill).
    pub fn skill(&self, group: usize, queue: usize) -> Option<u32> {
        self.skill_pref[group * self.n_queues + queue]
    }

    /// Sets group `group`'s skill preference for queue `queue` (`None`: no skill); call
    /// [`RoutingTables::rebuild`] afterwards.
    pub fn set_skill(&mut self, group: usize, queue: usize, pref: Option<u32>) {
        self.skill_pref[group * self.n_queues + queue] = pref;
    }

    /// Wait after which a call of `e`'s queue becomes visible to the group scanning `e`,
    /// seconds: 0 for a skill at the queue's preferred site (or without site preference), the
    /// cross-site delay for a skill at another site, the overflow delay for an overflow queue.
    #[inline]
    pub fn after_s(&self, e: &ScanEntry) -> f64 {
        if e.overflow {
            self.overflow_after_s[e.queue as usize]
        } else if e.remote {
            self.cross_site_after_s
        } else {
            0.0
        }
    }

    /// True when group `g` sees calls of queue `q` only after the cross-site delay: the queue
    /// prefers a site and the group is not there.
    pub fn is_remote(&self, g: usize, q: usize) -> bool {
        self.preferred_site
            .get(q)
            .copied()
            .flatten()
            .is_some_and(|s| self.group_site.get(g).copied().flatten() != Some(s))
    }

    /// Derives the scan, selection and overflow lists from the primitives. Tier: preference
    /// ascending, then priority descending; overflow entries come after every skill. A skill at
    /// another site than the queue's preferred one keeps its tier but sees calls only after the
    /// cross-site delay.
    pub fn rebuild(&mut self) {
        let (nq, ng) = (self.n_queues, self.n_groups());
        let tier = |pref: u32, prio: i32| (u64::from(pref) << 32) | (i64::from(i32::MAX) - i64::from(prio)) as u64;
        self.scan.resize(ng, Vec::new());
        self.selection.resize(nq, Vec::new());
        self.immediate.resize(nq, 0);
        self.overflow.resize(nq, Vec::new());
        for q in 0..nq {
            let mut sel = std::mem::take(&mut self.selection[q]);
            sel.clear();
            sel.extend((0..ng).filter(|g| self.skill_pref[g * nq + q].is_some()).map(|g| g as u16));
            if self.least_skilled {
                let skills = |g: u16| (0..nq).filter(|&k| self.skill_pref[g as usize * nq + k].is_some()).count();
                sel.sort_by_key(|&g| skills(g)); // stable: ties keep file order
            }
            // the preferred site's groups first, each part in selection order
            sel.sort_by_key(|&g| self.is_remote(g as usize, q));
            self.immediate[q] = sel.iter().filter(|&&g| !self.is_remote(g as usize, q)).count();
            self.selection[q] = sel;
            let ov = &mut self.overflow[q];
            ov.clear();
            ov.extend(self.overflow_cfg[q].iter().copied().filter(|&g| self.skill_pref[g as usize * nq + q].is_none()));
        }
        for g in 0..ng {
            let mut scan = std::mem::take(&mut self.scan[g]);
            scan.clear();
            for q in 0..nq {
                if let Some(pref) = self.skill_pref[g * nq + q] {
                    let (t, remote) = (tier(pref, self.priority[q]), self.is_remote(g, q));
                    scan.push(ScanEntry { queue: q as u16, tier: t, overflow: false, remote });
                } else if self.overflow[q].contains(&(g as u16)) {
                    let t = tier(u32::MAX, self.priority[q]);
                    scan.push(ScanEntry { queue: q as u16, tier: t, overflow: true, remote: false });
                }
            }
            scan.sort_by_key(|e| e.tier);
            self.scan[g] = scan;
        }
    }
}

/// How a group's agents come on duty.
#[derive(Debug, Clone)]
pub enum StaffingModel {
    /// `n` agents for the whole of every open day.
    Count,
    /// Agents work the pieces of shift work their day's [`DayPlan`] gives them.
    Shifts,
    /// Level per global interval.
    Curve(Vec<u32>),
}

/// An agent group, compiled.
#[derive(Debug, Clone)]
pub struct GroupModel {
    /// 1 ÷ speed factor: service time multiplier.
    pub time_factor: f64,
    /// Cost per paid second, currency units.
    pub cost_per_s: f64,
    /// Probability each agent is absent for a day.
    pub absenteeism: f64,
    /// Number of agents in the pool (its agent slots: the most ever on duty).
    pub pool: u32,
    /// First index of this group's agents in the global agent array.
    pub first_agent: u32,
    /// Staffing mode.
    pub staffing: StaffingModel,
}

/// A piece of shift work of one agent on one day, seconds since the day's opening.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgentPiece {
    /// Start, seconds since the day's opening (≥ 0).
    pub start_s: f64,
    /// End, seconds since the day's opening (≤ the day's length).
    pub end_s: f64,
    /// True for the part after midnight of a shift started the day before: the agent works it
    /// unless absent on that day (one absence draw per shift).
    pub carried: bool,
}

/// What happens on one open day: its static timeline and every agent's pieces of shift work
/// and breaks. Agents of count and curve groups have no pieces.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayPlan {
    /// The day's static timeline, sorted by (time, kind and its payload).
    pub timeline: Vec<StaticEvent>,
    /// Per agent, the index of its first piece in `pieces` (agents + 1 entries: agent `a`'s
    /// pieces are `pieces[first_piece[a]..first_piece[a + 1]]`, in time order).
    pub first_piece: Vec<u32>,
    /// Pieces of all agents.
    pub pieces: Vec<AgentPiece>,
    /// Per agent, the index of its first break in `breaks` (agents + 1 entries).
    pub first_break: Vec<u32>,
    /// Breaks of all agents as (start, length), seconds since the day's opening; an agent's
    /// breaks in time order over its pieces.
    pub breaks: Vec<(f64, f64)>,
}

impl DayPlan {
    /// Agent `a`'s pieces today, in time order.
    #[inline]
    pub fn pieces_of(&self, a: usize) -> &[AgentPiece] {
        &self.pieces[self.first_piece[a] as usize..self.first_piece[a + 1] as usize]
    }

    /// Break `b` of agent `a` today as (start, length), seconds.
    #[inline]
    pub fn break_of(&self, a: usize, b: usize) -> (f64, f64) {
        self.breaks[self.first_break[a] as usize + b]
    }
}

/// What a static event does, and to whom. The derived order (variant, then payload) is the
/// order of static events at equal times: interval boundaries, the close, shift ends, shift
/// starts, breaks; within a kind by interval or agent index, then piece or break index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StaticKind {
    /// An interval starts; curve levels change here.
    Interval {
        /// Interval index within the day.
        interval: u32,
    },
    /// The day closes: arrivals stop, statistics stop.
    Close,
    /// An agent's piece of shift work ends.
    ShiftEnd {
        /// Agent index (global).
        agent: u32,
    },
    /// An agent's piece of shift work starts.
    ShiftStart {
        /// Agent index (global).
        agent: u32,
        /// Index of the piece among the agent's pieces of the day.
        piece: u32,
    },
    /// An agent's break is due.
    BreakStart {
        /// Agent index (global).
        agent: u32,
        /// Index of the break among the agent's breaks of the day.
        break_index: u32,
    },
}

/// An event known before the day starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaticEvent {
    /// Time, seconds since day start.
    pub time_s: f64,
    /// What happens, and to whom.
    pub kind: StaticKind,
}

/// The compiled scenario.
#[derive(Debug, Clone)]
pub struct Model {
    /// Queues.
    pub queues: Vec<QueueModel>,
    /// Groups.
    pub groups: Vec<GroupModel>,
    /// Group of each agent.
    pub agent_group: Vec<u16>,
    /// Interval length, seconds.
    pub interval_s: f64,
    /// Intervals per day.
    pub intervals_per_day: usize,
    /// Days.
    pub days: usize,
    /// Length of a day's opening hours, seconds.
    pub day_s: f64,
    /// Intervals at the start of each day left out of statistics.
    pub warmup_intervals: usize,
    /// Per day of the horizon, the index of its plan in `plans`; `None` for a closed day, which
    /// the engine skips (no calls, no agents, no hooks).
    pub day_plan: Vec<Option<u32>>,
    /// The distinct plans of the open days (identical days share one).
    pub plans: Vec<DayPlan>,
    /// Routing at the start of each day.
    pub routing: RoutingTables,
    /// Horizon start, seconds since midnight (for messages).
    pub start_s: f64,
    /// Queue ids, for messages only (the engine works on indices).
    pub queue_ids: Vec<String>,
    /// Group ids, for messages only.
    pub group_ids: Vec<String>,
    /// The intraday policy, if any.
    pub policy: Option<Arc<dyn PolicyFactory>>,
    /// Replications.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
}

impl Model {
    /// Multiplies the handle and wrap-up times of queue `q`'s calls arriving in global interval
    /// `i` by `factors[i]` (dimensionless, > 0): the service-time distributions scaled per
    /// interval, their shape (cv) kept. `factors` has one value per global interval; a queue
    /// never scaled samples exactly as compiled.
    pub fn scale_work(&mut self, q: usize, factors: Vec<f64>) {
        self.queues[q].work_factor = factors;
    }

    /// Compiles a validated scenario, binding its policy: the built-ins it configures and, when
    /// it names a policy script, `script` (which must be that script), bound to this very
    /// scenario. A script given for a scenario that names none is not used.
    pub fn compile(s: &Scenario, script: Option<&dyn PolicySource>) -> Result<Model, BindError> {
        let h = &s.horizon;
        let n_day = h.intervals_per_day();
        let mut queues: Vec<QueueModel> = s
            .queues
            .iter()
            .map(|q| QueueModel {
                rate_per_s: q.volumes.iter().map(|v| v / h.interval_s).collect(),
                day_cv: q.busyness.day_cv,
                interval_cv: q.busyness.interval_cv,
                handle: q.handle_time.sampler(),
                wrap: q.wrap_up.as_ref().map(|d| d.sampler()),
                patience: q.patience.as_ref().map(|d| d.sampler()),
                retrial: q.retrial.as_ref().map(|r| (r.probability, r.delay.sampler())),
                sl_threshold_s: q.service_level.threshold_s,
                sl_target: q.service_level.target,
                sl_definition: q.service_level.definition,
                max_asa_s: q.max_asa_s,
                max_abandon_rate: q.max_abandon_rate,
                serving_groups: Vec::new(),
                mean_work_s: q.handle_time.mean() + q.wrap_up.as_ref().map_or(0.0, |d| d.mean()),
                work_factor: Vec::new(),
            })
            .collect();

        // Routing tables.
        let nq = s.queues.len();
        let mut routing = RoutingTables {
            n_queues: nq,
            skill_pref: vec![None; s.groups.len() * nq],
            priority: s.queues.iter().map(|q| q.priority).collect(),
            overflow_cfg: s
                .queues
                .iter()
                .map(|q| q.overflow.as_ref().map_or(Vec::new(), |o| o.groups.iter().map(|&g| g as u16).collect()))
                .collect(),
            overflow_after_s: s
                .queues
                .iter()
                .map(|q| q.overflow.as_ref().map_or(f64::INFINITY, |o| o.after_s))
                .collect(),
            least_skilled: s.routing.agent_selection == AgentSelection::LeastSkilled,
            group_site: s.groups.iter().map(|g| g.site.map(|x| x as u16)).collect(),
            preferred_site: s
                .queues
                .iter()
                .map(|q| q.region.and_then(|r| s.routing.prefer_site.get(r).copied().flatten()).map(|x| x as u16))
                .collect(),
            cross_site_after_s: s.routing.cross_site_after_s,
            ..RoutingTables::default()
        };
        for (gi, g) in s.groups.iter().enumerate() {
            for sk in &g.skills {
                routing.skill_pref[gi * nq + sk.queue] = Some(sk.preference);
            }
        }
        routing.rebuild();
        for (qi, q) in queues.iter_mut().enumerate() {
            q.serving_groups = routing.selection[qi].clone();
            q.serving_groups.sort_unstable();
            q.serving_groups.extend(&routing.overflow[qi]);
        }

        let mut groups = Vec::with_capacity(s.groups.len());
        let mut agent_group = Vec::new();
        for (gi, g) in s.groups.iter().enumerate() {
            let first_agent = agent_group.len() as u32;
            let pool = g.max_agents();
            let staffing = match &g.staffing {
                Staffing::Count(_) => StaffingModel::Count,
                Staffing::Curve(levels) => StaffingModel::Curve(levels.clone()),
                Staffing::Shifts { .. } => StaffingModel::Shifts,
            };
            agent_group.extend(std::iter::repeat_n(gi as u16, pool as usize));
            groups.push(GroupModel {
                time_factor: 1.0 / g.speed,
                cost_per_s: g.cost_per_hour / 3600.0,
                absenteeism: g.absenteeism,
                pool,
                first_agent,
                staffing,
            });
        }

        let day_s = h.day_length_s();
        let mut plans: Vec<DayPlan> = Vec::new();
        let mut day_plan = Vec::with_capacity(h.days as usize);
        for day in 0..h.days as usize {
            if !h.is_open(day) {
                day_plan.push(None);
                continue;
            }
            let plan = day_plan_of(s, &groups, agent_group.len(), day);
            let k = plans.iter().position(|p| *p == plan).unwrap_or_else(|| {
                plans.push(plan);
                plans.len() - 1
            });
            day_plan.push(Some(k as u32));
        }
        Ok(Model {
            queues,
            groups,
            agent_group,
            interval_s: h.interval_s,
            intervals_per_day: n_day,
            days: h.days as usize,
            day_s,
            warmup_intervals: (s.simulation.warmup_s / h.interval_s).round() as usize,
            day_plan,
            plans,
            routing,
            start_s: h.start_s,
            queue_ids: s.queues.iter().map(|q| q.id.clone()).collect(),
            group_ids: s.groups.iter().map(|g| g.id.clone()).collect(),
            policy: compile_policy(s, script)?,
            replications: s.simulation.replications,
            seed: s.simulation.seed,
        })
    }

    /// Total number of agents in all pools.
    pub fn agents(&self) -> usize {
        self.agent_group.len()
    }

    /// Global intervals over all days.
    pub fn total_intervals(&self) -> usize {
        self.intervals_per_day * self.days
    }
}

/// The plan of open day `day`: every shift group's pieces of work that day (see
/// [`crate::scenario::Group::pieces_on`]) on the day's clock, cut to the opening hours, given to
/// the group's agent slots, and the timeline of interval boundaries, the close, and the pieces'
/// starts, ends and breaks.
fn day_plan_of(s: &Scenario, groups: &[GroupModel], n_agents: usize, day: usize) -> DayPlan {
    let h = &s.horizon;
    let (n_day, day_s) = (h.intervals_per_day(), h.day_length_s());
    /// A piece of work with its breaks (start, length).
    type Work = (AgentPiece, Vec<(f64, f64)>);
    // per agent: its pieces, gathered then laid out densely
    let mut work: Vec<Vec<Work>> = vec![Vec::new(); n_agents];
    for (g, gm) in s.groups.iter().zip(groups) {
        for p in g.pieces_on(h, day) {
            let (start, end) = ((p.start_s - h.start_s).max(0.0), (p.end_s - h.start_s).min(day_s));
            if end <= start {
                continue; // outside the opening hours
            }
            let piece = AgentPiece { start_s: start, end_s: end, carried: p.carried };
            let breaks: Vec<(f64, f64)> = p
                .breaks
                .iter()
                .map(|b| (b.start_s - h.start_s, b.length_s))
                .filter(|&(b, _)| b >= start && b < end)
                .collect();
            for slot in p.first_slot..(p.first_slot + p.count).min(gm.pool) {
                work[(gm.first_agent + slot) as usize].push((piece, breaks.clone()));
            }
        }
    }
    let mut plan = DayPlan {
        timeline: (0..n_day)
            .map(|i| StaticEvent { time_s: i as f64 * h.interval_s, kind: StaticKind::Interval { interval: i as u32 } })
            .collect(),
        ..DayPlan::default()
    };
    plan.timeline.push(StaticEvent { time_s: day_s, kind: StaticKind::Close });
    for (a, mut pieces) in work.into_iter().enumerate() {
        pieces.sort_by(|x, y| x.0.start_s.total_cmp(&y.0.start_s));
        plan.first_piece.push(plan.pieces.len() as u32);
        plan.first_break.push(plan.breaks.len() as u32);
        let agent = a as u32;
        let mut break_index = 0;
        for (k, (piece, breaks)) in pieces.into_iter().enumerate() {
            plan.timeline
                .push(StaticEvent { time_s: piece.start_s, kind: StaticKind::ShiftStart { agent, piece: k as u32 } });
            plan.timeline.push(StaticEvent { time_s: piece.end_s, kind: StaticKind::ShiftEnd { agent } });
            plan.pieces.push(piece);
            for b in breaks {
                plan.timeline.push(StaticEvent { time_s: b.0, kind: StaticKind::BreakStart { agent, break_index } });
                plan.breaks.push(b);
                break_index += 1;
            }
        }
    }
    plan.first_piece.push(plan.pieces.len() as u32);
    plan.first_break.push(plan.breaks.len() as u32);
    plan.timeline.sort_by(|x, y| x.time_s.total_cmp(&y.time_s).then(x.kind.cmp(&y.kind)));
    plan
}

/// The model's policy: the scenario's built-ins and its script, bound to `s`, combined.
fn compile_policy(
    s: &Scenario,
    script: Option<&dyn PolicySource>,
) -> Result<Option<Arc<dyn PolicyFactory>>, BindError> {
    let Some(p) = s.policy.as_ref() else { return Ok(None) };
    // the engine schedules ticks by this: a NaN, zero or negative one would stall the day
    if let Some(t) = p.tick_s.filter(|t| !(*t >= crate::scenario::limits::MIN_TICK_S && t.is_finite())) {
        return Err(BindError::Tick(t));
    }
    let bound = match (&p.script, script) {
        (None, _) => None,
        (Some(named), None) => return Err(BindError::NotGiven(named.clone())),
        (Some(named), Some(src)) if src.path() != named => {
            return Err(BindError::Mismatch { named: named.clone(), given: src.path().to_path_buf() });
        }
        (Some(_), Some(src)) => Some(src.bind(s, p.tick_s).map_err(BindError::Script)?),
    };
    let c = Combined {
        builtins: p.builtins.clone(),
        targets: s
            .queues
            .iter()
            .map(|q| QueueTarget { definition: q.service_level.definition, sl_target: q.service_level.target })
            .collect(),
        script: bound,
        tick_s: p.tick_s,
    };
    Ok(Some(Arc::new(c)))
}
