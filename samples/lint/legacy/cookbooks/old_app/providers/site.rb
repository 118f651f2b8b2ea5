# LEG004 lwrp-provider; LEG009 use-inline-resources; LEG010 whyrun-supported.
use_inline_resources

def whyrun_supported?
  true
end

action :create do
  template "/etc/nginx/sites-enabled/#{new_resource.name}" do
    source 'site.erb'
    variables(port: new_resource.port)
  end
end
