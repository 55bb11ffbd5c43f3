//! The renderers, each over one report that holds every kind of result and over an empty one.

#![allow(clippy::unwrap_used)]

mod fixtures;

mod github;
mod json;
mod junit;
mod list;
mod sarif;
mod summary;
mod text;
