action :create do
  file new_resource.path
end
