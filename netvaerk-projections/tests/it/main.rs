//! The projections' integration tests: one binary.

mod properties;
mod scenarios;
mod snapshots;
mod support;
