//! Shortcode parser (stub).
