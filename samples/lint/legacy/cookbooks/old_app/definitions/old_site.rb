# LEG003 definition.
define :old_site, port: 80 do
  template "/etc/nginx/sites-enabled/#{params[:name]}" do
    source 'site.erb'
    variables(port: params[:port])
  end
end
