execute 'apt-get update' if platform_family?('debian') # flag: OPS001
include_recipe 'shop_base::users'
