unified_mode true
resource_name(:fix_leg006_parens) # the name recipes use

property :port, Integer
action :create do
  log new_resource.port.to_s
end
