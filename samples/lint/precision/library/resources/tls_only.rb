# Every property comes from the partial: still a custom resource, still needs unified mode.
provides :webkit_tls # flag: LEG005
use 'partial/_tls'

action :create do
  file new_resource.key_path do
    mode '0600'
  end
end
