unified_mode true

property :name, String, name_property: true

action :restart do
  service new_resource.name do
    action [:enable, :restart]
  end
end
