# INC001 include-only-recipe and INC002 default-includes-all: the default recipe is a list
# of includes of (nearly) every recipe in the cookbook.
include_recipe 'legacy_app::install'
include_recipe 'legacy_app::config'
include_recipe 'legacy_app::service'
include_recipe 'legacy_app::logrotate'
