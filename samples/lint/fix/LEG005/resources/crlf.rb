provides :crlf_site
property :name, String

action :create do
  log new_resource.name
end
