//! The data loaders (team file, logs, coaching, outcomes) on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ritme::source::{DataSources, SourceFile};
use ritme::teamdata::{BehaviourRule, load};

fuzz_target!(|text: &str| {
    let file = |rel: &str| SourceFile { rel: rel.into(), text: text.into() };
    let team = SourceFile {
        rel: "data/team.yaml".into(),
        text: "teams: [{id: t, name: T, manager: a}]\npeople: [{id: a, name: A, team: t, role: manager}, {id: b, name: B, team: t, role: rep}]\n".into(),
    };
    let rules = [BehaviourRule { id: "x".into(), target: 2, roles: None, half_life: None }];
    let data = DataSources {
        team: Some(team),
        logs: vec![file("data/logs/a.yaml")],
        coaching: vec![file("data/coaching/a.yaml")],
        outcomes: Some(file("data/outcomes.yaml")),
    };
    let _ = load(&data, &rules);
    let own = DataSources { team: Some(file("data/team.yaml")), ..DataSources::default() };
    let _ = load(&own, &rules);
});
