# frozen_string_literal: true
#
# Copyright:: 2024, Example Ops
#

# The directory the app is installed to.
property :path, String, name_property: true

action :install do
  directory new_resource.path
end
