//! Page keys: one hash of everything a page's bytes depend on.
//!
//! A page is its template applied to the shared context (site, interface
//! strings, navigation) and its own view, so the key hashes exactly those,
//! plus the templates' text and the settings the filters and the privacy
//! check read. Dependencies are therefore found, not declared: editing a
//! story changes the views of the behaviour, team and report pages that
//! show it, and only those pages get a new key. Anything that reaches
//! every page (a title in the navigation, a template) changes them all.

use crate::hash::KeyHasher;
use serde::{Serialize, ser};
use std::hash::{Hash, Hasher};

use super::views::PageJob;

/// Hashes `value` through its `Serialize` form: the same values the
/// template context is built from, fed to the hasher as they come. Hashing
/// the JSON text instead cost the escaping of every string (a data-heavy
/// site's chart markup, tens of kilobytes a page, was escaped only to be
/// hashed) and a copy of it; here a string costs its length and bytes.
/// Every value carries a tag and every string its length, so values whose
/// JSON differs get different keys (the tests compare with JSON).
pub fn hash_serialized<T: Serialize + ?Sized>(h: &mut KeyHasher, value: &T) {
    // Views serialise without fail (no maps with non-string keys, no
    // custom errors); if one ever did, the marker makes the key differ
    // from any good one, so the page is rendered (and fails there).
    if value.serialize(&mut Feed(h)).is_err() {
        h.write_u8(0xff);
    }
}

/// A serde serialiser that writes into a hasher instead of a text.
struct Feed<'a>(&'a mut KeyHasher);

/// The only way feeding a hasher fails: a value that reports an error.
#[derive(Debug)]
struct Unhashable;

impl std::fmt::Display for Unhashable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("value cannot be serialised")
    }
}

impl std::error::Error for Unhashable {}

impl ser::Error for Unhashable {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Unhashable
    }
}

/// What each value starts with, so that a value and its neighbours can
/// never be read as another split of the same bytes.
mod tag {
    pub const BOOL: u8 = 1;
    pub const SIGNED: u8 = 2;
    pub const UNSIGNED: u8 = 3;
    pub const WIDE: u8 = 4;
    pub const FLOAT: u8 = 5;
    pub const CHAR: u8 = 6;
    pub const STR: u8 = 7;
    pub const BYTES: u8 = 8;
    pub const NONE: u8 = 9;
    pub const SOME: u8 = 10;
    pub const UNIT: u8 = 11;
    pub const VARIANT: u8 = 12;
    pub const SEQ: u8 = 13;
    pub const MAP: u8 = 14;
    pub const STRUCT: u8 = 15;
    pub const END: u8 = 16;
}

impl Feed<'_> {
    fn str(&mut self, s: &str) {
        self.0.write_u8(tag::STR);
        self.0.write_usize(s.len());
        self.0.write(s.as_bytes());
    }

    fn variant(&mut self, index: u32) {
        self.0.write_u8(tag::VARIANT);
        self.0.write_u32(index);
    }
}

