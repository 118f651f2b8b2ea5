# SVC003 duplicate-resource: `package[nginx]` is declared again in old_app::default (which includes this recipe).
package 'nginx' do
  version '1.18.0-0ubuntu1'
end

old_site 'default' do
  port 80
end

old_app_site 'web' do
  port 8080
end

template '/etc/nginx/conf.d/upstream.conf' do
  source 'upstream.conf.erb'
end

bash 'enable site' do
  code 'update-rc.d nginx defaults' # SVC002 hand-rolled-service, OPS001 unguarded-execute
end

# LEG012 user-supports (removed in Chef 13).
user 'old_app' do
  supports manage_home: true
end

# LEG013 application-fatal; LEG016 node-save.
Chef::Application.fatal!('old_app needs a database') unless node['old_app']['db_host']
node.save
