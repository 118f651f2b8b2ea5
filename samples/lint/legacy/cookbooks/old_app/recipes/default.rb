include_recipe 'old_app::web'

# LEG001 node-set (removed in Chef 14).
node.set['old_app']['installed'] = true
# LEG002 node-normal.
node.normal['old_app']['last_deploy'] = 'today'

package 'nginx'

execute 'tar xzf /tmp/old_app.tgz -C /opt' # OPS001 unguarded-execute

template '/etc/systemd/system/old_app.service' do # SVC002 hand-rolled-service
  source 'old_app.service.erb'
  variables(
    db_host: node['old_app']['db_host'],
    db_password: node['old_app']['db_password'],
    bind: node['old_app']['bind'],
    peer: node['old_app']['example_peer'],
    cache: node['old_app']['cache_host']
  )
end

execute 'systemctl daemon-reload' do # not SVC002: the reload the hand-written unit above is notified to
  action :nothing
end

service 'old_app' do
  provider Chef::Provider::Service::Upstart # LEG008 forced-provider
  action [:enable, :restart] # SVC001 restart-on-every-run
end

# LEG007 resources-lookup: mutating another cookbook's resource.
resources('service[apache2]').action(:nothing)

old_app_config '/etc/old_app.yml' do
  api_token 'tok_live_8d7f6e5a4b3c' # OPS003 secret-literal
end

template '/etc/old_app/extra.conf' do
  source 'extra.conf.erb' # OPS004 template-source-missing
end
