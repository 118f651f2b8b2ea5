define :keep_resources_lookup do
  execute "enable #{params[:name]}" do
    notifies :reload, resources(service: 'nginx')
  end
end
