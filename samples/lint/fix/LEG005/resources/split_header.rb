#
# Copyright:: 2024, Example Ops
#

#     http://www.apache.org/licenses/LICENSE-2.0

# Licensed under the Apache License.

property :path, String
action :create do
  file new_resource.path
end
