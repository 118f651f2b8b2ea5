#
# Cookbook:: web
# Recipe:: default
#

node.default['web']['worker_processes'] = 4
node.override[:web][:gzip] = true # compress everything
node.default['web']['modules'] = %w(ssl rewrite)
node.default['web']['limits'] = {
  'nofile' => 65_536,
  'nproc' => nil,
}

# Set by attributes/default.rb too: stays.
node.default['web']['port'] = 8080
# Set again below in a conditional: stays.
node.default['web']['service'] = 'apache2'

# Read before it is set: stays.
log "backlog was #{node['web']['backlog'].inspect}"
node.default['web']['backlog'] = 511

# Computed: stays in the recipe.
node.default['web']['url'] = "https://#{node['fqdn']}"

if node['platform'] == 'ubuntu'
  node.default['web']['service'] = 'nginx'
end

package 'nginx'
