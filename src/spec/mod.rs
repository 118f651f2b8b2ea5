//! `stack.yml`: the model, loading with source positions, validation and the JSON Schema.

mod load;
pub mod model;
pub mod schema;
pub mod validate;

pub use load::{load_file, load_str, SpecError};
pub use model::*;
