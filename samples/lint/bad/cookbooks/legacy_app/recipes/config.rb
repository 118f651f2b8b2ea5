# ATTR007 recipe-sets-attribute: global state written during the run.
node.default['legacy_app']['config_path'] = "#{node['legacy_app']['home']}/app.conf"

template node['legacy_app']['config_path'] do
  source 'app.conf.erb'
  owner node['legacy_app']['user']
  mode '0640'
  variables(
    # ATTR005 undefined-attribute: a typo, defined nowhere.
    db_hostname: node['legacy_app']['db']['hostname'],
    db: node['legacy_app']['db'],
    cache: node['legacy_app']['cache']
  )
end
