//! Tests of `ccsim::analytic`: published check values, agreement of independent computation
//! routes, a small Monte Carlo of M/M/c+M, edge cases and proptest properties.

use ccsim::analytic::{
    ErlangXParams, Kpis, QueueingModel, StaffingTargets, Traffic, erlang_a, erlang_a_integral, erlang_b, erlang_c,
    erlang_c_wait_probability, erlang_x, erlang_x_solve, kpis, meets_targets, required_agents,
};
use proptest::prelude::*;

/// 100 calls per 30 minutes, AHT 180 s: 10 Erlangs.
fn reference_traffic() -> Traffic {
    Traffic::from_volume(100.0, 1800.0, 180.0)
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-14
}

/// Every KPI of `a` and `b` agrees to `rel` (relative; probabilities also within 1e-12
/// absolute, the summation noise of shares that are ~0).
fn assert_kpis_close(a: &Kpis, b: &Kpis, rel: f64) {
    let probabilities = [
        ("p_wait", a.p_wait, b.p_wait),
        ("p_blocked", a.p_blocked, b.p_blocked),
        ("p_abandon", a.p_abandon, b.p_abandon),
        ("service_level", a.service_level, b.service_level),
        ("service_level_answered", a.service_level_answered, b.service_level_answered),
        ("occupancy", a.occupancy, b.occupancy),
    ];
    for (name, x, y) in probabilities {
        assert!(close(x, y, rel) || (x - y).abs() <= 1e-12, "{name}: {x} vs {y}\n{a:?}\n{b:?}");
    }
    let fields = [
        ("asa_s", a.asa_s, b.asa_s),
        ("avg_wait_s", a.avg_wait_s, b.avg_wait_s),
        ("mean_queue_len", a.mean_queue_len, b.mean_queue_len),
    ];
    for (name, x, y) in fields {
        assert!(close(x, y, rel), "{name}: {x} vs {y}\n{a:?}\n{b:?}");
    }
    assert_eq!(a.agents, b.agents);
    assert_eq!(a.stable, b.stable);
}

fn assert_sane(k: &Kpis) {
    let probs = [k.p_wait, k.p_blocked, k.p_abandon, k.service_level, k.service_level_answered, k.occupancy];
    for p in probs {
        assert!((0.0..=1.0).contains(&p), "probability out of range: {k:?}");
    }
    for x in [k.asa_s, k.avg_wait_s, k.mean_queue_len, k.offered_load] {
        assert!(!x.is_nan() && x >= 0.0, "bad value: {k:?}");
    }
    assert!(k.p_abandon + k.p_blocked <= 1.0 + 1e-12, "{k:?}");
    assert!(k.service_level <= 1.0 - k.p_abandon - k.p_blocked + 1e-9, "{k:?}");
}

const SL80_20: StaffingTargets =
    StaffingTargets { service_level: Some((20.0, 0.8)), max_asa_s: None, max_abandon_rate: None, max_occupancy: None };

// ---------------------------------------------------------------------------------------------
// Published check values
// ---------------------------------------------------------------------------------------------

#[test]
fn erlang_c_published_staffing_example() {
    let tr = reference_traffic();
    assert!((tr.load_erlangs() - 10.0).abs() < 1e-12);
    let req = required_agents(QueueingModel::ErlangC, tr, &SL80_20);
    assert_eq!(req.agents, 14);
    assert!(req.feasible);
    let k = req.kpis;
    assert!((k.service_level - 0.888).abs() < 0.001, "{k:?}");
    assert!((k.asa_s - 7.8).abs() < 0.05, "{k:?}");
    assert!((k.occupancy - 0.714).abs() < 0.001, "{k:?}");
    let k13 = erlang_c(13, tr, 20.0);
    assert!((k13.service_level - 0.796).abs() < 0.001, "{k13:?}");
    // The fractional requirement interpolates SL between 13 (0.796) and 14 (0.888) agents.
    assert!(req.fractional_agents > 13.0 && req.fractional_agents < 13.1);
    // Exact values (closed form), for regression.
    assert!(close(k.service_level, 0.888_350_019_179_466_9, 1e-12));
    assert!(close(k13.service_level, 0.795_594_788_417_783_1, 1e-12));
}

