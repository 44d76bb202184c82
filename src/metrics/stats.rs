//! Small statistics used by the metrics: means and Spearman's ρ.

/// Mean of the defined values; `None` when there are none. The sum is
/// rounded once, as if added exactly (see [`exact_sum`]), so a mean of the
/// same values never depends on their order: 4/5, 3/5, 2/5, 1/5 and the
/// reverse both give 0.5, where plain left-to-right addition gives
/// 0.49999999999999994 one way and 0.5 the other.
pub fn mean_defined(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let mut n = 0usize;
    let sum = exact_sum(values.into_iter().flatten().inspect(|_| n += 1));
    (n > 0).then(|| sum / n as f64)
}

/// The sum of `values` correctly rounded: the float nearest to their exact
/// sum, whatever their order (Shewchuk's algorithm, as Python's
/// `math.fsum`). Partial sums are kept as non-overlapping floats whose
/// total is exact; only the final total is rounded.
pub fn exact_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    thread_local! {
        /// The partials' storage, reused: the metrics take millions of means.
        static PARTIALS: std::cell::Cell<Vec<f64>> = const { std::cell::Cell::new(Vec::new()) };
    }
    // Taken, not borrowed: `values` may compute means of its own.
    let mut partials = PARTIALS.take();
    partials.clear();
    let sum = sum_into(values, &mut partials);
    PARTIALS.set(partials);
    sum
}

