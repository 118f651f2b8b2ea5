# Which backend is decided at converge time: no run list can say that, so no fix.
include_recipe 'monitoring::agent'
include_recipe "monitoring::#{node['monitoring']['backend']}"
