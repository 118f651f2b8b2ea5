# unified_mode only where the client knows it: the file chose, the fix must not add another.
unified_mode true if respond_to?(:unified_mode)
provides :keep_conditional

property :path, String

action :create do
  file new_resource.path
end
