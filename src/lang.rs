//! The language of the environment, for the program and the server; the language itself
//! ([`Lang`]) and its glossary are the core's.

use crate::Lang;

/// The language of the environment: `NETVAERK_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`,
/// `LANG`; `da_DK.UTF-8` is Danish), else English. A value that names neither language is
/// passed over.
pub fn lang_from_env() -> Lang {
    ["NETVAERK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .and_then(|value| value.parse().ok())
        .unwrap_or_default()
}
