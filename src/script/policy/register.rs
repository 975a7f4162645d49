//! The policy script API registered on the sandboxed Rhai engine: the `ctx` type and its views,
//! their properties (from the tables in `script/api.rs`) and one function per entry of
//! `ACTIONS`, whose builders the native hook path (`script/fast.rs`) shares.

use super::*;

pub(super) fn register(e: &mut Engine) {
    e.register_type_with_name::<Ctx>("Ctx");
    e.register_type_with_name::<QueueView>("Queue");
    e.register_type_with_name::<GroupView>("Group");
    e.register_type_with_name::<CallView>("Call");
    e.register_type_with_name::<AgentView>("Agent");

    // --- the clock
    e.register_get("now", |c: &mut Ctx| c.lock().snap.time_s);
    e.register_get("clock", |c: &mut Ctx| {
        let sh = c.lock();
        format_clock((sh.stat.start_s + sh.snap.time_s).floor())
    });
    e.register_get("day", |c: &mut Ctx| c.lock().snap.day as i64);
    // the day's date and weekday as strings, `()` on undated horizons (the fast path leaves
    // hooks reading them to Rhai)
    e.register_get("date", |c: &mut Ctx| {
        let sh = c.lock();
        sh.stat.dates.get(sh.snap.day).cloned().flatten().map_or(Dynamic::UNIT, |(d, _)| Dynamic::from(d))
    });
    e.register_get("weekday", |c: &mut Ctx| {
        let sh = c.lock();
        sh.stat.dates.get(sh.snap.day).cloned().flatten().map_or(Dynamic::UNIT, |(_, w)| Dynamic::from(w))
    });
    e.register_get("interval", |c: &mut Ctx| c.lock().snap.interval as i64);
    e.register_get("interval_seconds", |c: &mut Ctx| c.lock().stat.interval_s);
    e.register_get("queues", |c: &mut Ctx| {
        c.lock().stat.queue_names.iter().map(|q| Dynamic::from(q.clone())).collect::<rhai::Array>()
    });
    e.register_get("groups", |c: &mut Ctx| {
        c.lock().stat.group_names.iter().map(|g| Dynamic::from(g.clone())).collect::<rhai::Array>()
    });

    // --- reading
    e.register_fn("queue", |c: &mut Ctx, id: &str| -> ScriptResult<QueueView> {
        let sh = c.lock();
        let q = sh.stat.queue(id)?;
        Ok(QueueView::new(sh.stat.queue_names[q].clone(), &sh.snap.queues[q], sh.stat.sl[q]))
    });
    e.register_fn("group", |c: &mut Ctx, id: &str| -> ScriptResult<GroupView> {
        let sh = c.lock();
        let g = sh.stat.group(id)?;
        Ok(GroupView { id: sh.stat.group_names[g].clone(), live: sh.snap.groups[g] })
    });
    e.register_fn("forecast", |c: &mut Ctx, id: &str, ahead: i64| -> ScriptResult<f64> {
        let sh = c.lock();
        Ok(forecast(&sh.stat, &sh.snap, sh.stat.queue(id)?, ahead))
    });
    e.register_fn("random", |c: &mut Ctx| c.lock().rng.random::<f64>());
    e.register_fn("state", |c: &mut Ctx, key: &str| c.lock().state.get(key).cloned().unwrap_or(Dynamic::UNIT));
    e.register_fn("set_state", |c: &mut Ctx, key: &str, v: Dynamic| {
        c.lock().state.insert(key.into(), v);
    });

    e.register_get("id", |q: &mut QueueView| q.id.clone());
    e.register_get("waiting", |q: &mut QueueView| q.waiting);
    e.register_get("callbacks_pending", |q: &mut QueueView| q.callbacks_pending);
    e.register_get("open", |q: &mut QueueView| q.open);
    for (k, name) in QUEUE_VALUES.into_iter().enumerate() {
        e.register_get(name, move |q: &mut QueueView| q.v[k]);
    }

    e.register_get("id", |g: &mut GroupView| g.id.clone());
    for (name, f) in GROUP_PROPS {
        e.register_get(name, move |g: &mut GroupView| i64::from(f(&g.live)));
    }

    e.register_get("queue", |c: &mut CallView| c.queue.clone());
    e.register_get("queue_index", |c: &mut CallView| c.queue_index);
    e.register_get("group", |a: &mut AgentView| a.group.clone());
    e.register_get("group_index", |a: &mut AgentView| a.group_index);
    e.register_get("index", |a: &mut AgentView| a.index);

    // --- actions: one registration per entry of ACTIONS, whose builders the fast path shares
    for (name, kinds, build) in ACTIONS {
        let mut types = vec![TypeId::of::<Ctx>()];
        types.extend(kinds.iter().map(|k| match k {
            Arg::Id => TypeId::of::<ImmutableString>(),
            Arg::Bool => TypeId::of::<bool>(),
            Arg::Any => TypeId::of::<Dynamic>(),
        }));
        e.register_raw_fn(name, types, move |_, args: &mut [&mut Dynamic]| -> ScriptResult<()> {
            let ctx = args[0].clone_cast::<Ctx>();
            let mut rest = [Dynamic::UNIT, Dynamic::UNIT, Dynamic::UNIT];
            for (d, a) in rest.iter_mut().zip(args[1..].iter()) {
                *d = (**a).clone();
            }
            let mut sh = ctx.lock();
            // a bad argument is an error naming the action: "extend_shifts: overtime must ..."
            let a = build(&sh.stat, &rest[..kinds.len()]).map_err(|e| match *e {
                EvalAltResult::ErrorRuntime(msg, pos) => {
                    EvalAltResult::ErrorRuntime(format!("{name}: {msg}").into(), pos).into()
                }
                other => Box::new(other),
            })?;
            sh.actions.push(a);
            Ok(())
        });
    }
}
