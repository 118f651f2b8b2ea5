action :write do
  paths = run_context.resource_collection.select { |r| r.is_a?(Chef::Resource::File) }.map(&:path)
  file new_resource.path do
    content paths.join("\n")
  end
end
