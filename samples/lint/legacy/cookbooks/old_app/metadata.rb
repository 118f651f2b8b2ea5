# OPS005 metadata-missing-fields: no chef_version, no supports.
name 'old_app'
# OPS006 metadata-placeholder: the generator's values.
maintainer 'The Authors'
maintainer_email 'you@example.com'
license 'Apache-2.0'
description 'Installs/Configures old_app'
version '0.1.0'
# LEG011 redundant-metadata: nothing reads it.
long_description 'Installs the old app'
