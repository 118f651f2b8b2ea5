# Includes every recipe of the cookbook (INC002), and installs a package too: not a run list,
# so no fix.
include_recipe 'monitoring::agent'
include_recipe 'monitoring::checks'
include_recipe 'monitoring::logs'
include_recipe 'monitoring::dynamic'

package 'collectd'
