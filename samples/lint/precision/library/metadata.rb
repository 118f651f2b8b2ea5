name 'webkit'
maintainer 'Webkit Maintainers'
maintainer_email 'webkit@maintainers.example'
license 'Apache-2.0'
# A real description that starts like the generator's: not a placeholder.
description 'Installs/Configures web sites behind a shared TLS proxy'
version '2.1.0'
chef_version '>= 16.0'
source_url 'https://git.example/webkit'
issues_url 'https://git.example/webkit/issues'
supports 'ubuntu'
# Not in the repo and no lock file: fine for a library cookbook (no INC006).
depends 'line'
