template '/etc/logrotate.d/legacy' do
  source 'logrotate.erb'
  variables(settings: node['legacy_app']['logrotate'])
end
