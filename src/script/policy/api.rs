//! The policy script API as Rhai sees it: the `ctx` type and its views registered on the
//! sandboxed engine, and the table of actions (`ACTIONS`: name, argument kinds, builder) that
//! both the Rhai registrations and the native hook path (`script/fast.rs`) use.

use super::*;

pub(super) fn register(e: &mut Engine) {
    e.register_type_with_name::<Ctx>("Ctx");
    e.register_type_with_name::<QueueView>("Queue");
    e.register_type_with_name::<GroupView>("Group");
    e.register_type_with_name::<CallView>("Call");
    e.register_type_with_name::<AgentView>("Agent");

    // --- the clock
    e.register_get("now", |c: &mut Ctx| c.lock().snap.t);
    e.register_get("clock", |c: &mut Ctx| {
        let sh = c.lock();
        format_clock((sh.stat.start_s + sh.snap.t).floor())
    });
    e.register_get("day", |c: &mut Ctx| c.lock().snap.day as i64);
    e.register_get("interval", |c: &mut Ctx| c.lock().snap.interval as i64);
    e.register_get("interval_seconds", |c: &mut Ctx| c.lock().stat.interval_s);
    e.register_get("queues", |c: &mut Ctx| {
        c.lock().stat.queue_names.iter().map(|q| Dynamic::from(q.clone())).collect::<rhai::Array>()
    });
    e.register_get("groups", |c: &mut Ctx| {
        c.lock().stat.group_names.iter().map(|g| Dynamic::from(g.clone())).collect::<rhai::Array>()
    });

    // --- reading
    e.register_fn("queue", |c: &mut Ctx, id: &str| -> R<QueueView> {
        let sh = c.lock();
        let q = sh.stat.queue(id)?;
        Ok(QueueView::new(sh.stat.queue_names[q].clone(), &sh.snap.queues[q], sh.stat.sl[q]))
    });
    e.register_fn("group", |c: &mut Ctx, id: &str| -> R<GroupView> {
        let sh = c.lock();
        let g = sh.stat.group(id)?;
        Ok(GroupView { id: sh.stat.group_names[g].clone(), live: sh.snap.groups[g] })
    });
    e.register_fn("forecast", |c: &mut Ctx, id: &str, ahead: i64| -> R<f64> {
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
        e.register_raw_fn(name, types, move |_, args: &mut [&mut Dynamic]| -> R<()> {
            let ctx = args[0].clone_cast::<Ctx>();
            let mut rest = [Dynamic::UNIT, Dynamic::UNIT, Dynamic::UNIT];
            for (d, a) in rest.iter_mut().zip(args[1..].iter()) {
                *d = (**a).clone();
            }
            let mut sh = ctx.lock();
            let a = build(&sh.stat, &rest[..kinds.len()])?;
            sh.actions.push(a);
            Ok(())
        });
    }
}

/// The kind of an action's argument after `ctx`, as Rhai checks it before the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::script) enum Arg {
    /// A queue or group id: a string.
    Id,
    /// `true` or `false`.
    Bool,
    /// Any value; the builder checks it (a number, a duration, a list of ids).
    Any,
}

/// Builds an action from its arguments after `ctx`, of the kinds listed beside it.
pub(in crate::script) type Build = fn(&Static, &[Dynamic]) -> R<Action>;

