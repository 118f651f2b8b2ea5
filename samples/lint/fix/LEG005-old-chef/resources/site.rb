provides :old_chef_site
property :path, String
action :create do
  file new_resource.path
end
