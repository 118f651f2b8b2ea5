//! Linting named files in their context. A pre-commit hook passes the changed files one by one
//! (`stackchef lint cookbooks/app/recipes/default.rb`); on its own such a file has no cookbook
//! (no `metadata.rb` beside it), no attributes, no roles, so most rules cannot judge it — a file
//! linted that way used to report nothing at all. Each named file is therefore linted inside
//! the repo it belongs to, found upward from it, and only its own findings are reported.

use std::path::{Path, PathBuf};

/// What to walk, and which findings to keep.
#[derive(Debug, Default)]
pub struct Scope {
    /// The folders to walk: the folders given, and the context of each file given.
    pub roots: Vec<PathBuf>,
    /// The display paths of the files given (as the walk of their context shows them), when
    /// any file was given: findings elsewhere in a context are not reported. Folders given
    /// keep all their findings (their display paths, as prefixes, in `folders`).
    pub files: Vec<String>,
    pub folders: Vec<String>,
}

impl Scope {
    /// Whether a finding at display path `path` belongs to what the user asked for.
    pub fn keeps(&self, path: &str) -> bool {
        if self.files.is_empty() {
            return true;
        }
        self.files.iter().any(|f| f == path)
            || self.folders.iter().any(|d| {
                d.is_empty()
                    || path
                        .strip_prefix(d.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
    }
}

/// Split lint paths into folders and files; each file is replaced by its context folder.
pub fn scope(paths: &[PathBuf]) -> Scope {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut scope = Scope::default();
    for path in paths {
        if !path.is_file() {
            scope.folders.push(super::walk::display_base(path, &cwd));
            scope.roots.push(path.clone());
            continue;
        }
        let Ok(file) = std::fs::canonicalize(path) else {
            scope.roots.push(path.clone());
            continue;
        };
        let root = context_of(&file);
        let base = super::walk::display_base(&root, &cwd);
        let rel = file.strip_prefix(&root).unwrap_or(&file);
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        scope.files.push(super::walk::join(&base, &rel.join("/")));
        scope.roots.push(root);
    }
    scope.roots.sort();
    scope.roots.dedup();
    // A context that is also below or above another root would be walked twice: the walk
    // dedups files by path on disk, so this only costs time.
    scope
}

/// The folder to lint a file in: the chef repo around its cookbook (the folder above the
/// `cookbooks/` or `site-cookbooks/` folder holding it), else its cookbook (the nearest folder
/// with a `metadata.rb` or `metadata.json`: a cookbook kept as a repository of its own), else
/// the repository it is in (the nearest folder above it with a `.git`: a role or Policyfile),
/// else its own folder.
fn context_of(file: &Path) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new("/"));
    let cookbook = dir
        .ancestors()
        .find(|d| d.join("metadata.rb").is_file() || d.join("metadata.json").is_file());
    if let Some(cookbook) = cookbook {
        let parent = cookbook.parent();
        let in_repo = parent
            .and_then(Path::file_name)
            .is_some_and(|n| n == "cookbooks" || n == "site-cookbooks");
        return match (in_repo, parent.and_then(Path::parent)) {
            (true, Some(repo)) => repo.to_path_buf(),
            _ => cookbook.to_path_buf(),
        };
    }
    match dir.ancestors().find(|d| d.join(".git").exists()) {
        Some(repo) => repo.to_path_buf(),
        None => dir.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "").unwrap();
    }

    #[test]
    fn a_file_is_linted_in_its_repo_cookbook_or_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        touch(&root, "repo/.git/HEAD");
        touch(&root, "repo/cookbooks/app/metadata.rb");
        touch(&root, "repo/cookbooks/app/recipes/default.rb");
        touch(&root, "chef/site-cookbooks/db/metadata.json");
        touch(&root, "chef/site-cookbooks/db/recipes/default.rb");
        touch(&root, "lone/metadata.rb");
        touch(&root, "lone/recipes/default.rb");
        touch(&root, "loose/x.rb");
        touch(&root, "repo/roles/web.rb");
        let case = |file: &str| context_of(&root.join(file));
        assert_eq!(
            case("repo/cookbooks/app/recipes/default.rb"),
            root.join("repo")
        );
        assert_eq!(
            case("chef/site-cookbooks/db/recipes/default.rb"),
            root.join("chef")
        );
        assert_eq!(case("lone/recipes/default.rb"), root.join("lone"));
        assert_eq!(case("loose/x.rb"), root.join("loose"));
        assert_eq!(case("repo/roles/web.rb"), root.join("repo"));
    }

    #[test]
    fn only_the_named_files_keep_their_findings() {
        let scope = Scope {
            roots: vec![],
            files: vec!["cookbooks/app/recipes/default.rb".into()],
            folders: vec!["other".into()],
        };
        assert!(scope.keeps("cookbooks/app/recipes/default.rb"));
        assert!(!scope.keeps("cookbooks/app/attributes/default.rb"));
        assert!(scope.keeps("other/cookbooks/x/recipes/a.rb"));
        assert!(!scope.keeps("otherwise/a.rb"));
        assert!(Scope::default().keeps("anything"));
    }
}
