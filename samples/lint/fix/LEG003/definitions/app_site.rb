#
# Cookbook:: fix_leg003
# Definition:: app_site
#

# A site served by nginx.
define :app_site, :port => 80, enable: true, aliases: %w(www) do
  template "/etc/nginx/sites-available/#{params[:name]}" do
    source 'site.erb'
    owner params[:owner] || 'root'
    variables(port: params[:port], aliases: params[:aliases])
  end

  if params[:enable]
    link "/etc/nginx/sites-enabled/#{params[:name]}" do
      to "/etc/nginx/sites-available/#{params[:name]}"
    end
  end
end
