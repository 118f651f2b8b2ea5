# INC002 default-includes-all: a role cookbook pulling in many other cookbooks.
include_recipe 'ntp::default'
include_recipe 'legacy_app::install'
include_recipe 'legacy_app::service'
include_recipe 'shop_nginx'
include_recipe 'search::default'
# INC005 include-missing-depends: `users` is not in metadata.rb.
include_recipe 'users::sysadmins'
# INC009 include-unknown-recipe: legacy_app has no `pakages` recipe.
include_recipe 'legacy_app::pakages'

# INC008 dynamic-include: which recipes run depends on an attribute.
node['role_web']['extras'].each do |extra|
  include_recipe "role_web::#{extra}"
end

# SVC003 duplicate-resource: search::default, included above, already installs Java.
package 'openjdk-17-jre-headless'
