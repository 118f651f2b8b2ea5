provides :keep_unified
unified_mode true

property :path, String
action :create do
  file new_resource.path
end
