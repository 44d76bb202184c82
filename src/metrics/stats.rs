//! Small statistics used by the metrics: means and Spearman's ρ.

/// Mean of the defined values; `None` when there are none.
pub fn mean_defined(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .flatten()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// How far apart two values may be and still count as tied. Person CRs are
/// means of fractions, and the same mean summed in another order can differ
/// in the last bits; on paper they are equal, so they must share a rank.
/// Real differences between CRs or win rates are differences of fractions
/// with small denominators, many orders of magnitude larger.
const TIE_TOLERANCE: f64 = 1e-9;

/// Equal up to float noise: absolute near zero, relative for large values.
fn tied(a: f64, b: f64) -> bool {
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
        // Person CRs: the same mean over behaviours summed in another order.
        let a = mean_defined([Some(0.1), Some(0.2), Some(0.3)]).unwrap();
        let b = mean_defined([Some(0.3), Some(0.2), Some(0.1)]).unwrap();
        assert_ne!(a, b, "the example must carry float noise to test anything");
        assert_eq!(average_ranks(&[b, a]), [1.5, 1.5]);
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
    fn means_skip_undefined() {
        assert_eq!(mean_defined([Some(1.0), None, Some(0.5)]), Some(0.75));
        assert_eq!(mean_defined([None, None]), None);
    }
}
