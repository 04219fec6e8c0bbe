//! Everything around the model rather than in the service: reading CoNLL
//! files, training the tagger, scoring it (conlleval semantics), measuring
//! the linker, and the `train` / `eval` / `annotate` subcommands of
//! `main.rs`. The benches and tests use it too.
//!
//! The core (tokenizer, tagger, rules, linker, registry, gRPC) never imports
//! this module: a served request runs none of it.

pub mod annotate;
pub mod commands;
pub mod conll;
pub mod eval;
pub mod linking;
pub mod quote_eval;
pub mod screen_eval;
pub mod screen_pad;
pub mod train;

pub use commands::{
    AnnotateArgs, EvalArgs, QuotesArgs, ScreenArgs, TrainArgs, run_annotate, run_eval, run_quotes,
    run_screen, run_train,
};
