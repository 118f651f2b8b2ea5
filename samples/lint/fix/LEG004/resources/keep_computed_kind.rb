actions :create
attribute :path, kind_of: path_types
