#
# Cookbook:: fix_leg004
# Resource:: site
#

actions :create, :delete

attribute :name, :kind_of => String, :name_attribute => true
attribute :port, kind_of: Integer, default: 80
attribute :mode, kind_of: String, equal_to: %w(http https), required: true
attribute :aliases, kind_of: [Array, String], default: []
attribute :enabled, kind_of: [TrueClass, FalseClass], default: true
attribute :owner

def initialize(*args)
  super
  @action = :create
end

def conf_path
  "/etc/site/#{name}.conf"
end
