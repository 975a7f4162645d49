//! The what-if script API as Rhai sees it: the `scenario.*` functions (the roster ones are in
//! `roster.rs`) registered on the sandboxed engine, each checking its arguments (ids, times with
//! their days, counts, shares) and naming the script line on error. The staffing arithmetic
//! behind them lives in the parent module and `days.rs`.

use super::roster::{breaks_from, shift_end};
use super::window::{day_clock, days_named};
use super::*;
use crate::calendar::DayRef;

fn dist_from_map(m: Map, what: &str) -> ScriptResult<Dist> {
    let raw: RawDist = from_map(m)
        .map_err(|e| format!("{what}: {e} (expected a map like #{{ dist: \"lognormal\", mean: \"4m\", cv: 1.0 }})"))?;
    // reuse the file validation for one distribution by a one-queue probe
    let probe = format!("{what}: ");
    let d = crate::scenario::validate_dist(&raw).map_err(|m| format!("{probe}{m}"))?;
    Ok(d)
}

#[allow(clippy::too_many_lines)]
pub(super) fn register(e: &mut Engine) {
    e.register_type_with_name::<Api>("Scenario");

    // ---- traffic ----
    e.register_fn("scale_arrivals", |s: &mut Api, q: &str, factor: Dynamic| -> ScriptResult<()> {
        let f = num(&factor, "factor")?;
        if f < 0.0 {
            return fail(format!("factor must not be negative, got {f}"));
        }
        for qi in s.queues_named(q)? {
            s.0.queues[qi].volumes.iter_mut().for_each(|v| *v *= f);
        }
        Ok(())
    });
    e.register_fn(
        "scale_arrivals",
        |s: &mut Api, q: &str, from: &str, to: &str, factor: Dynamic| -> ScriptResult<()> {
            let f = num(&factor, "factor")?;
            if f < 0.0 {
                return fail(format!("factor must not be negative, got {f}"));
            }
            let w = s.overlap(from, to)?;
            for qi in s.queues_named(q)? {
                for (v, o) in s.0.queues[qi].volumes.iter_mut().zip(&w) {
                    *v *= 1.0 + (f - 1.0) * o;
                }
            }
            Ok(())
        },
    );
    e.register_fn("add_calls", |s: &mut Api, q: &str, from: &str, to: &str, calls: Dynamic| -> ScriptResult<()> {
        let c = num(&calls, "calls per interval")?;
        let w = s.overlap(from, to)?;
        let h = &s.0.horizon;
        let n = h.intervals_per_day();
        for qi in s.queues_named(q)? {
            for (i, (v, o)) in s.0.queues[qi].volumes.iter_mut().zip(&w).enumerate() {
                // a closed day takes no calls
                if h.is_open(i / n) {
                    *v = (*v + c * o).max(0.0);
                }
            }
        }
        Ok(())
    });
    e.register_fn("shift_arrivals", |s: &mut Api, q: &str, by: Dynamic| -> ScriptResult<()> {
        let secs = if by.is_string() {
            let t = by.clone().into_string().unwrap_or_default();
            let (neg, body) = t.strip_prefix('-').map_or((false, t.as_str()), |b| (true, b));
            let d = parse_duration(body).or_else(fail)?;
            if neg { -d } else { d }
        } else {
            num(&by, "shift")?
        };
        let h = s.0.horizon.clone();
        let k = secs / h.interval_s;
        if (k - k.round()).abs() > 1e-9 {
            return fail(format!(
                "shift by whole intervals ({}), got {secs} s",
                crate::time::format_duration(h.interval_s)
            ));
        }
        let k = k.round() as i64;
        let n = h.intervals_per_day();
        for qi in s.queues_named(q)? {
            let old = s.0.queues[qi].volumes.clone();
            for d in 0..h.days as usize {
                for i in 0..n {
                    let src = i as i64 - k;
                    s.0.queues[qi].volumes[d * n + i] =
                        if (0..n as i64).contains(&src) { old[d * n + src as usize] } else { 0.0 };
                }
            }
        }
        Ok(())
    });
    e.register_fn("set_busyness", |s: &mut Api, q: &str, day_cv: Dynamic, interval_cv: Dynamic| -> ScriptResult<()> {
        let (d, i) = (num(&day_cv, "day_cv")?, num(&interval_cv, "interval_cv")?);
        for qi in s.queues_named(q)? {
            s.0.queues[qi].busyness.day_cv = d;
            s.0.queues[qi].busyness.interval_cv = i;
        }
        Ok(())
    });
    e.register_fn("add_queue", |s: &mut Api, queue: Map| -> ScriptResult<()> {
        let raw: RawQueue = from_map(queue)
            .map_err(|e| format!("add_queue: {e} (expected a map with the keys of a queue in the scenario file)"))?;
        let q = crate::scenario::validate_queue(&raw, &s.0).map_err(|m| format!("add_queue: {m}"))?;
        s.0.queues.push(q);
        Ok(())
    });
    e.register_fn("set_hours", |s: &mut Api, q: &str, open: &str, close: &str| -> ScriptResult<()> {
        let window = s.window(open, close)?;
        let (w, touched) = (window.overlap(&s.0.horizon), window.days_touched(&s.0.horizon));
        let n = s.0.horizon.intervals_per_day();
        for qi in s.queues_named(q)? {
            for (i, (v, o)) in s.0.queues[qi].volumes.iter_mut().zip(&w).enumerate() {
                if touched[i / n] {
                    *v *= o;
                }
            }
        }
        Ok(())
    });

    // ---- handling ----
    e.register_fn("scale_handle_time", |s: &mut Api, q: &str, factor: Dynamic| -> ScriptResult<()> {
        let f = num(&factor, "factor")?;
        if f <= 0.0 {
            return fail(format!("factor must be positive, got {f}"));
        }
        for qi in s.queues_named(q)? {
            let d = s.0.queues[qi].handle_time.scaled(f);
            s.0.queues[qi].handle_time = d;
        }
        Ok(())
    });
    e.register_fn("set_handle_time", |s: &mut Api, q: &str, mean: Dynamic| -> ScriptResult<()> {
        let m = duration(&mean, "mean handle time")?;
        for qi in s.queues_named(q)? {
            let d = &s.0.queues[qi].handle_time;
            s.0.queues[qi].handle_time = d.scaled(m / d.mean());
        }
        Ok(())
    });
    e.register_fn("set_handle_time", |s: &mut Api, q: &str, dist: Map| -> ScriptResult<()> {
        let d = dist_from_map(dist, "handle time")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].handle_time = d.clone();
        }
        Ok(())
    });
    e.register_fn("set_wrap_up", |s: &mut Api, q: &str, mean: Dynamic| -> ScriptResult<()> {
        let m = duration(&mean, "mean wrap-up")?;
        for qi in s.queues_named(q)? {
            let w = &mut s.0.queues[qi].wrap_up;
            *w = if m == 0.0 {
                None
            } else {
                Some(w.as_ref().map_or(Dist::Constant { mean: m }, |d| d.scaled(m / d.mean())))
            };
        }
        Ok(())
    });
    e.register_fn("set_patience", |s: &mut Api, q: &str, mean: Dynamic| -> ScriptResult<()> {
        let m = duration(&mean, "mean patience")?;
        for qi in s.queues_named(q)? {
            let p = &mut s.0.queues[qi].patience;
            *p = Some(p.as_ref().map_or(Dist::Exponential { mean: m }, |d| d.scaled(m / d.mean())));
        }
        Ok(())
    });
    e.register_fn("set_patience", |s: &mut Api, q: &str, dist: Map| -> ScriptResult<()> {
        let d = dist_from_map(dist, "patience")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].patience = Some(d.clone());
        }
        Ok(())
    });
    e.register_fn("remove_patience", |s: &mut Api, q: &str| -> ScriptResult<()> {
        for qi in s.queues_named(q)? {
            s.0.queues[qi].patience = None;
            s.0.queues[qi].retrial = None;
        }
        Ok(())
    });
    e.register_fn("set_speed", |s: &mut Api, g: &str, speed: Dynamic| -> ScriptResult<()> {
        let g = s.group(g)?;
        s.0.groups[g].speed = num(&speed, "speed")?;
        Ok(())
    });

    // ---- people ----
    e.register_fn("absence", |s: &mut Api, g: &str, share: Dynamic| -> ScriptResult<()> {
        let g = s.group(g)?;
        let all = s.all_day();
        s.absence_in(g, num(&share, "share")?, &all)
    });
    e.register_fn("absence", |s: &mut Api, g: &str, share: Dynamic, from: &str, to: &str| -> ScriptResult<()> {
        let g = s.group(g)?;
        let mask = s.starts_in(from, to)?;
        s.absence_in(g, num(&share, "share")?, &mask)
    });
    e.register_fn("absence", |s: &mut Api, g: &str, share: Dynamic, day: &str| -> ScriptResult<()> {
        let g = s.group(g)?;
        let mask = s.day_mask(day)?;
        s.absence_in(g, num(&share, "share")?, &mask)
    });
    e.register_fn("set_absenteeism", |s: &mut Api, g: &str, p: Dynamic| -> ScriptResult<()> {
        let g = s.group(g)?;
        s.0.groups[g].absenteeism = num(&p, "absenteeism")?;
        Ok(())
    });
    e.register_fn("add_agents", |s: &mut Api, g: &str, n: Dynamic| -> ScriptResult<()> {
        let g = s.group(g)?;
        let all = s.all_day();
        s.add_agents_in(g, agents(&n, "add_agents: agents")?.into(), &all, "add_agents")
    });
    e.register_fn("add_agents", |s: &mut Api, g: &str, n: Dynamic, from: &str, to: &str| -> ScriptResult<()> {
        let g = s.group(g)?;
        let mask = s.starts_in(from, to)?;
        s.add_agents_in(g, agents(&n, "add_agents: agents")?.into(), &mask, "add_agents")
    });
    e.register_fn("add_agents", |s: &mut Api, g: &str, n: Dynamic, day: &str| -> ScriptResult<()> {
        let g = s.group(g)?;
        let mask = s.day_mask(day)?;
        s.add_agents_in(g, agents(&n, "add_agents: agents")?.into(), &mask, "add_agents")
    });
    e.register_fn("remove_agents", |s: &mut Api, g: &str, n: Dynamic, day: &str| -> ScriptResult<()> {
        let g = s.group(g)?;
        let mask = s.day_mask(day)?;
        s.add_agents_in(g, -i64::from(agents(&n, "remove_agents: agents")?), &mask, "remove_agents")
    });
    e.register_fn("remove_agents", |s: &mut Api, g: &str, n: Dynamic| -> ScriptResult<()> {
        let g = s.group(g)?;
        let all = s.all_day();
        s.add_agents_in(g, -i64::from(agents(&n, "remove_agents: agents")?), &all, "remove_agents")
    });
    e.register_fn("remove_agents", |s: &mut Api, g: &str, n: Dynamic, from: &str, to: &str| -> ScriptResult<()> {
        let g = s.group(g)?;
        let mask = s.starts_in(from, to)?;
        s.add_agents_in(g, -i64::from(agents(&n, "remove_agents: agents")?), &mask, "remove_agents")
    });
    e.register_fn("move_agents", |s: &mut Api, from_g: &str, to_g: &str, n: Dynamic| -> ScriptResult<()> {
        let (a, b) = (s.group(from_g)?, s.group(to_g)?);
        let all = s.all_day();
        s.move_agents_in(a, b, agents(&n, "move_agents: agents")?, &all)
    });
    e.register_fn(
        "move_agents",
        |s: &mut Api, from_g: &str, to_g: &str, n: Dynamic, from: &str, to: &str| -> ScriptResult<()> {
            let (a, b) = (s.group(from_g)?, s.group(to_g)?);
            let mask = s.starts_in(from, to)?;
            s.move_agents_in(a, b, agents(&n, "move_agents: agents")?, &mask)
        },
    );
    e.register_fn("add_shift", |s: &mut Api, g: &str, start: &str, end: &str, n: Dynamic| -> ScriptResult<()> {
        s.add_shift(g, start, end, &n, Array::new(), Array::new())
    });
    // the fifth argument: breaks (maps) or days (strings)
    e.register_fn(
        "add_shift",
        |s: &mut Api, g: &str, start: &str, end: &str, n: Dynamic, list: Array| -> ScriptResult<()> {
            if list.iter().any(|x| x.is_string()) {
                s.add_shift(g, start, end, &n, Array::new(), list)
            } else {
                s.add_shift(g, start, end, &n, list, Array::new())
            }
        },
    );
    e.register_fn(
        "add_shift",
        |s: &mut Api, g: &str, start: &str, end: &str, n: Dynamic, breaks: Array, days: Array| -> ScriptResult<()> {
            s.add_shift(g, start, end, &n, breaks, days)
        },
    );
    e.register_fn("add_shift", |s: &mut Api, g: &str, shift: Map| -> ScriptResult<()> {
        let text = |k: &str| shift.get(k).and_then(|v| v.clone().into_string().ok());
        let list = |k: &str| -> ScriptResult<Array> {
            match shift.get(k) {
                None => Ok(Array::new()),
                Some(v) => {
                    v.clone().try_cast::<Array>().ok_or_else(|| format!("add_shift: `{k}` must be an array").into())
                }
            }
        };
        for k in shift.keys() {
            if !["start", "end", "count", "breaks", "days", "code"].contains(&k.as_str()) {
                return fail(format!("add_shift: unknown key `{k}` (keys: start, end, count, breaks, days, code)"));
            }
        }
        let n = shift.get("count").cloned().ok_or("add_shift: the map needs `count` (agents)")?;
        if let Some(code) = text("code") {
            if shift.contains_key("start") || shift.contains_key("end") || shift.contains_key("breaks") {
                return fail("add_shift: give either `code` or `start`, `end` (and `breaks`), not both".into());
            }
            let c = s.code(&code)?;
            let g = s.group(g)?;
            let days = s.shift_days_from(list("days")?)?;
            let count = agents(&n, "add_shift: agents")?;
            return s.push_shift(g, c.shift(count, days));
        }
        let (Some(start), Some(end)) = (text("start"), text("end")) else {
            return fail("add_shift: the map needs `start` and `end` (clock times), or a shift `code`".into());
        };
        s.add_shift(g, &start, &end, &n, list("breaks")?, list("days")?)
    });
    e.register_fn("overtime", |s: &mut Api, g: &str, extra: Dynamic| -> ScriptResult<()> {
        let g = s.group(g)?;
        let d = duration(&extra, "overtime")?;
        let close = s.0.horizon.end_s;
        for sh in s.shifts_of(g, "overtime")? {
            sh.end_s = (sh.end_s + d).min(close);
        }
        Ok(())
    });
    e.register_fn("remove_break", |s: &mut Api, g: &str, at: &str| -> ScriptResult<()> {
        let g = s.group(g)?;
        let t = clock(at)?;
        let mut found = false;
        for sh in s.shifts_of(g, "remove_break")? {
            let before = sh.breaks.len();
            sh.breaks.retain(|b| b.start_s != t);
            found |= sh.breaks.len() != before;
        }
        if found { Ok(()) } else { fail(format!("no break starts at {at} in this group")) }
    });
    e.register_fn("move_break", |s: &mut Api, g: &str, at: &str, to: &str| -> ScriptResult<()> {
        let g = s.group(g)?;
        let (t, new) = (clock(at)?, clock(to)?);
        let mut found = false;
        for sh in s.shifts_of(g, "move_break")? {
            for b in sh.breaks.iter_mut().filter(|b| b.start_s == t) {
                b.start_s = new;
                found = true;
            }
            sh.breaks.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        }
        if found { Ok(()) } else { fail(format!("no break starts at {at} in this group")) }
    });
    e.register_fn("add_skill", |s: &mut Api, g: &str, q: &str, preference: Dynamic| -> ScriptResult<()> {
        let (g, q) = (s.group(g)?, s.queue(q)?);
        let p = count(&preference, "preference")?;
        if p < 1 {
            return fail(format!("preference levels start at 1 (most preferred), got {p}"));
        }
        let p = p as u32;
        let skills = &mut s.0.groups[g].skills;
        skills.retain(|k| k.queue != q);
        skills.push(Skill { queue: q, preference: p });
        Ok(())
    });
    e.register_fn("remove_skill", |s: &mut Api, g: &str, q: &str| -> ScriptResult<()> {
        let (g, q) = (s.group(g)?, s.queue(q)?);
        s.0.groups[g].skills.retain(|k| k.queue != q);
        Ok(())
    });

    // ---- contract ----
    e.register_fn("set_service_level", |s: &mut Api, q: &str, within: Dynamic, target: Dynamic| -> ScriptResult<()> {
        let (t, x) = (duration(&within, "answered_within")?, num(&target, "target")?);
        for qi in s.queues_named(q)? {
            s.0.queues[qi].service_level.threshold_s = t;
            s.0.queues[qi].service_level.target = x;
        }
        Ok(())
    });
    e.register_fn("set_sl_definition", |s: &mut Api, q: &str, def: &str| -> ScriptResult<()> {
        let d = match def {
            "offered" => SlDefinition::Offered,
            "offered_minus_short_abandons" => SlDefinition::OfferedMinusShortAbandons,
            "answered" => SlDefinition::Answered,
            o => {
                return fail(format!(
                    "unknown SL definition {o:?}: expected offered, offered_minus_short_abandons or answered"
                ));
            }
        };
        for qi in s.queues_named(q)? {
            s.0.queues[qi].service_level.definition = d;
        }
        Ok(())
    });
    e.register_fn("set_max_asa", |s: &mut Api, q: &str, asa: Dynamic| -> ScriptResult<()> {
        let a = duration(&asa, "max ASA")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].max_asa_s = Some(a);
        }
        Ok(())
    });
    e.register_fn("set_max_abandon_rate", |s: &mut Api, q: &str, rate: Dynamic| -> ScriptResult<()> {
        let r = num(&rate, "max abandon rate")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].max_abandon_rate = Some(r);
        }
        Ok(())
    });
    e.register_fn("set_cost", |s: &mut Api, g: &str, per_hour: Dynamic| -> ScriptResult<()> {
        let g = s.group(g)?;
        s.0.groups[g].cost_per_hour = num(&per_hour, "cost per hour")?;
        Ok(())
    });
    e.register_fn("set_priority", |s: &mut Api, q: &str, p: Dynamic| -> ScriptResult<()> {
        let p = count(&p, "priority")?;
        let p = i32::try_from(p).or_else(|_| fail(format!("priority must fit in ±{}, got {p}", i32::MAX)))?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].priority = p;
        }
        Ok(())
    });

    e.register_fn("set_retrial", |s: &mut Api, q: &str, probability: Dynamic, delay: Dynamic| -> ScriptResult<()> {
        let p = num(&probability, "retrial probability")?;
        let d = duration(&delay, "mean retrial delay")?;
        for qi in s.queues_named(q)? {
            s.0.queues[qi].retrial = if p == 0.0 {
                None
            } else {
                Some(crate::scenario::Retrial { probability: p, delay: Dist::Exponential { mean: d } })
            };
        }
        Ok(())
    });
    e.register_fn("set_overflow", |s: &mut Api, q: &str, after: Dynamic, groups: Array| -> ScriptResult<()> {
        let a = duration(&after, "overflow delay")?;
        let mut gs = Vec::new();
        for g in groups {
            let id = g.into_string().map_err(|t| format!("overflow groups must be group ids, got {t}"))?;
            gs.push(s.group(&id)?);
        }
        for qi in s.queues_named(q)? {
            s.0.queues[qi].overflow = Some(crate::scenario::Overflow { after_s: a, groups: gs.clone() });
        }
        Ok(())
    });
    e.register_fn("remove_overflow", |s: &mut Api, q: &str| -> ScriptResult<()> {
        for qi in s.queues_named(q)? {
            s.0.queues[qi].overflow = None;
        }
        Ok(())
    });
    e.register_fn("set_routing", |s: &mut Api, rule: &str| -> ScriptResult<()> {
        s.0.routing.agent_selection = match rule {
            "longest_idle" => crate::scenario::AgentSelection::LongestIdle,
            "least_skilled" => crate::scenario::AgentSelection::LeastSkilled,
            o => return fail(format!("unknown routing rule {o:?}: expected longest_idle or least_skilled")),
        };
        Ok(())
    });
    e.register_fn("set_count", |s: &mut Api, g: &str, n: Dynamic| -> ScriptResult<()> {
        let g = s.group(g)?;
        let n = agents(&n, "set_count: agents")?;
        let group = &mut s.0.groups[g];
        // a curve that is already n all day stays as it is: a what-if that changes nothing must
        // leave the scenario unchanged
        if !matches!(&group.staffing, Staffing::Curve(c) if c.iter().all(|v| *v == n)) {
            group.staffing = Staffing::Count(n);
        }
        Ok(())
    });
    e.register_fn("set_staffing", |s: &mut Api, g: &str, levels: Array| -> ScriptResult<()> {
        let g = s.group(g)?;
        let v: Vec<u32> = levels
            .iter()
            .enumerate()
            .map(|(i, x)| agents(x, &format!("set_staffing: level {} (agents)", i + 1)))
            .collect::<ScriptResult<_>>()?;
        let (n, total) = (s.0.horizon.intervals_per_day(), s.0.horizon.total_intervals());
        let full = if v.len() == total {
            v
        } else if v.len() == n {
            v.iter().copied().cycle().take(total).collect()
        } else {
            return fail(format!("set_staffing: {} levels, expected {n} (one per interval) or {total}", v.len()));
        };
        s.set_staffing(g, full)
    });

    // ---- reading ----
    e.register_fn("queues", |s: &mut Api| -> Array {
        s.0.queues.iter().map(|q| Dynamic::from(q.id.clone())).collect()
    });
    e.register_fn("groups", |s: &mut Api| -> Array {
        s.0.groups.iter().map(|g| Dynamic::from(g.id.clone())).collect()
    });
    e.register_fn("intervals", |s: &mut Api| -> Array {
        (0..s.0.horizon.total_intervals())
            .map(|i| Dynamic::from(s.0.horizon.interval_start(i).1))
            .map(|d| Dynamic::from(format_clock(d.as_float().unwrap_or(0.0))))
            .collect()
    });
    e.register_fn("volumes", |s: &mut Api, q: &str| -> ScriptResult<Array> {
        let q = s.queue(q)?;
        Ok(s.0.queues[q].volumes.iter().map(|v| Dynamic::from(*v)).collect())
    });
    e.register_fn("total_calls", |s: &mut Api, q: &str| -> ScriptResult<f64> {
        Ok(s.queues_named(q)?.iter().map(|&q| s.0.queues[q].volumes.iter().sum::<f64>()).sum())
    });
    e.register_fn("peak_interval", |s: &mut Api, q: &str| -> ScriptResult<String> {
        let q = s.queue(q)?;
        let v = &s.0.queues[q].volumes;
        let i = (0..v.len()).fold(0, |b, i| if v[i] > v[b] { i } else { b });
        Ok(format_clock(s.0.horizon.interval_start(i).1))
    });
    e.register_fn("staffing", |s: &mut Api, g: &str| -> ScriptResult<Array> {
        let g = s.group(g)?;
        Ok(s.staffing_curve(g).into_iter().map(Dynamic::from).collect())
    });
    e.register_fn("aht", |s: &mut Api, q: &str| -> ScriptResult<f64> {
        let q = s.queue(q)?;
        let qq = &s.0.queues[q];
        Ok(qq.handle_time.mean() + qq.wrap_up.as_ref().map_or(0.0, |w| w.mean()))
    });
    e.register_fn("sl_target", |s: &mut Api, q: &str| -> ScriptResult<f64> {
        Ok(s.0.queues[s.queue(q)?].service_level.target)
    });
    e.register_fn("sl_threshold", |s: &mut Api, q: &str| -> ScriptResult<f64> {
        Ok(s.0.queues[s.queue(q)?].service_level.threshold_s)
    });
    e.register_fn("interval_length", |s: &mut Api| -> f64 { s.0.horizon.interval_s });
    e.register_fn("opening", |s: &mut Api| -> String { format_clock(s.0.horizon.start_s) });
    e.register_fn("closing", |s: &mut Api| -> String { format_clock(s.0.horizon.end_s) });
    e.register_fn("time_after", |_: &mut Api, t: &str, d: Dynamic| -> ScriptResult<String> {
        let (day, at) = split_day(t)?;
        let end = clock(at)? + duration(&d, "duration")?;
        if end > crate::time::DAY_S {
            return fail(format!("{t} + {} is past midnight", crate::time::format_duration(duration(&d, "duration")?)));
        }
        Ok(format!("{day}{}", format_clock(end)))
    });
    e.register_fn("interval_end", |s: &mut Api, start: &str| -> ScriptResult<String> {
        let (day, at) = split_day(start)?;
        Ok(format!("{day}{}", format_clock(clock(at)? + s.0.horizon.interval_s)))
    });
}

