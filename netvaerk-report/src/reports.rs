//! The reports, one file each: a function from the read models to the report's content (the
//! read model's JSON, or its sections), before any format. `lib.rs`'s `document` picks one by
//! [`Report`](crate::Report); the lists are `list.rs`.

pub(crate) mod audit;
pub(crate) mod competence;
pub(crate) mod forecast;
pub(crate) mod halfyear;
pub(crate) mod leaders;
pub(crate) mod overview;
pub(crate) mod portfolio;
pub(crate) mod round;
