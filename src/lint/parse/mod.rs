//! Stage 2, parse: text → facts. Takes one file's bytes; gives its [`facts::Facts`] (calls,
//! resources, attribute reads and writes, includes, guards, literals with spans) and its
//! suppression comments. One walk over prism's tree per Ruby file (ERB: over the Ruby of its
//! tags); nothing here knows about other files or cookbooks.

pub mod erb;
pub mod facts;
pub mod ruby;
pub mod scan;
pub mod suppress;
pub mod swar;