#[test]
fn erlang_b_published_value() {
    let b = erlang_b(30, 25.0);
    assert!((b - 0.0526).abs() < 0.0001, "{b}");
}

#[test]
fn erlang_a_published_values() {
    // Same traffic, 13 agents, mean patience 3 / 5 / 10 minutes: SL over all arrivals
    // ≈ 0.875 / 0.858 / 0.838 and P(abandon) ≈ 0.032 / 0.025 / 0.017. The exact values are
    // 0.8751 / 0.8582 / 0.8376 and 0.0322 / 0.0250 / 0.0165: the last abandon rate rounds to
    // 0.017 only at ±0.001 (0.0165 → 0.017 half-up); all agree with the printed numbers.
    let tr = reference_traffic();
    let cases = [(180.0, 0.875, 0.032), (300.0, 0.858, 0.025), (600.0, 0.838, 0.017)];
    for (patience, sl, ab) in cases {
        let k = erlang_a(13, tr, patience, 20.0);
        assert!((k.service_level - sl).abs() <= 0.001, "{patience}: {k:?}");
        assert!((k.p_abandon - ab).abs() <= 0.001, "{patience}: {k:?}");
        assert!(k.stable);
        // Abandonment shortens the queue: better SL than Erlang C's 0.796.
        assert!(k.service_level > erlang_c(13, tr, 20.0).service_level);
    }
}

// ---------------------------------------------------------------------------------------------
// Two independent routes
// ---------------------------------------------------------------------------------------------

#[test]
fn erlang_a_chain_equals_integral_route() {
    // (agents, calls/s, AHT, patience, T): realistic, small, heavy overload, ~1,000 agents,
    // long patience near saturation, short patience, T = 0 and T long.
    let cases = [
        (13, 100.0 / 1800.0, 180.0, 300.0, 20.0),
        (1, 0.01, 60.0, 30.0, 10.0),
        (50, 100.0 / 240.0, 240.0, 120.0, 20.0),
        (1000, 990.0 / 300.0, 300.0, 60.0, 15.0),
        (1000, 1200.0 / 300.0, 300.0, 600.0, 30.0),
        (120, 118.0 / 240.0, 240.0, 3600.0, 20.0),
        (20, 30.0 / 200.0, 200.0, 5.0, 20.0),
        (8, 0.04, 180.0, 120.0, 0.0),
        (8, 0.04, 180.0, 120.0, 600.0),
        (5000, 5100.0 / 240.0, 240.0, 200.0, 20.0),
        // Overload with long patience: a chain of ~1.2e5 queue states.
        (10, 1.0 + 10.0 / 240.0, 240.0, 1e5, 20.0),
    ];
    for (c, lam, aht, patience, t) in cases {
        let tr = Traffic::new(lam, aht);
        let chain = erlang_a(c, tr, patience, t);
        let integral = erlang_a_integral(c, tr, patience, t);
        assert_kpis_close(&chain, &integral, 1e-9);
    }
}

#[test]
fn erlang_a_with_huge_patience_equals_erlang_c() {
    for (c, load) in [(13, 10.0), (14, 10.0), (60, 50.0), (1000, 950.0)] {
        let tr = Traffic::new(load / 180.0, 180.0);
        let a = erlang_a(c, tr, 1e12, 20.0);
        let closed = erlang_c(c, tr, 20.0);
        let fields = [
            (a.p_wait, closed.p_wait),
            (a.service_level, closed.service_level),
            (a.asa_s, closed.asa_s),
            (a.avg_wait_s, closed.avg_wait_s),
            (a.mean_queue_len, closed.mean_queue_len),
            (a.occupancy, closed.occupancy),
        ];
        for (x, y) in fields {
            assert!(close(x, y, 1e-9), "c={c}: {x} vs {y}");
        }
        assert!(a.p_abandon < 1e-9);
        // Infinite patience is Erlang C exactly.
        assert_eq!(erlang_a(c, tr, f64::INFINITY, 20.0), closed);
    }
}

