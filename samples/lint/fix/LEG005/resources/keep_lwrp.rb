actions :create
default_action :create
attribute :path, kind_of: String
