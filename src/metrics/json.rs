//! `metrics.json`: every figure under the names the README's "Metrics" gives, at full
//! precision, `null` when undefined, keys sorted — so others can check the
//! numbers and reuse them.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Level, Metrics};

/// Who may appear under `people`.
pub enum People<'a> {
    /// Aggregate builds: no `people` key at all.
    Hidden,
    /// Keyed by person id (named builds).
    ById,
    /// Keyed by pseudonym.
    Pseudonyms(&'a dyn Fn(&str) -> String),
}

/// A figure, `null` when undefined. Negative zero is written as `0.0`: a
/// reader would take `-0.0` for a sign that means something.
fn num(x: Option<f64>) -> Value {
    // Adding +0.0 turns -0.0 into +0.0 and leaves every other value as is.
    x.filter(|v| v.is_finite()).map_or(Value::Null, |v| json!(v + 0.0))
}

/// The metrics as pretty-printed JSON. `teams` lists the team ids that may
/// be shown (others are left out, as are suppressed figures set to null by
/// the caller beforehand).
pub fn metrics_json(m: &Metrics, people: People) -> String {
    let mut root = Map::new();
    root.insert("as_of".into(), m.as_of.map_or(Value::Null, |w| json!(w.to_string())));
    let key_of = |id: &str| -> String {
        match &people {
            People::Pseudonyms(f) => f(id),
            _ => id.to_string(),
        }
    };
    if !matches!(people, People::Hidden) {
        let mut out: BTreeMap<String, Value> = BTreeMap::new();
        for (id, p) in m.people.iter() {
            let behaviours: BTreeMap<&str, Value> = p
                .behaviours
                .iter()
                .map(|(bid, b)| {
                    (
                        bid.as_str(),
                        json!({
                            "hits": b.hits,
                            "eligible": b.eligible,
                            "cr": num(b.cr),
                            "level": b.level.key(),
                            "strength": num(Some(b.strength)),
                            "streak_current": b.streak_current,
                            "streak_longest": b.streak_longest,
                            "coverage": num(b.coverage),
                        }),
                    )
                })
                .collect();
            out.insert(
                key_of(id),
                json!({ "cr": num(p.cr), "level": p.level.key(), "behaviours": behaviours }),
            );
        }
        root.insert("people".into(), json!(out));
    }
    let teams: BTreeMap<&str, Value> = m
        .teams
        .iter()
        .map(|(id, t)| {
            (
                id.as_str(),
                json!({ "cr": num(t.cr), "role_model_gap": num(t.role_model_gap) }),
            )
        })
        .collect();
    root.insert("teams".into(), json!(teams));
    let months: BTreeMap<String, Value> = m
        .months
        .iter()
        .map(|(month, f)| {
            // A count the build may not show is absent: `null`.
            let levels: BTreeMap<&str, Option<usize>> =
                Level::ALL.iter().map(|l| (l.key(), f.levels.get(l).copied())).collect();
            let behaviours: BTreeMap<&str, Value> = f
                .behaviours
                .iter()
                .map(|(b, v)| (b.as_str(), json!({ "cr": num(*v) })))
                .collect();
            let teams: BTreeMap<&str, Value> = f
                .teams
                .iter()
                .map(|(t, v)| (t.as_str(), json!({ "cr": num(*v) })))
                .collect();
            let lead_lag = f
                .lead_lag
                .map_or(Value::Null, |ll| json!({ "rho": num(ll.rho), "n": ll.n }));
            (
                month.to_string(),
                json!({
                    "cr": num(f.cr),
                    "levels": levels,
                    "coaching_coverage": num(f.coaching_coverage),
                    "coaching_minutes_per_rep": num(f.coaching_minutes_per_rep),
                    "lead_lag": lead_lag,
                    "behaviours": behaviours,
                    "teams": teams,
                }),
            )
        })
        .collect();
    root.insert("months".into(), json!(months));
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_is_written_as_zero() {
        assert_eq!(num(Some(-0.0)).to_string(), "0.0");
        assert_eq!(num(Some(-0.5)).to_string(), "-0.5");
        assert_eq!(num(Some(f64::NAN)), Value::Null);
    }
}
