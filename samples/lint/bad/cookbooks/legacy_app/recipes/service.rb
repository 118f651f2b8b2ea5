directory node['legacy_app']['log_dir'] do
  owner node['legacy_app']['user']
end

service 'legacy' do
  action [:enable, :start]
  only_if { node['legacy_app']['features']['legacy_mode'] || node['legacy_app']['workers'] > 0 }
end