#[test]
fn erlang_c_chain_equals_closed_form() {
    // Erlang X with infinite patience, unlimited lines and no redials runs the birth–death
    // chain with θ = 0: an independent check of the closed-form Erlang C.
    let params = ErlangXParams { mean_patience_s: f64::INFINITY, lines: None, redial_probability: 0.0 };
    for (c, load, t) in [(14, 10.0, 20.0), (13, 10.0, 20.0), (2, 1.5, 5.0), (300, 290.0, 10.0)] {
        let tr = Traffic::new(load / 200.0, 200.0);
        assert_kpis_close(&erlang_x(c, tr, params, t), &erlang_c(c, tr, t), 1e-9);
    }
    // Unstable: both report the limit.
    let tr = Traffic::new(0.1, 200.0);
    assert_eq!(erlang_x(20, tr, params, 20.0), erlang_c(20, tr, 20.0));
    assert!(!erlang_c(20, tr, 20.0).stable);
}

/// splitmix64 → uniform (0, 1).
struct Rng(u64);
impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * self.uniform().ln()
    }
}

/// FCFS M/M/c+M by Palm's argument: each arrival takes the earliest free agent after all
/// earlier arrivals were placed, unless that wait exceeds its patience (then it abandons and
/// takes no agent). Returns (SL over all arrivals, P(abandon), ASA).
fn simulate_mmc_m(c: usize, lam: f64, aht: f64, patience: f64, t: f64, n: usize) -> [f64; 3] {
    let mut rng = Rng(12345);
    let mut free = vec![0.0_f64; c];
    let mut now = 0.0;
    let warmup = n / 20;
    let (mut within, mut abandoned, mut served, mut wait_sum) = (0usize, 0usize, 0usize, 0.0);
    for i in 0..n {
        now += rng.exp(1.0 / lam);
        let (idx, f) = free.iter().copied().enumerate().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap_or((0, 0.0));
        let wait = (f - now).max(0.0);
        let tau = rng.exp(patience);
        let counted = i >= warmup;
        if wait > tau {
            abandoned += usize::from(counted);
        } else {
            free[idx] = now + wait + rng.exp(aht);
            if counted {
                served += 1;
                wait_sum += wait;
                within += usize::from(wait <= t);
            }
        }
    }
    let total = (n - warmup) as f64;
    [within as f64 / total, abandoned as f64 / total, wait_sum / served as f64]
}

#[test]
fn erlang_a_matches_monte_carlo() {
    // 13 agents, 10 Erlangs, patience 300 s, 2 million calls; standard errors ≈ 3e-4 for the
    // shares (×~3 for autocorrelation) and ≈ 0.05 s for the ASA.
    let (c, lam, aht, patience, t) = (13, 100.0 / 1800.0, 180.0, 300.0, 20.0);
    let [sl, ab, asa] = simulate_mmc_m(c, lam, aht, patience, t, 2_000_000);
    let k = erlang_a(c as u32, Traffic::new(lam, aht), patience, t);
    assert!((sl - k.service_level).abs() < 0.004, "{sl} vs {k:?}");
    assert!((ab - k.p_abandon).abs() < 0.002, "{ab} vs {k:?}");
    assert!((asa - k.asa_s).abs() < 0.4, "{asa} vs {k:?}");
}

// ---------------------------------------------------------------------------------------------
// Erlang X
// ---------------------------------------------------------------------------------------------

