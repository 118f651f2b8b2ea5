# frozen_string_literal: true
# The path to manage.
property :path, String
action :create do
  file new_resource.path
end
