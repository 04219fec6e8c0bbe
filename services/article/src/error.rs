//! Limits on what the cleaner accepts and the one error it returns.

/// Bounds that keep hostile or broken input from costing unbounded time or
/// memory. Defaults suit real pages (the benchmark's largest is 1.5 MB).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Larger inputs are refused with [`CleanError::TooLarge`].
    pub max_input_bytes: usize,
    /// Markup with more tags than this is cut at the tag that crosses it and
    /// the rest is ignored (flag [`crate::Flag::Truncated`]).
    pub max_nodes: usize,
    /// Elements nested deeper than this are skipped with their content
    /// (flag [`crate::Flag::TooDeep`]); real pages stay far below it.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 16 * 1024 * 1024,
            max_nodes: 500_000,
            max_depth: 256,
        }
    }
}

/// Why an input could not be cleaned at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CleanError {
    #[error("input is {size} bytes, over the cleaner's limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
}
