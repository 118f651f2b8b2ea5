action :run do
  execute new_resource.command
end
