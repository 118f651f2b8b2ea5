def load_current_resource
  @current_resource = Chef::Resource::FixLeg004KeepLoadsCurrent.new(new_resource.name)
end

action :create do
  file new_resource.path
end
