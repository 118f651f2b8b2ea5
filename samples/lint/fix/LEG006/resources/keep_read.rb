unified_mode true
resource_name :keep_read

property :port, Integer

action :create do
  log "#{resource_name} on #{new_resource.port}"
end
