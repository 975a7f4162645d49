//! Globally adaptive Gauss–Kronrod (7/15) quadrature of vector-valued integrands, with the
//! QUADPACK `qk15` nodes and weights (Piessens et al. 1983). Numerics only: knows no queue.

/// Gauss–Kronrod 15-point abscissae on [−1, 1] (QUADPACK `qk15`), descending, last = 0.
const GK_X: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
/// Kronrod weights for [`GK_X`].
const GK_WK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
/// Gauss 7-point weights for `GK_X[1], GK_X[3], GK_X[5], GK_X[7]`.
const GK_WG: [f64; 4] =
    [0.129_484_966_168_869_7, 0.279_705_391_489_276_7, 0.381_830_050_505_118_9, 0.417_959_183_673_469_4];

#[derive(Debug, Clone, Copy)]
pub(super) struct Segment<const N: usize> {
    pub(super) a: f64,
    pub(super) b: f64,
    pub(super) val: [f64; N],
    pub(super) err: [f64; N],
}

fn gk15<const N: usize, F: Fn(f64) -> [f64; N]>(f: &F, a: f64, b: f64) -> Segment<N> {
    let c = 0.5 * (a + b);
    let hw = 0.5 * (b - a);
    let fc = f(c);
    let mut k = [0.0; N];
    let mut g = [0.0; N];
    for n in 0..N {
        k[n] = fc[n] * GK_WK[7];
        g[n] = fc[n] * GK_WG[3];
    }
    for i in 0..7 {
        let dx = hw * GK_X[i];
        let f1 = f(c - dx);
        let f2 = f(c + dx);
        for n in 0..N {
            let s = f1[n] + f2[n];
            k[n] += GK_WK[i] * s;
            if i % 2 == 1 {
                g[n] += GK_WG[i / 2] * s;
            }
        }
    }
    let mut val = [0.0; N];
    let mut err = [0.0; N];
    for n in 0..N {
        val[n] = k[n] * hw;
        err[n] = ((k[n] - g[n]) * hw).abs();
    }
    Segment { a, b, val, err }
}

/// Globally adaptive Gauss–Kronrod over consecutive `breaks`: bisects the segment with the
/// largest relative error until every component's error estimate is below `rel_tol` of its
/// total (or 4,000 segments).
pub(super) fn adaptive_gk<const N: usize, F: Fn(f64) -> [f64; N]>(
    f: &F,
    breaks: &[f64],
    rel_tol: f64,
) -> Vec<Segment<N>> {
    let mut segs: Vec<Segment<N>> = breaks.windows(2).filter(|w| w[1] > w[0]).map(|w| gk15(f, w[0], w[1])).collect();
    while segs.len() < 4000 {
        let mut total = [0.0; N];
        let mut err = [0.0; N];
        for s in &segs {
            for n in 0..N {
                total[n] += s.val[n];
                err[n] += s.err[n];
            }
        }
        let done = (0..N).all(|n| err[n] <= rel_tol * total[n].abs() || err[n] < 1e-300);
        if done {
            break;
        }
        let badness = |s: &Segment<N>| (0..N).map(|n| s.err[n] / total[n].abs().max(1e-300)).fold(0.0, f64::max);
        let mut worst = 0;
        let mut worst_bad = -1.0;
        for (i, s) in segs.iter().enumerate() {
            let b = badness(s);
            if b > worst_bad {
                worst_bad = b;
                worst = i;
            }
        }
        let s = segs[worst];
        let mid = 0.5 * (s.a + s.b);
        if !(mid > s.a && mid < s.b) {
            break;
        }
        segs[worst] = gk15(f, s.a, mid);
        segs.push(gk15(f, mid, s.b));
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::rel;

    #[test]
    fn gauss_kronrod_is_exact_for_polynomials() {
        // K15 integrates degree ≤ 22 exactly, G7 degree ≤ 13.
        let f = |x: f64| [x.powi(22), x.powi(13) + x.powi(12)];
        let s = gk15(&f, -1.0, 1.0);
        assert!(rel(s.val[0], 2.0 / 23.0) < 1e-14);
        assert!(rel(s.val[1], 2.0 / 13.0) < 1e-14);
        let wsum: f64 = GK_WK[7] + 2.0 * GK_WK[..7].iter().sum::<f64>();
        let gsum: f64 = GK_WG[3] + 2.0 * (GK_WG[0] + GK_WG[1] + GK_WG[2]);
        assert!((wsum - 2.0).abs() < 1e-15 && (gsum - 2.0).abs() < 1e-15);
        let segs = adaptive_gk(&|x: f64| [(-x).exp()], &[0.0, 50.0], 1e-13);
        let v: f64 = segs.iter().map(|s| s.val[0]).sum();
        assert!(rel(v, -(-50.0_f64).exp_m1()) < 1e-13);
    }
}
