include_recipe 'base::packages'
include_recipe '::users'
