unified_mode true
resource_name :keep_string

property :port, Integer

action :create do
  log new_resource.send(:resource_name).to_s
end
