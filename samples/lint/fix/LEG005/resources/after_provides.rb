#
# Cookbook:: fix_leg005
# Resource:: after_provides
#

resource_name :fix_leg005_site
provides :fix_leg005_site
provides :app_site

property :port, Integer, default: 80

action :create do
  file "/etc/site-#{new_resource.port}"
end
