//! Helpers shared by the Packer and CI script tests.
#![allow(dead_code)]

use std::path::Path;

use stackchef::generate;
use stackchef::plan::PlannedFile;
use stackchef::plan::Target;
use stackchef::stack::Stack;
use stackchef::templates::Templates;

use crate::support;

/// Render `targets` for `stack` with the built-in templates.
pub fn generated(stack: &Stack, targets: &[Target]) -> Vec<PlannedFile> {
    let templates = Templates::load(None).unwrap();
    let plan = generate::plan(stack, targets, &templates).unwrap();
    plan.files().cloned().collect()
}

/// Every sample stack, loaded: `(sample name, stack)`.
pub fn samples() -> Vec<(String, Stack)> {
    support::sample_stacks()
        .into_iter()
        .map(|(name, path)| (name, support::load_sample(&path)))
        .collect()
}

/// Write planned files under `root` as the writer would (executables with mode 0755).
pub fn write_files(root: &Path, files: &[PlannedFile]) {
    for file in files {
        let dest = root.join(&file.path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(&dest, &file.contents).unwrap();
        if file.executable {
            set_executable(&dest);
        }
    }
}

pub fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