fn sum_into(values: impl IntoIterator<Item = f64>, partials: &mut Vec<f64>) -> f64 {
    for v in values {
        let mut x = v;
        let mut kept = 0;
        for i in 0..partials.len() {
            let mut y = partials[i];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        partials.truncate(kept);
        partials.push(x);
    }
    // Add the partials from the largest down, then correct the one case
    // where two roundings in a row (half-way cases) would go the wrong way.
    let Some(mut hi) = partials.pop() else {
        return 0.0;
    };
    let mut lo = 0.0;
    while let Some(y) = partials.pop() {
        let x = hi;
        hi = x + y;
        lo = y - (hi - x);
        if lo != 0.0 {
            break;
        }
    }
    if let Some(&next) = partials.last()
        && ((lo < 0.0 && next < 0.0) || (lo > 0.0 && next > 0.0))
    {
        let y = lo * 2.0;
        let x = hi + y;
        if y == x - hi {
            hi = x;
        }
    }
    hi
}

/// `value ≥ threshold`, counting values within [`TIE_TOLERANCE`] of it as
/// equal: a mean of fractions that is on a level's threshold on paper must
/// get that level however its float came out.
pub fn at_least(value: f64, threshold: f64) -> bool {
    value >= threshold || tied(value, threshold)
}

/// How far apart two values may be and still count as tied. Person CRs are
/// means of fractions, and the same mean summed in another order can differ
/// in the last bits; on paper they are equal, so they must share a rank.
/// Real differences between CRs or win rates are differences of fractions
/// with small denominators, many orders of magnitude larger.
const TIE_TOLERANCE: f64 = 1e-9;

/// Equal up to float noise: absolute near zero, relative for large values.
pub fn tied(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= TIE_TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// 1-based ranks with ties given the average of the ranks they span.
/// Values within [`TIE_TOLERANCE`] of each other are ties.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        // Compared with the group's first value, not the previous one, so
        // that a run of values each just within tolerance of its neighbour
        // cannot chain into one tie spanning a real difference.
        while j + 1 < order.len() && tied(values[order[j + 1]], values[order[i]]) {
            j += 1;
        }
        // Positions i..=j (0-based) share the mean of ranks i+1..=j+1.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson correlation; `None` when either side has no variance.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Spearman's ρ: Pearson correlation of average ranks.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&average_ranks(x), &average_ranks(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_average_ranks() {
        assert_eq!(average_ranks(&[10.0, 20.0, 20.0, 30.0]), [1.0, 2.5, 2.5, 4.0]);
        assert_eq!(average_ranks(&[5.0, 5.0, 5.0]), [2.0, 2.0, 2.0]);
    }

    #[test]
    fn spearman_by_hand() {
        // Perfectly monotone → 1; reversed → −1.
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 40.0]), Some(1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
        // With a tie: x ranks [1, 2.5, 2.5, 4], y ranks [1, 2, 3, 4].
        // mean 2.5; dx = [-1.5, 0, 0, 1.5], dy = [-1.5, -0.5, 0.5, 1.5]
        // sxy = 2.25 + 2.25 = 4.5; sxx = 4.5; syy = 5 → ρ = 4.5 / sqrt(22.5)
        let rho = spearman(&[0.1, 0.5, 0.5, 0.9], &[0.2, 0.3, 0.4, 0.8]).unwrap();
        assert!((rho - 4.5 / 22.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn values_equal_on_paper_tie_despite_float_noise() {
        // 0.1 + 0.2 is 0.30000000000000004 in binary floating point.
        assert_eq!(average_ranks(&[0.1 + 0.2, 0.3]), [1.5, 1.5]);
        assert_eq!(average_ranks(&[0.3, 0.1 + 0.2, 0.9]), [1.5, 1.5, 3.0]);
        // The same mean summed left to right in two orders (as a figure from
        // elsewhere may be): ranks tie even so.
        let a = (0.1 + 0.2 + 0.3) / 3.0;
        let b = (0.3 + 0.2 + 0.1) / 3.0;
        assert_ne!(a, b, "the example must carry float noise to test anything");
        assert_eq!(average_ranks(&[b, a]), [1.5, 1.5]);
        // `mean_defined` itself gives one value whatever the order.
        assert_eq!(
            mean_defined([Some(0.1), Some(0.2), Some(0.3)]),
            mean_defined([Some(0.3), Some(0.2), Some(0.1)])
        );
    }

    #[test]
    fn tolerance_is_measured_from_the_first_value_of_a_tie() {
        // Each step is within the tolerance of the previous value, but the
        // third is not within it of the first: a chain must not form.
        let e = 0.6e-9;
        assert_eq!(average_ranks(&[1.0, 1.0 + e, 1.0 + 2.0 * e]), [1.5, 1.5, 3.0]);
        // Real differences are never merged.
        assert_eq!(average_ranks(&[0.5, 0.5 + 1e-6]), [1.0, 2.0]);
    }

    #[test]
    fn spearman_with_float_noise_matches_exact_fractions() {
        // On paper x = [0.1, 0.3, 0.3, 0.9]: the same by-hand value as in
        // `spearman_by_hand`, ρ = 4.5 / sqrt(22.5). Without tolerance the
        // noisy 0.3 ranks above the clean one and ρ comes out as 0.8.
        let x = [0.1, 0.1 + 0.2, 0.3, 0.9];
        let y = [0.2, 0.3, 0.4, 0.8];
        let rho = spearman(&x, &y).unwrap();
        assert!((rho - 4.5 / 22.5f64.sqrt()).abs() < 1e-12, "ρ = {rho}");
    }

    #[test]
    fn exact_sum_is_correctly_rounded_in_any_order() {
        assert_eq!(
            0.8 + 0.6 + 0.4 + 0.2,
            1.9999999999999998,
            "plain addition carries noise"
        );
        assert_eq!(exact_sum([0.8, 0.6, 0.4, 0.2]), 2.0);
        assert_eq!(exact_sum([0.2, 0.4, 0.6, 0.8]), 2.0);
        // Cancellation that plain addition loses entirely.
        assert_eq!(exact_sum([1e100, 1.0, -1e100]), 1.0);
        assert_eq!(exact_sum([0.1; 10]), 1.0);
        assert_eq!(exact_sum([0.0; 0]), 0.0);
        // A half-way case: 1 + 2^-53 + 2^-106 is just above the midpoint
        // between 1 and its successor, so it rounds up.
        let (u, v) = (2f64.powi(-53), 2f64.powi(-106));
        assert_eq!(exact_sum([1.0, u, v]), 1.0 + 2.0 * u);
        assert_eq!(exact_sum([v, u, 1.0]), 1.0 + 2.0 * u);
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_mean_of_fractions_does_not_depend_on_order(
            mut rates in proptest::collection::vec((1u32..=13).prop_flat_map(|e| (0..=e, Just(e))), 1..12),
            seed in 0usize..1000,
        ) {
            let mean = |r: &[(u32, u32)]| mean_defined(r.iter().map(|&(h, e)| Some(f64::from(h) / f64::from(e))));
            let first = mean(&rates);
            rates.reverse();
            prop_assert_eq!(first, mean(&rates));
            let n = rates.len();
            rates.rotate_left(seed % n);
            prop_assert_eq!(first, mean(&rates));
            // And it is the exact rational mean, to well within the tolerance.
            let l = 360_360u64; // lcm(1..=13)
            let num: u64 = rates.iter().map(|&(h, e)| u64::from(h) * (l / u64::from(e))).sum();
            let exact = num as f64 / (l * n as u64) as f64;
            prop_assert!((first.unwrap() - exact).abs() < 1e-15);
        }
    }

    #[test]
    fn means_skip_undefined() {
        assert_eq!(mean_defined([Some(1.0), None, Some(0.5)]), Some(0.75));
        assert_eq!(mean_defined([None, None]), None);
    }
}
