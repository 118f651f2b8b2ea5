# Flagged or not, none of these has a fix that keeps the service's behaviour.
service 'nginx' do
  action :restart
end

service 'stopped' do
  action [:stop, :restart]
end

service 'reloaded' do
  action [:enable, :reload]
end

service 'computed' do
  action node['computed']['actions'] + [:restart]
end

service 'strings' do
  action ['enable', 'restart']
end

service 'fine' do
  action [:enable, :start]
end
