# Used by the base role, and included by base::security: the migration rewrites the role
# but keeps this recipe.
include_recipe 'base::ssh'
include_recipe 'base::packages'
