//! The small-group rule for one set of sibling figures.
//!
//! A figure is shown only when at least `min` people contribute to it.
//! When a figure of a set is hidden, its value must not follow from the
//! shown siblings and the parent (the total they add up to): so the
//! hidden cells together must hold at least `min` people, or the parent is
//! hidden as well.

use std::collections::BTreeSet;

/// The people contributing to one figure, as indices (any stable numbering).
pub type People = BTreeSet<u32>;

/// What the rule hides of one sibling set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome<K: Ord> {
    /// Cells hidden because fewer than `min` people contribute.
    pub small: BTreeSet<K>,
    /// Cells hidden so that the small ones cannot be derived.
    pub complement: BTreeSet<K>,
    /// The parent must be hidden too (no sibling was left to protect them).
    pub parent: bool,
}

impl<K: Ord + Clone> Outcome<K> {
    pub fn hides(&self, k: &K) -> bool {
        self.small.contains(k) || self.complement.contains(k)
    }
}

/// Whether [`siblings`] would hide nothing of cells with these numbers of
/// contributors, with nothing hidden before: no cell has between 1 and
/// `min - 1` people. The common case, checked on counts alone so that the
/// sets need not be built.
pub fn nothing_small(counts: &[usize], min: usize) -> bool {
    counts.iter().all(|&c| c == 0 || c >= min)
}

/// Applies the rule to `cells` (key, contributors). Cells with nobody have
/// no value and are left alone. `hidden_before` are cells already hidden
/// for another reason (they count as hidden, protecting the others);
/// `parent_shown` is false when the parent is not shown, so nothing can be
/// subtracted from it.
pub fn siblings<K: Ord + Clone>(
    cells: &[(K, &People)],
    min: usize,
    parent_shown: bool,
    hidden_before: &BTreeSet<K>,
) -> Outcome<K> {
    let mut out = Outcome {
        small: BTreeSet::new(),
        complement: BTreeSet::new(),
        parent: false,
    };
    for (k, p) in cells {
        if !p.is_empty() && p.len() < min && !hidden_before.contains(k) {
            out.small.insert(k.clone());
        }
    }
    let hidden_already = cells.iter().any(|(k, p)| !p.is_empty() && hidden_before.contains(k));
    if (out.small.is_empty() && !hidden_already) || !parent_shown {
        return out;
    }
    loop {
        let together: BTreeSet<u32> = cells
            .iter()
            .filter(|(k, p)| !p.is_empty() && (out.hides(k) || hidden_before.contains(k)))
            .flat_map(|(_, p)| p.iter().copied())
            .collect();
        if together.len() >= min {
            return out;
        }
        // The smallest shown sibling protects them best at the least cost.
        let next = cells
            .iter()
            .filter(|(k, p)| !p.is_empty() && !out.hides(k) && !hidden_before.contains(k))
            .min_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| a.0.cmp(&b.0)));
        match next {
            Some((k, _)) => {
                out.complement.insert(k.clone());
            }
            None => {
                out.parent = true;
                return out;
            }
        }
    }
}

/// Disjoint groups of `counts[i]` people each (for counts whose members do
/// not matter, such as the reps per level: nobody is in two levels).
pub fn disjoint(counts: &[usize]) -> Vec<People> {
    let mut next = 0u32;
    counts
        .iter()
        .map(|&n| {
            let set = (next..next + n as u32).collect();
            next += n as u32;
            set
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sizes: &[(&'static str, usize)], min: usize) -> Outcome<&'static str> {
        let sets = disjoint(&sizes.iter().map(|s| s.1).collect::<Vec<_>>());
        let cells: Vec<(&str, &People)> = sizes.iter().map(|s| s.0).zip(&sets).collect();
        siblings(&cells, min, true, &BTreeSet::new())
    }

    #[test]
    fn one_small_cell_takes_the_smallest_sibling_with_it() {
        let o = run(&[("noord", 6), ("zuid", 3), ("west", 8)], 5);
        assert_eq!(o.small, BTreeSet::from(["zuid"]));
        assert_eq!(o.complement, BTreeSet::from(["noord"]));
        assert!(!o.parent);
    }

    #[test]
    fn two_small_cells_together_below_the_minimum_take_a_third() {
        // One rep each: their sum would follow from the total and the rest.
        let o = run(&[("a", 1), ("b", 1), ("c", 9), ("d", 7)], 5);
        assert_eq!(o.small, BTreeSet::from(["a", "b"]));
        assert_eq!(o.complement, BTreeSet::from(["d"]));
    }

    #[test]
    fn small_cells_that_together_reach_the_minimum_protect_each_other() {
        let o = run(&[("a", 3), ("b", 2), ("c", 9)], 5);
        assert_eq!(o.small, BTreeSet::from(["a", "b"]));
        assert!(o.complement.is_empty());
    }

    #[test]
    fn the_parent_goes_when_no_sibling_can_protect() {
        let o = run(&[("a", 1), ("b", 2)], 5);
        assert!(o.parent);
        assert_eq!(o.complement, BTreeSet::new());
    }

    #[test]
    fn overlapping_groups_count_each_person_once() {
        // The same two people behind both hidden cells: still two people.
        let two: People = [1, 2].into();
        let many: People = (1..=9).collect();
        let cells = [("x", &two), ("y", &two), ("z", &many)];
        let o = siblings(&cells, 5, true, &BTreeSet::new());
        assert_eq!(o.complement, BTreeSet::from(["z"]));
    }

    #[test]
    fn cells_hidden_before_are_protected_too() {
        // Hidden for another reason (their months), a and b still must not
        // follow from the total.
        let sets = disjoint(&[1, 1, 6, 7]);
        let cells: Vec<(&str, &People)> = ["a", "b", "c", "d"].into_iter().zip(&sets).collect();
        let o = siblings(&cells, 5, true, &BTreeSet::from(["a", "b"]));
        assert_eq!(o.complement, BTreeSet::from(["c"]));
    }

    #[test]
    fn nothing_is_hidden_when_every_group_is_large_or_empty() {
        let o = run(&[("a", 5), ("b", 0), ("c", 9)], 5);
        assert_eq!(o, Outcome::default());
    }

    #[test]
    fn without_a_shown_parent_only_small_cells_go() {
        let sets = disjoint(&[1, 9]);
        let cells = [("a", &sets[0]), ("b", &sets[1])];
        let o = siblings(&cells, 5, false, &BTreeSet::new());
        assert_eq!(o.small, BTreeSet::from(["a"]));
        assert!(o.complement.is_empty() && !o.parent);
    }
}
