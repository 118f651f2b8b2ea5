//! The template folders are embedded with `include_dir!`, which cargo does not track: rebuild
//! whenever a template changes.

fn main() {
    for dir in ["cookbook-templates", "packer-templates", "aws-templates"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
