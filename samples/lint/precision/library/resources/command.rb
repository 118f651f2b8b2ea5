unified_mode true
provides :webkit_command

use '_partial/_common'

property :command, String, name_property: true

# The whole purpose of this resource is to run a command: its caller guards it.
action :run do
  execute new_resource.command do
    user new_resource.owner
  end
end

action :cleanup do
  execute 'webkit-gc --all'
end
