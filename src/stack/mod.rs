//! `stack.yml`: the model, loading with source positions, validation and the JSON Schema.

mod load;
pub mod model;
pub mod schema;
pub mod validate;

pub use load::{
    display_name, load_bytes, load_file, load_str, read_input, StackError, MAX_STACK_BYTES,
    STDIN_NAME,
};
pub use model::*;
