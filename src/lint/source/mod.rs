//! Stage 1, source: which files to lint. Takes the lint paths; gives the files under them
//! (honouring `.gitignore` and `chefignore`), each as (path on disk, display path), the walk's
//! errors, and the [`context::Scope`] (folders, files) the user asked about.

pub mod context;
pub mod walk;