#[test]
fn erlang_x_redial_fixed_point() {
    let tr = Traffic::new(0.2, 240.0); // 48 Erlangs of first attempts
    let params = ErlangXParams { mean_patience_s: 90.0, lines: Some(50), redial_probability: 0.6 };
    let sol = erlang_x_solve(45, tr, params, 20.0);
    let k = sol.kpis;
    assert!(sol.converged);
    let lam = sol.attempt_rate_per_s;
    let residual = 0.2 + 0.6 * (k.p_blocked + k.p_abandon) * lam - lam;
    assert!(residual.abs() <= 1e-10 * lam, "{residual} {sol:?}");
    assert!(lam > 0.2 && lam < 0.2 / 0.4);
    assert!(close(k.offered_load, lam * 240.0, 1e-12));
    assert!(k.p_blocked > 0.0 && k.p_abandon > 0.0);
    // Callers finally lost = attempts lost without a redial.
    let lost = 0.4 * (k.p_blocked + k.p_abandon) * lam / 0.2;
    assert!(close(sol.lost_caller_share, lost, 1e-12));
    // Conservation of first attempts: every original caller is served or finally lost.
    let served_attempts = lam * (1.0 - k.p_blocked - k.p_abandon);
    assert!(close(served_attempts + lost * 0.2, 0.2, 1e-9));
    assert_sane(&k);

    // Redials raise the attempt load and worsen per-attempt KPIs.
    let no_redial = erlang_x(45, tr, ErlangXParams { redial_probability: 0.0, ..params }, 20.0);
    assert!(k.service_level < no_redial.service_level);

    // Everybody redials: served rate = first-attempt rate when the agents can absorb it.
    let all = erlang_x_solve(45, Traffic::new(0.15, 240.0), ErlangXParams { redial_probability: 1.0, ..params }, 20.0);
    assert!(all.converged);
    let ka = all.kpis;
    let served = all.attempt_rate_per_s * (1.0 - ka.p_blocked - ka.p_abandon);
    assert!(close(served, 0.15, 1e-9), "{all:?}");
    // ... and no fixed point when they cannot.
    let diverging =
        erlang_x_solve(10, Traffic::new(0.2, 240.0), ErlangXParams { redial_probability: 1.0, ..params }, 20.0);
    assert!(!diverging.converged);
    assert_sane(&diverging.kpis);
}

#[test]
fn erlang_x_lines() {
    let tr = Traffic::new(10.0 / 180.0, 180.0);
    let unlimited = erlang_a(13, tr, 300.0, 20.0);
    let x = |lines| erlang_x(13, tr, ErlangXParams { mean_patience_s: 300.0, lines, redial_probability: 0.0 }, 20.0);
    // Many lines: blocking negligible, same as Erlang A.
    assert_kpis_close(&x(Some(200)), &unlimited, 1e-12);
    assert_eq!(x(None), unlimited);
    // Lines = agents: Erlang B loss system.
    let loss = x(Some(13));
    assert!(close(loss.p_blocked, erlang_b(13, 10.0), 1e-12));
    assert_eq!(loss.p_wait, 0.0);
    assert_eq!(loss.p_abandon, 0.0);
    assert!(close(loss.service_level, 1.0 - erlang_b(13, 10.0), 1e-12));
    // Fewer lines than agents: only `lines` agents can be reached.
    let short = x(Some(10));
    assert!(close(short.p_blocked, erlang_b(10, 10.0), 1e-12));
    assert!(close(short.occupancy, 10.0 * (1.0 - short.p_blocked) / 13.0, 1e-12));
    // A few waiting positions: some blocking, fewer abandons than unlimited.
    let few = x(Some(16));
    assert!(few.p_blocked > 0.0 && few.p_abandon < unlimited.p_abandon);
    assert!(few.p_wait > 0.0 && few.mean_queue_len <= 3.0);
    for k in [loss, short, few] {
        assert_sane(&k);
    }
}

// ---------------------------------------------------------------------------------------------
// Edge cases
// ---------------------------------------------------------------------------------------------

