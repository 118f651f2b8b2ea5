actions :run
default_action :run
attribute :command, kind_of: String
