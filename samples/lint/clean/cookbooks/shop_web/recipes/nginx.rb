package 'nginx'

template '/etc/nginx/sites-available/shop' do
  source 'site.conf.erb'
  variables(
    port: node['shop_web']['port'],
    server_name: node['shop_web']['server_name'],
    workers: node['shop_web']['workers']
  )
  notifies :reload, 'service[nginx]', :delayed
end

service 'nginx' do
  action [:enable, :start]
end

# Reading Ohai data is never "undefined" (near-miss for ATTR005).
log "running on #{node['platform']} #{node['platform_version']}"
