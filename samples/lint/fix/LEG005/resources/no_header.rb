property :user, String
action :run do
  user new_resource.user
end