/// Every `ctx` action: name, argument kinds, builder. Rhai and the fast path both call these.
pub(in crate::script) const ACTIONS: [(&str, &[Arg], Build); 15] = [
    ("move_agents", &[Arg::Id, Arg::Id, Arg::Any], |s, a| {
        Ok(Action::MoveAgents { from: s.group(&id(&a[0]))?, to: s.group(&id(&a[1]))?, n: n_of(&a[2], "agents")? })
    }),
    ("set_skill", &[Arg::Id, Arg::Id, Arg::Bool], |s, a| {
        let on = a[2].as_bool().or_else(|t| fail(format!("expected true or false, got a {t}")))?;
        Ok(Action::SetSkill { group: s.group(&id(&a[0]))?, queue: s.queue(&id(&a[1]))?, on })
    }),
    ("postpone_breaks", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::PostponeBreaks { group: s.group(&id(&a[0]))?, for_s: duration(&a[1], "hold")? })
    }),
    ("cancel_breaks", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::CancelBreaks { group: s.group(&id(&a[0]))?, for_s: duration(&a[1], "window")? })
    }),
    ("extend_shifts", &[Arg::Id, Arg::Any, Arg::Any], |s, a| {
        Ok(Action::ExtendShifts {
            group: s.group(&id(&a[0]))?,
            n: n_of(&a[1], "agents")?,
            by_s: duration(&a[2], "overtime")?,
        })
    }),
    ("send_home", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::SendHome { group: s.group(&id(&a[0]))?, n: n_of(&a[1], "agents")? })
    }),
    ("open_queue", &[Arg::Id], |s, a| Ok(Action::SetOpen { queue: s.queue(&id(&a[0]))?, open: true })),
    ("close_queue", &[Arg::Id], |s, a| Ok(Action::SetOpen { queue: s.queue(&id(&a[0]))?, open: false })),
    ("offer_callbacks", &[Arg::Id, Arg::Any, Arg::Any], |s, a| {
        let p = num(&a[2], "acceptance")?;
        if !(0.0..=1.0).contains(&p) {
            return fail(format!("acceptance must be a share in [0, 1], got {p}"));
        }
        Ok(Action::OfferCallbacks {
            queue: s.queue(&id(&a[0]))?,
            max_wait_s: duration(&a[1], "estimated wait")?,
            acceptance: p,
        })
    }),
    ("stop_callbacks", &[Arg::Id], |s, a| {
        Ok(Action::OfferCallbacks { queue: s.queue(&id(&a[0]))?, max_wait_s: f64::INFINITY, acceptance: 0.0 })
    }),
    ("set_priority", &[Arg::Id, Arg::Any], |s, a| {
        let p = count(&a[1], "priority")?;
        let priority = i32::try_from(p).or_else(|_| fail(format!("priority {p} is out of range")))?;
        Ok(Action::SetPriority { queue: s.queue(&id(&a[0]))?, priority })
    }),
    ("set_overflow", &[Arg::Id, Arg::Any, Arg::Any], |s, a| {
        let list: Vec<Dynamic> =
            if a[1].is_array() { a[1].clone().into_array().unwrap_or_default() } else { vec![a[1].clone()] };
        let mut gs = Vec::new();
        for g in list {
            let id = g.into_string().or_else(|t| fail(format!("overflow groups must be ids, got a {t}")))?;
            gs.push(s.group(&id)?);
        }
        Ok(Action::SetOverflow { queue: s.queue(&id(&a[0]))?, groups: gs, after_s: duration(&a[2], "overflow delay")? })
    }),
    ("clear_overflow", &[Arg::Id], |s, a| {
        Ok(Action::SetOverflow { queue: s.queue(&id(&a[0]))?, groups: Vec::new(), after_s: f64::INFINITY })
    }),
    ("watch_waiting", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::WatchWaiting { queue: s.queue(&id(&a[0]))?, n: n_of(&a[1], "waiting calls")? })
    }),
    ("watch_oldest_wait", &[Arg::Id, Arg::Any], |s, a| {
        Ok(Action::WatchOldestWait { queue: s.queue(&id(&a[0]))?, wait_s: duration(&a[1], "oldest wait")? })
    }),
];

/// An `Arg::Id` argument's text (Rhai has checked it is a string).
fn id(v: &Dynamic) -> ImmutableString {
    v.read_lock::<ImmutableString>().map(|s| s.clone()).unwrap_or_default()
}

fn n_of(v: &Dynamic, what: &str) -> R<u32> {
    let n = count(v, what)?;
    u32::try_from(n).or_else(|_| fail(format!("{what} must be 0 or more, got {n}")))
}
