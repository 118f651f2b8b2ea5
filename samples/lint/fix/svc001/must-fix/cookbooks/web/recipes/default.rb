service 'nginx' do
  action [:enable, :restart]
end

service 'redis' do
  supports status: true
  action [:enable, :start, :restart]
end

service 'memcached' do
  action %i[start restart]
end

systemd_unit 'app.service' do
  content 'unit'
  action [:create, :enable, :restart]
end

service 'haproxy' do
  action [:start, :reload]
end

service 'postfix' do
  action [
    :restart,
    :enable,
  ]
end
