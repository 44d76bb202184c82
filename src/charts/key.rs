//! A hash of a chart's input, for `serve`'s memo of drawn charts: two
//! inputs with the same key draw the same bytes. The inputs hold shares as
//! `f64`, which has no `Hash`; they are hashed by their bits (`-0.0` and
//! `0.0`, or two NaNs, may then differ: a needless redraw, never a wrong one).

use std::hash::{Hash, Hasher};

use super::*;

/// Feeds everything a chart's drawing reads to `h`.
pub trait ChartKey {
    fn key(&self, h: &mut impl Hasher);
}

fn share(v: &Option<f64>, h: &mut impl Hasher) {
    v.map(f64::to_bits).hash(h);
}

fn shares(values: &[Option<f64>], h: &mut impl Hasher) {
    values.len().hash(h);
    for v in values {
        share(v, h);
    }
}

impl ChartKey for SparklineInput {
    fn key(&self, h: &mut impl Hasher) {
        (&self.id, &self.title, &self.weeks).hash(h);
        shares(&self.values, h);
    }
}

impl ChartKey for TrendInput {
    fn key(&self, h: &mut impl Hasher) {
        (&self.id, &self.title, &self.weeks, &self.markers).hash(h);
        share(&self.goal, h);
        self.series.len().hash(h);
        for s in &self.series {
            (&s.colour, &s.name).hash(h);
            shares(&s.values, h);
        }
    }
}

impl ChartKey for HeatmapInput {
    fn key(&self, h: &mut impl Hasher) {
        (&self.id, &self.title, &self.row_header, &self.weeks).hash(h);
        match &self.data {
            HeatmapData::States(rows) => {
                0u8.hash(h);
                rows.len().hash(h);
                for r in rows {
                    (&r.label, &r.cells).hash(h);
                }
            }
            HeatmapData::Shares(rows) => {
                1u8.hash(h);
                rows.len().hash(h);
                for r in rows {
                    r.label.hash(h);
                    shares(&r.cells, h);
                }
            }
        }
    }
}

impl ChartKey for BehaviourBarsInput {
    fn key(&self, h: &mut impl Hasher) {
        (&self.id, &self.title, &self.this_month, &self.last_month).hash(h);
        self.behaviours.len().hash(h);
        for b in &self.behaviours {
            b.title.hash(h);
            share(&b.this_month, h);
            share(&b.last_month, h);
        }
    }
}

impl ChartKey for LevelStackInput {
    fn key(&self, h: &mut impl Hasher) {
        self.hash(h);
    }
}

impl ChartKey for CoverageInput {
    fn key(&self, h: &mut impl Hasher) {
        (&self.id, &self.title).hash(h);
        share(&self.target_minutes, h);
        self.months.len().hash(h);
        for m in &self.months {
            m.month.hash(h);
            share(&m.coverage, h);
            share(&m.minutes_per_rep, h);
            share(&m.passed, h);
        }
    }
}

impl ChartKey for ScatterInput {
    fn key(&self, h: &mut impl Hasher) {
        (&self.id, &self.title, self.n).hash(h);
        share(&self.rho, h);
        self.points.len().hash(h);
        for p in &self.points {
            (&p.label, p.x.to_bits(), p.y.to_bits()).hash(h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(input: &impl ChartKey) -> u64 {
        let mut h = crate::hash::KeyHasher::new();
        input.key(&mut h);
        h.finish()
    }

    #[test]
    fn every_input_field_reaches_the_key() {
        let base = trend::tests::sample();
        let k = key_of(&base);
        assert_eq!(k, key_of(&base.clone()));
        let mut other = base.clone();
        other.series[0].values[3] = Some(0.123);
        assert_ne!(k, key_of(&other), "a value");
        let mut other = base.clone();
        other.markers[0].label.push('!');
        assert_ne!(k, key_of(&other), "a story marker");
        let mut other = base.clone();
        other.goal = None;
        assert_ne!(k, key_of(&other), "the goal");
        let h = heatmap::tests::sample();
        let mut other = h.clone();
        other.id.push('x');
        assert_ne!(key_of(&h), key_of(&other), "the id");
        let s = sparkline::tests::sample(0);
        let mut other = s.clone();
        other.values.push(None);
        assert_ne!(key_of(&s), key_of(&other), "one more week");
    }
}
