# LEG004 lwrp-provider.
use_inline_resources

action :create do
  template "/etc/nginx/sites-enabled/#{new_resource.name}" do
    source 'site.erb'
    variables(port: new_resource.port)
  end
end