impl<'a, 'b> ser::Serializer for &'b mut Feed<'a> {
    type Ok = ();
    type Error = Unhashable;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    /// Not a text anyone reads: a document's HTML feeds its Markdown key
    /// here instead of its bytes (see `markup`).
    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<(), Unhashable> {
        self.0.write_u8(tag::BOOL);
        self.0.write_u8(v as u8);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unhashable> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unhashable> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unhashable> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unhashable> {
        self.0.write_u8(tag::SIGNED);
        self.0.write_i64(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Unhashable> {
        self.0.write_u8(tag::WIDE);
        self.0.write_i128(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unhashable> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unhashable> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unhashable> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unhashable> {
        self.0.write_u8(tag::UNSIGNED);
        self.0.write_u64(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Unhashable> {
        self.0.write_u8(tag::WIDE);
        self.0.write_u128(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unhashable> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unhashable> {
        self.0.write_u8(tag::FLOAT);
        self.0.write_u64(v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Unhashable> {
        self.0.write_u8(tag::CHAR);
        self.0.write_u32(v.into());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unhashable> {
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unhashable> {
        self.0.write_u8(tag::BYTES);
        self.0.write_usize(v.len());
        self.0.write(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Unhashable> {
        self.0.write_u8(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unhashable> {
        self.0.write_u8(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unhashable> {
        self.0.write_u8(tag::UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unhashable> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, index: u32, _variant: &'static str) -> Result<(), Unhashable> {
        self.variant(index);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Unhashable> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), Unhashable> {
        self.variant(index);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Unhashable> {
        self.0.write_u8(tag::SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Unhashable> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Unhashable> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Self, Unhashable> {
        self.variant(index);
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Unhashable> {
        self.0.write_u8(tag::MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Unhashable> {
        self.0.write_u8(tag::STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, Unhashable> {
        self.variant(index);
        self.0.write_u8(tag::STRUCT);
        Ok(self)
    }
}

// The compound values: each element or field is fed as it comes, and an
// end tag closes the value, so that `[[1], [2]]` and `[[1, 2]]` differ.
macro_rules! feed_elements {
    ($($kind:ident :: $method:ident),*) => {$(
        impl ser::$kind for &mut Feed<'_> {
            type Ok = ();
            type Error = Unhashable;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unhashable> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Unhashable> {
                self.0.write_u8(tag::END);
                Ok(())
            }
        }
    )*};
}

feed_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Feed<'_> {
    type Ok = ();
    type Error = Unhashable;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unhashable> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unhashable> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Unhashable> {
        self.0.write_u8(tag::END);
        Ok(())
    }
}

// A field's name is hashed with it: a field left out when empty
// (`skip_serializing_if`) must not let its neighbour take its place.
macro_rules! feed_fields {
    ($($kind:ident),*) => {$(
        impl ser::$kind for &mut Feed<'_> {
            type Ok = ();
            type Error = Unhashable;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unhashable> {
                self.str(key);
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Unhashable> {
                self.0.write_u8(tag::END);
                Ok(())
            }
        }
    )*};
}

feed_fields!(SerializeStruct, SerializeStructVariant);

/// The key of one page, given the key of what all pages share.
pub fn page_key(shared: u64, job: &PageJob, root: &str) -> u64 {
    let mut h = KeyHasher::new();
    shared.hash(&mut h);
    job.template.hash(&mut h);
    hash_serialized(
        &mut h,
        &(
            root,
            &job.route,
            job.section,
            &job.title,
            &job.description,
            &job.review,
            &job.body,
        ),
    );
    h.finish()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::render::views::{Body, PageView};

    fn job(html: &str) -> PageJob {
        PageJob {
            route: "pages/a/index.html".into(),
            template: "page.html",
            section: "pages",
            title: "A".into(),
            description: String::new(),
            review: None,
            body: Body::Page(PageView {
                title: "A".into(),
                summary: None,
                html: html.into(),
                toc: Vec::new(),
                children: Vec::new(),
            }),
            search_text: Default::default(),
        }
    }

    fn key<T: Serialize + ?Sized>(value: &T) -> u64 {
        let mut h = KeyHasher::new();
        hash_serialized(&mut h, value);
        h.finish()
    }

    #[derive(Serialize)]
    struct Skips {
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<String>,
    }

    #[derive(Serialize)]
    enum Shape {
        Dot,
        Line(u32),
        Box { w: u32 },
    }

    /// Values whose JSON (what the templates see) differs never share a
    /// key: no split of strings, sequences, options or left-out fields can
    /// pass for another.
    #[test]
    fn values_whose_json_differs_have_different_keys() {
        let values: Vec<serde_json::Value> = Vec::new();
        let mut cases: Vec<(u64, String)> = vec![
            (key(&("ab", "c")), serde_json::to_string(&("ab", "c")).unwrap()),
            (key(&("a", "bc")), serde_json::to_string(&("a", "bc")).unwrap()),
            (key(&Some("")), serde_json::to_string(&Some("")).unwrap()),
            (key(&None::<&str>), serde_json::to_string(&None::<&str>).unwrap()),
            (key(&vec![""]), serde_json::to_string(&vec![""]).unwrap()),
            (key(&values), serde_json::to_string(&values).unwrap()),
            (
                key(&vec![vec![1], vec![2]]),
                serde_json::to_string(&vec![vec![1], vec![2]]).unwrap(),
            ),
            (
                key(&vec![vec![1, 2]]),
                serde_json::to_string(&vec![vec![1, 2]]).unwrap(),
            ),
            (
                key(&vec![vec![1, 2], vec![]]),
                serde_json::to_string(&vec![vec![1, 2], vec![]]).unwrap(),
            ),
            (key(&1u32), serde_json::to_string(&1u32).unwrap()),
            (key(&1.5f64), serde_json::to_string(&1.5f64).unwrap()),
            (key(&-1i32), serde_json::to_string(&-1i32).unwrap()),
            (key(&true), serde_json::to_string(&true).unwrap()),
            (key("true"), serde_json::to_string("true").unwrap()),
            (
                key("<p>x &amp; \"y\"</p>"),
                serde_json::to_string("<p>x &amp; \"y\"</p>").unwrap(),
            ),
            (key(&Shape::Dot), serde_json::to_string(&Shape::Dot).unwrap()),
            (key(&Shape::Line(1)), serde_json::to_string(&Shape::Line(1)).unwrap()),
            (
                key(&Shape::Box { w: 1 }),
                serde_json::to_string(&Shape::Box { w: 1 }).unwrap(),
            ),
        ];
        for (a, b) in [
            (None, None),
            (Some("x"), None),
            (None, Some("x")),
            (Some("x"), Some("y")),
        ] {
            let v = Skips {
                a: a.map(String::from),
                b: b.map(String::from),
            };
            cases.push((key(&v), serde_json::to_string(&v).unwrap()));
        }
        let mut map = BTreeMap::new();
        map.insert("a", "b");
        cases.push((key(&map), serde_json::to_string(&map).unwrap()));
        cases.push((key(&[("a", "b")]), serde_json::to_string(&[("a", "b")]).unwrap()));
        for (i, (ka, ja)) in cases.iter().enumerate() {
            for (kb, jb) in &cases[i + 1..] {
                assert_ne!(ja, jb, "cases are distinct");
                assert_ne!(ka, kb, "{ja} and {jb} must not share a key");
            }
        }
        assert_eq!(key(&("ab", "c")), key(&("ab", "c")), "deterministic");
    }

    #[test]
    fn keys_follow_every_input_of_a_page() {
        let base = page_key(1, &job("<p>x</p>"), "../../");
        assert_eq!(base, page_key(1, &job("<p>x</p>"), "../../"), "deterministic");
        assert_ne!(base, page_key(2, &job("<p>x</p>"), "../../"), "shared context");
        assert_ne!(base, page_key(1, &job("<p>y</p>"), "../../"), "own view");
        assert_ne!(base, page_key(1, &job("<p>x</p>"), "../"), "depth");
        let mut other = job("<p>x</p>");
        other.template = "story.html";
        assert_ne!(base, page_key(1, &other, "../../"), "template");
        let mut other = job("<p>x</p>");
        other.title = "B".into();
        assert_ne!(base, page_key(1, &other, "../../"), "title");
        // The search text is not part of the page itself.
        let mut other = job("<p>x</p>");
        other.search_text = "anything".into();
        assert_eq!(base, page_key(1, &other, "../../"));
    }
}
