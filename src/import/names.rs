//! Finding people and behaviours by the names exports use.
//!
//! A CRM writes `Aisha Rahman`, `AISHA RAHMAN`, `aisha.rahman@firma.nl` or
//! `Müller` as `Mueller`'s colleague typed it; the team file has the id
//! `aisha`. Every name, e-mail address and alias is folded (Unicode
//! normalised, accents dropped, full case folding, spaces collapsed) and so
//! is the value looked up, so spellings that differ only in case or accents
//! meet.

use std::collections::{BTreeMap, BTreeSet};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The form names are compared in.
pub fn fold(s: &str) -> String {
    let bare: String = s.nfd().filter(|c| !is_combining_mark(*c)).collect();
    let folded = caseless::default_case_fold_str(&bare);
    folded
        .nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a value was found as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<'a> {
    One(&'a str),
    /// The value names several (two people called Jan de Vries).
    Many(Vec<&'a str>),
    None,
}

/// Ids by every folded name they go by.
#[derive(Debug, Default, Clone)]
pub struct Index {
    keys: BTreeMap<String, BTreeSet<String>>,
    /// id → the name shown beside it in suggestions.
    labels: BTreeMap<String, String>,
}

impl Index {
    /// Adds an id under itself, its display name and other names.
    pub fn add<'n>(&mut self, id: &str, label: &str, names: impl IntoIterator<Item = &'n str>) {
        self.labels.insert(id.to_string(), label.to_string());
        let own = [id, label].map(fold);
        for key in own.into_iter().chain(names.into_iter().map(fold)) {
            if !key.is_empty() {
                self.keys.entry(key).or_default().insert(id.to_string());
            }
        }
    }

    /// Adds a person: also found as "Surname, First" (how many reports list names).
    pub fn add_person(&mut self, id: &str, name: &str, email: Option<&str>, aliases: &[String]) {
        let reversed = name
            .trim()
            .split_once(' ')
            .map(|(first, rest)| format!("{rest}, {first}"));
        let others = email
            .into_iter()
            .chain(aliases.iter().map(String::as_str))
            .chain(reversed.as_deref());
        self.add(id, name, others);
    }

    pub fn find(&self, value: &str) -> Found<'_> {
        match self.keys.get(&fold(value)) {
            Some(ids) if ids.len() == 1 => Found::One(ids.iter().next().map_or("", String::as_str)),
            Some(ids) => Found::Many(ids.iter().map(String::as_str).collect()),
            None => Found::None,
        }
    }

    /// The id whose names are closest to a value that matched none, when one
    /// is close enough to be a plausible misspelling; only among `allowed`
    /// ids when given (coaches among those who coach).
    pub fn suggest(&self, value: &str, allowed: Option<&BTreeSet<String>>) -> Option<&str> {
        let wanted = fold(value);
        self.keys
            .iter()
            .flat_map(|(key, ids)| ids.iter().map(move |id| (key, id)))
            .filter(|(_, id)| allowed.is_none_or(|a| a.contains(*id)))
            .map(|(key, id)| (strsim::jaro_winkler(&wanted, key), id))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, id)| id.as_str())
    }

    /// `aisha (Aisha Rahman)`, or the id alone when the name is the id.
    pub fn label(&self, id: &str) -> String {
        match self.labels.get(id) {
            Some(name) if name != id => format!("{id} ({name})"),
            _ => id.to_string(),
        }
    }

    /// The display name an id was added with.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.labels.get(id).map(String::as_str)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.labels.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_accents_and_spacing_do_not_matter() {
        assert_eq!(fold("  Aïsha   RAHMAN "), "aisha rahman");
        assert_eq!(fold("ÜMIT"), fold("umit"));
        // A precomposed ü and u + U+0308 are the same letter.
        assert_eq!(fold("M\u{fc}ller"), fold("Mu\u{308}ller"));
        assert_eq!(fold("Straße"), "strasse");
    }

    #[test]
    fn people_are_found_by_id_name_email_alias_and_surname_first() {
        let mut i = Index::default();
        i.add_person(
            "aisha",
            "Aisha Rahman",
            Some("a.rahman@firma.nl"),
            &["arahman".to_string()],
        );
        i.add_person("jan", "Jan de Vries", None, &[]);
        i.add_person("jan-v", "Jan de Vries", None, &[]);
        for v in [
            "aisha",
            "AISHA RAHMAN",
            "Aïsha Rahman",
            "A.Rahman@Firma.nl",
            "arahman",
            "Rahman, Aisha",
        ] {
            assert_eq!(i.find(v), Found::One("aisha"), "{v}");
        }
        assert_eq!(i.find("Jan de Vries"), Found::Many(vec!["jan", "jan-v"]));
        assert_eq!(i.find("Bram"), Found::None);
        assert_eq!(i.suggest("Aisha Rahmann", None), Some("aisha"));
        assert_eq!(i.suggest("Zzyzx", None), None);
        assert_eq!(i.label("aisha"), "aisha (Aisha Rahman)");
    }

    #[test]
    fn suggestions_stay_in_the_allowed_set() {
        let mut i = Index::default();
        i.add_person("anne", "Anne de Vries", None, &[]);
        i.add_person("anna", "Anna Smit", None, &[]);
        let managers: BTreeSet<String> = ["anne".to_string()].into();
        assert_eq!(i.suggest("anna", Some(&managers)), Some("anne"));
        assert_eq!(i.suggest("anna", None), Some("anna"));
    }
}