/// A time's day prefix as written (`"Wed "`, or `""` for a plain time) and its clock text.
fn split_day(t: &str) -> ScriptResult<(String, &str)> {
    let (day, clock) = crate::calendar::split_day_time(t).or_else(fail)?;
    let prefix =
        if day == DayRef::Every { String::new() } else { format!("{} ", t.split_whitespace().next().unwrap_or("")) };
    Ok((prefix, clock))
}

impl Api {
    /// Days of a new shift from script strings (`["Mon", "2026-12-09", "d3"]`); `None` for an
    /// empty list (every day).
    fn shift_days_from(&self, list: Array) -> ScriptResult<Option<Vec<bool>>> {
        if list.is_empty() {
            return Ok(None);
        }
        let h = &self.0.horizon;
        let mut days = vec![false; h.days as usize];
        for x in list {
            let t = x.into_string().map_err(|t| format!("add_shift: days must be strings like \"Mon\", got {t}"))?;
            for d in days_named(h, &t).or_else(fail)? {
                days[d] = true;
            }
        }
        Ok(Some(days))
    }

    /// `add_shift(group, start, end, count, breaks, days)`: `start` and `end` may carry a day
    /// (`"Mon 08:00"`: Mondays only), `end` not after `start` ends the next day, `days` lists
    /// the days worked (empty: every day).
    fn add_shift(
        &mut self,
        g: &str,
        start: &str,
        end: &str,
        n: &Dynamic,
        breaks: Array,
        days: Array,
    ) -> ScriptResult<()> {
        let g = self.group(g)?;
        let ((d1, a), (d2, _)) = (day_clock(start).or_else(fail)?, day_clock(end).or_else(fail)?);
        let (_, end_clock) = crate::calendar::split_day_time(end).or_else(fail)?;
        let mut worked = self.shift_days_from(days)?;
        let named = if d1 == DayRef::Every { d2 } else { d1 };
        if named != DayRef::Every {
            if d2 != DayRef::Every && d2 != d1 {
                return fail(format!(
                    "add_shift: {start}–{end}: name the day once (on `start`), or use the days argument"
                ));
            }
            if worked.is_some() {
                return fail("add_shift: name the days either in the times or in the days argument, not both".into());
            }
            let h = &self.0.horizon;
            let mut v = vec![false; h.days as usize];
            let text = start.split_whitespace().next().unwrap_or(start);
            for d in super::window::resolve_days(h, named, text).or_else(fail)? {
                v[d] = true;
            }
            worked = Some(v);
        }
        let shift = Shift {
            start_s: a,
            end_s: shift_end(a, end_clock)?,
            count: agents(n, "add_shift: agents")?,
            breaks: breaks_from(breaks, a)?,
            days: worked,
        };
        self.push_shift(g, shift)
    }
}
