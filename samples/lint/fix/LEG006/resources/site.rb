unified_mode true
resource_name :fix_leg006_site

property :port, Integer, default: 80

action :create do
  file "/etc/site-#{new_resource.port}"
end
