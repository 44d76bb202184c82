//! `metrics.json`: every figure under the names the README's "Metrics" gives, at full
//! precision, `null` when undefined, keys sorted — so others can check the
//! numbers and reuse them.

use std::collections::BTreeMap;

use serde_json::{Value, json};

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
    use rayon::prelude::*;
    // The people's entries are most of the file (megabytes at 2,000
    // people) and independent of each other: printed on every core, as the
    // last step of a build, where nothing else runs beside it.
    let printed: Vec<std::sync::Arc<str>> = match people {
        People::Hidden => Vec::new(),
        _ => {
            let all: Vec<&super::PersonFigures> = m.people.values().collect();
            all.par_iter().map(|p| person_entry(p).into()).collect()
        }
    };
    let mut printed = printed.into_iter();
    // `metrics_json_with` asks for the entries in the people's id order,
    // the order they were printed in.
    metrics_json_with(m, people, &mut |_, _| printed.next().expect("one entry per person"))
}

/// [`metrics_json`] with each person's entry from `entry` (given the id and
/// the figures): `serve` keeps the entries of the people whose figures did
/// not change, which are most of the file on a data-heavy site.
pub fn metrics_json_with(
    m: &Metrics,
    people: People,
    entry: &mut dyn FnMut(&str, &super::PersonFigures) -> std::sync::Arc<str>,
) -> String {
    // Written as serde_json's pretty printer writes the whole object (keys
    // sorted, two spaces a level): the parts are printed alone and indented
    // to their depth, so that the people's entries can be printed apart.
    let mut text = String::from("{\n");
    let field = |text: &mut String, key: &str, value: &str, last: bool| {
        text.push_str("  ");
        text.push_str(&Value::from(key).to_string());
        text.push_str(": ");
        text.push_str(&value.replace('\n', "\n  "));
        text.push_str(if last { "\n" } else { ",\n" });
    };
    let as_of = m.as_of.map_or(Value::Null, |w| json!(w.to_string()));
    field(&mut text, "as_of", &pretty(&as_of), false);
    field(&mut text, "months", &pretty(&months(m)), false);
    let key_of = |id: &str| -> String {
        match &people {
            People::Pseudonyms(f) => f(id),
            _ => id.to_string(),
        }
    };
    if !matches!(people, People::Hidden) {
        // By key, as the object's keys are sorted (pseudonyms sort apart
        // from the ids).
        let entries: BTreeMap<String, std::sync::Arc<str>> =
            m.people.iter().map(|(id, p)| (key_of(id), entry(id, p))).collect();
        // Written in place, the entries already indented to their depth:
        // indenting megabytes of kept entries again cost more than the rest
        // of the document.
        text.push_str("  \"people\": ");
        if entries.is_empty() {
            text.push_str("{}");
        } else {
            text.push_str("{\n");
            for (i, (key, value)) in entries.iter().enumerate() {
                text.push_str("    ");
                text.push_str(&Value::from(key.as_str()).to_string());
                text.push_str(": ");
                text.push_str(value);
                text.push_str(if i + 1 == entries.len() { "\n" } else { ",\n" });
            }
            text.push_str("  }");
        }
        text.push_str(",\n");
    }
    field(&mut text, "teams", &pretty(&teams(m)), true);
    text.push_str("}\n");
    text
}

/// A value as serde_json pretty-prints it at the top level.
fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into())
}

/// One person's entry under `people`, pretty-printed and indented for its
/// place in the document (two levels down).
pub fn person_entry(p: &super::PersonFigures) -> String {
    pretty(&person_value(p)).replace('\n', "\n    ")
}

fn person_value(p: &super::PersonFigures) -> Value {
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
    json!({ "cr": num(p.cr), "level": p.level.key(), "behaviours": behaviours })
}

/// A hash of everything [`person_entry`] reads: the key its entry is kept by.
pub fn person_entry_key(p: &super::PersonFigures) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::KeyHasher::new();
    (p.cr.map(f64::to_bits), p.level.key()).hash(&mut h);
    for (bid, b) in &p.behaviours {
        (bid, b.hits, b.eligible, b.cr.map(f64::to_bits), b.level.key()).hash(&mut h);
        (
            b.strength.to_bits(),
            b.streak_current,
            b.streak_longest,
            b.coverage.map(f64::to_bits),
        )
            .hash(&mut h);
    }
    h.finish()
}

fn teams(m: &Metrics) -> Value {
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
    json!(teams)
}

fn months(m: &Metrics) -> Value {
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
    json!(months)
}

/// Tests: the whole document as one `Value`, pretty-printed at once: what
/// [`metrics_json`] printed before its parts were printed apart.
#[cfg(test)]
pub(crate) fn whole(m: &Metrics, people: &People) -> String {
    let mut root = serde_json::Map::new();
    root.insert("as_of".into(), m.as_of.map_or(Value::Null, |w| json!(w.to_string())));
    if !matches!(people, People::Hidden) {
        let out: BTreeMap<String, Value> = m
            .people
            .iter()
            .map(|(id, p)| {
                let key = match people {
                    People::Pseudonyms(f) => f(id),
                    _ => id.clone(),
                };
                (key, person_value(p))
            })
            .collect();
        root.insert("people".into(), json!(out));
    }
    root.insert("teams".into(), teams(m));
    root.insert("months".into(), months(m));
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap();
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