#[test]
fn zero_load_and_zero_agents() {
    let none = Traffic::new(0.0, 180.0);
    for k in
        [erlang_c(0, none, 20.0), erlang_c(5, none, 20.0), erlang_a(0, none, 60.0, 20.0), erlang_a(3, none, 60.0, 20.0)]
    {
        assert!(k.stable);
        assert_eq!(k.service_level, 1.0);
        assert_eq!(k.p_wait, 0.0);
        assert_eq!(k.asa_s, 0.0);
        assert_eq!(k.occupancy, 0.0);
    }
    let r = required_agents(QueueingModel::ErlangC, none, &SL80_20);
    assert_eq!((r.agents, r.fractional_agents, r.feasible), (0, 0.0, true));

    let tr = reference_traffic();
    let c0 = erlang_c(0, tr, 20.0);
    assert!(!c0.stable && c0.asa_s.is_infinite() && c0.service_level == 0.0);
    // No agents with finite patience: everybody abandons after their patience.
    let a0 = erlang_a(0, tr, 60.0, 20.0);
    assert_eq!(a0.p_abandon, 1.0);
    assert_eq!(a0.service_level, 0.0);
    assert!(a0.asa_s.is_infinite());
    assert!(close(a0.avg_wait_s, 60.0, 1e-12));
    assert!(close(a0.mean_queue_len, 60.0 * 100.0 / 1800.0, 1e-12));
    assert_eq!(erlang_b(0, 3.0), 1.0);
    assert_eq!(erlang_b(3, 0.0), 0.0);
    assert_eq!(erlang_c_wait_probability(10, 10.0), 1.0);
    assert_eq!(erlang_c_wait_probability(10, 0.0), 0.0);
}

#[test]
fn zero_patience_is_a_loss_system() {
    let tr = Traffic::new(25.0 / 100.0, 100.0);
    let k = erlang_a(30, tr, 0.0, 20.0);
    let b = erlang_b(30, 25.0);
    assert!(close(k.p_abandon, b, 1e-12));
    assert!(close(k.service_level, 1.0 - b, 1e-12));
    assert_eq!(k.asa_s, 0.0);
    // Tiny positive patience converges to it.
    let tiny = erlang_a(30, tr, 1e-9, 20.0);
    assert!(close(tiny.p_abandon, b, 1e-6));
}

#[test]
fn extreme_inputs_stay_finite() {
    let cases = [
        (5000, 1e3, 1e4, 1e-3),   // 1e7 Erlangs on 5,000 agents, impatient
        (5000, 1e-6, 1.0, 1e9),   // almost no traffic
        (1, 1e3, 1e4, 1e9),       // huge overload, patience 30 years
        (5000, 20.0, 250.0, 1e7), // near critical with very long patience
        (4999, 20.0, 250.0, 1e-300),
        (7, 1e-300, 1e300, 1.0),
    ];
    for (c, lam, aht, patience) in cases {
        let tr = Traffic::new(lam, aht);
        for k in [
            erlang_a(c, tr, patience, 20.0),
            erlang_a_integral(c, tr, patience, 20.0),
            erlang_c(c, tr, 20.0),
            erlang_x(
                c,
                tr,
                ErlangXParams { mean_patience_s: patience, lines: Some(c + 100), redial_probability: 0.5 },
                20.0,
            ),
        ] {
            assert_sane(&k);
        }
    }
    // NaN and negative inputs are treated as 0, infinities as limits; nothing panics.
    for v in [f64::NAN, -1.0, f64::INFINITY] {
        let tr = Traffic::new(v, v);
        for k in [
            erlang_c(3, tr, v),
            erlang_a(3, tr, v, v),
            erlang_x(3, tr, ErlangXParams { mean_patience_s: v, lines: Some(5), redial_probability: v }, v),
        ] {
            assert!(!k.service_level.is_nan() && !k.p_abandon.is_nan(), "{k:?}");
        }
        let _ = required_agents(QueueingModel::ErlangA { mean_patience_s: v }, tr, &SL80_20);
    }
}

