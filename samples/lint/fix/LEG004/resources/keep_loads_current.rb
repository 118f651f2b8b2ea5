actions :create
attribute :path, kind_of: String
