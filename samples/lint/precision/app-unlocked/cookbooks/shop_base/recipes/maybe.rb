# An include under a condition is logic a run list cannot express: not include-only.
include_recipe 'shop_base::checks' if platform_family?('debian')
include_recipe 'shop_base::users'
