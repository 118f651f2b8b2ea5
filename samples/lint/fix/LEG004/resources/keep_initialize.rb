actions :create
attribute :path, kind_of: String

def initialize(name, run_context = nil)
  super
  @action = :create
  @path = name
end
