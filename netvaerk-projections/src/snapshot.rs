//! The folds' part of a snapshot: the state the rules decide on and the read models, as
//! MessagePack (the facade's `snapshot` module adds the header that ties them to the log).

use netvaerk_core::State;

use crate::All;

/// The shape of a snapshot and of the folds that made it. Bump it whenever a fold (`evolve`
/// in the core, a read model's `fold` here) or a type a snapshot holds changes: a snapshot of
/// another format is ignored and folded afresh. The test `snapshot_fixture` compares the
/// snapshot of a fixed history with the fixture committed for this format
/// (`tests/fixtures/snapshot-v{SNAPSHOT_FORMAT}.msgpack`), so such a change fails it until
/// the format is bumped.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// The state and the read models as a snapshot's body: MessagePack, structs as maps of their
/// field names (not arrays: a field the serde attributes skip when it holds its default, as
/// the policy's do, would shift every field after it).
pub fn encode_folds(state: &State, all: &All) -> Vec<u8> {
    // Plain data (maps, sequences, strings, integers): MessagePack has no way to fail on it,
    // and an empty body would only be rejected when read.
    rmp_serde::to_vec_named(&(state, all)).unwrap_or_default()
}

/// The state and the read models back from a snapshot's body; `None` when the bytes are not
/// one. Never panics, whatever the bytes.
pub fn decode_folds(bytes: &[u8]) -> Option<(State, All)> {
    rmp_serde::from_slice(bytes).ok()
}
