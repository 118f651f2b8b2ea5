actions :write
attribute :path, kind_of: String
