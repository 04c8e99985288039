//! The store's integration tests: one binary.

mod support;
#[macro_use]
mod conformance;
mod backends;
mod faults;
mod persistent;
mod postgres_only;