#[test]
fn required_agents_variants() {
    let tr = reference_traffic();
    // ASA and occupancy targets with Erlang C.
    let t = StaffingTargets { max_asa_s: Some(10.0), max_occupancy: Some(0.75), ..StaffingTargets::default() };
    let r = required_agents(QueueingModel::ErlangC, tr, &t);
    assert_eq!(r.agents, 14); // occupancy 10/14 = 0.714; ASA(14) = 7.8 s, ASA(13) = 17.1 s
    // Occupancy exactly at target is met despite rounding.
    let occ = StaffingTargets { max_occupancy: Some(0.8), ..StaffingTargets::default() };
    let r = required_agents(QueueingModel::ErlangC, tr, &occ);
    assert_eq!(r.agents, 13);
    let r = required_agents(
        QueueingModel::ErlangC,
        tr,
        &StaffingTargets { max_occupancy: Some(10.0 / 12.5), ..StaffingTargets::default() },
    );
    assert_eq!(r.agents, 13);
    // Abandon target with Erlang A; looser targets can need fewer agents than the load.
    let ab = StaffingTargets { max_abandon_rate: Some(0.3), ..StaffingTargets::default() };
    let r = required_agents(QueueingModel::ErlangA { mean_patience_s: 60.0 }, tr, &ab);
    assert!(r.feasible && r.agents < 10, "{r:?}");
    assert!(r.kpis.p_abandon <= 0.3);
    // Infeasible target.
    let bad = StaffingTargets { service_level: Some((20.0, 1.1)), ..StaffingTargets::default() };
    let r = required_agents(QueueingModel::ErlangC, tr, &bad);
    assert!(!r.feasible);
    // Erlang C with no targets: the smallest stable staffing; fractional = the load.
    let r = required_agents(QueueingModel::ErlangC, tr, &StaffingTargets::default());
    assert_eq!(r.agents, 11);
    assert!(close(r.fractional_agents, 10.0, 1e-12));
    // Large queue.
    let big = Traffic::new(4000.0 / 900.0, 240.0);
    let r = required_agents(QueueingModel::ErlangC, big, &SL80_20);
    assert!(meets_targets(&r.kpis, &SL80_20));
    assert!(!meets_targets(&erlang_c(r.agents - 1, big, 20.0), &SL80_20));
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo.log10()..hi.log10()).prop_map(|e| 10f64.powf(e))
}

/// Traffic of up to ~1,000 Erlangs.
fn traffic() -> impl Strategy<Value = Traffic> {
    (log_uniform(1e-3, 5.0), log_uniform(5.0, 2000.0)).prop_map(|(l, h)| Traffic::new(l, h))
}

fn model() -> impl Strategy<Value = QueueingModel> {
    prop_oneof![
        Just(QueueingModel::ErlangC),
        log_uniform(1.0, 1e5).prop_map(|p| QueueingModel::ErlangA { mean_patience_s: p }),
        (log_uniform(1.0, 1e5), proptest::option::of(0u32..400), 0.0..0.9f64).prop_map(|(p, extra, r)| {
            QueueingModel::ErlangX(ErlangXParams {
                mean_patience_s: p,
                // Lines relative to the agents are set in the test.
                lines: extra,
                redial_probability: r,
            })
        }),
    ]
}

fn targets() -> impl Strategy<Value = StaffingTargets> {
    (
        proptest::option::of((0.0..120.0f64, 0.3..0.99f64)),
        proptest::option::of(1.0..120.0f64),
        proptest::option::of(0.005..0.3f64),
        proptest::option::of(0.5..0.98f64),
    )
        .prop_map(|(sl, asa, ab, occ)| StaffingTargets {
            service_level: sl,
            max_asa_s: asa,
            max_abandon_rate: ab,
            max_occupancy: occ,
        })
}

