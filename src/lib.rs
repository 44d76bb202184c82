//! ritme: a static-site generator for sales-behaviour-change programmes.
//!
//! A build is a pipeline of stages that take data and return data:
//! `source` (read the folder) → `content` / `teamdata` (parse) → `validate`
//! → `metrics` → `render` → `output` (write). Only `source`, the theme
//! loader and `output` touch the disk; `serve` and `build` share the same
//! pipeline.

pub mod brand;
pub mod cache;
pub mod charts;
pub mod cli;
pub mod config;
pub mod content;
pub mod datahealth;
pub mod diagnostics;
pub mod eject;
pub mod embedded;
pub mod fingerprint;
pub mod frontmatter;
pub mod hash;
pub mod history;
pub mod import;
pub mod locale;
pub mod mailsafe;
pub mod markdown;
pub mod markup;
pub mod memo;
pub mod metrics;
pub mod outdir;
pub mod output;
pub mod pipeline;
pub mod privacy;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod source;
pub mod teamdata;
pub mod theme;
pub mod validate;
pub mod visible;
pub mod week;
pub mod yaml;
