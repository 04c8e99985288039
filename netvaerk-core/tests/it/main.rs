//! The core's integration tests: one binary, a module per concern.

mod authority;
mod fixtures;
mod properties;
mod rules;
mod rules_document;
mod support;