proptest! {
    // No failure persistence: the regressions file would land outside this test's files.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(200)
    })]

    #[test]
    fn sl_non_decreasing_in_agents(
        tr in traffic(), patience in log_uniform(1.0, 1e5), t in 0.0..300.0f64,
        c in 0u32..1200,
    ) {
        let a = erlang_a(c, tr, patience, t);
        let a1 = erlang_a(c + 1, tr, patience, t);
        prop_assert!(a1.service_level >= a.service_level - 1e-12, "{a:?}\n{a1:?}");
        prop_assert!(a1.p_abandon <= a.p_abandon + 1e-12);
        let e = erlang_c(c, tr, t);
        let e1 = erlang_c(c + 1, tr, t);
        prop_assert!(e1.service_level >= e.service_level - 1e-12, "{e:?}\n{e1:?}");
    }

    #[test]
    fn erlang_a_tends_to_erlang_c(
        tr in traffic(), t in 0.0..120.0f64, extra in 0.02..3.0f64,
    ) {
        // Stable Erlang C staffing, patience 1e7 × the longest relevant time scale.
        let c = (tr.load_erlangs() * (1.0 + extra)).ceil() as u32 + 1;
        let closed = erlang_c(c, tr, t);
        let patience = 1e9 * tr.mean_handle_s.max(closed.asa_s);
        let a = erlang_a(c, tr, patience, t);
        for (x, y) in [
            (a.service_level, closed.service_level),
            (a.p_wait, closed.p_wait),
            (a.asa_s, closed.asa_s),
            (a.mean_queue_len, closed.mean_queue_len),
        ] {
            prop_assert!(close(x, y, 1e-6), "{a:?}\n{closed:?}");
        }
    }

    #[test]
    fn erlang_x_without_redials_or_line_limits_is_erlang_a(
        tr in traffic(), patience in log_uniform(1.0, 1e5), t in 0.0..120.0f64, c in 0u32..1200,
    ) {
        let params = ErlangXParams {
            mean_patience_s: patience, lines: None, redial_probability: 0.0,
        };
        let x = erlang_x(c, tr, params, t);
        prop_assert_eq!(x, erlang_a(c, tr, patience, t));
        // Lines far beyond any queue that occurs: same as unlimited.
        let lines = c.saturating_add((x.mean_queue_len * 50.0) as u32 + 400);
        let finite = erlang_x(c, tr, ErlangXParams { lines: Some(lines), ..params }, t);
        prop_assert!(finite.p_blocked < 1e-12, "{finite:?}");
        prop_assert!(close(finite.service_level, x.service_level, 1e-9));
    }

    #[test]
    fn chain_and_integral_routes_agree(
        tr in traffic(), patience in log_uniform(1.0, 1e5), t in 0.0..300.0f64,
        ratio in 0.3..2.0f64,
    ) {
        let c = ((tr.load_erlangs() * ratio).round() as u32).max(1);
        let chain = erlang_a(c, tr, patience, t);
        let integral = erlang_a_integral(c, tr, patience, t);
        assert_kpis_close(&chain, &integral, 1e-8);
    }

    #[test]
    fn no_nan_or_panic_up_to_5000_agents(
        c in 0u32..=5000,
        lam in log_uniform(1e-6, 1e3),
        aht in log_uniform(1e-3, 1e5),
        patience in log_uniform(1e-3, 1e9),
        t in log_uniform(1e-3, 1e5),
        lines_extra in proptest::option::of(0u32..2000),
        redial in 0.0..1.0f64,
    ) {
        let tr = Traffic::new(lam, aht);
        assert_sane(&erlang_c(c, tr, t));
        assert_sane(&erlang_a(c, tr, patience, t));
        let params = ErlangXParams {
            mean_patience_s: patience,
            lines: lines_extra.map(|e| c.saturating_add(e)),
            redial_probability: redial,
        };
        let sol = erlang_x_solve(c, tr, params, t);
        assert_sane(&sol.kpis);
        prop_assert!(!sol.attempt_rate_per_s.is_nan() && !sol.lost_caller_share.is_nan());
        prop_assert!(erlang_b(c, tr.load_erlangs()).is_finite());
    }

    #[test]
    fn required_agents_is_the_smallest_staffing_meeting_targets(
        tr in traffic(), m in model(), tg in targets(),
    ) {
        let m = match m {
            QueueingModel::ErlangX(p) => {
                let guess = tr.load_erlangs().ceil() as u32;
                QueueingModel::ErlangX(ErlangXParams {
                    lines: p.lines.map(|e| guess.saturating_add(e)),
                    ..p
                })
            }
            other => other,
        };
        let r = required_agents(m, tr, &tg);
        let t = tg.service_level.map_or(20.0, |(t, _)| t);
        if r.feasible {
            prop_assert!(meets_targets(&r.kpis, &tg), "{r:?}");
            prop_assert_eq!(kpis(m, r.agents, tr, t), r.kpis);
            if r.agents > 0 {
                let below = kpis(m, r.agents - 1, tr, t);
                prop_assert!(!meets_targets(&below, &tg), "{below:?}");
                prop_assert!(r.fractional_agents > f64::from(r.agents) - 1.0 - 1e-12);
                prop_assert!(r.fractional_agents <= f64::from(r.agents));
            }
        }
    }
}
