# LEG005 missing-unified-mode and LEG006 resource-name-without-provides.
resource_name :old_app_config

property :path, String, name_property: true
property :api_token, String, sensitive: true

action :create do
  file new_resource.path do
    content "token: #{new_resource.api_token}\n"
    mode '0600'
    sensitive true
  end
end
