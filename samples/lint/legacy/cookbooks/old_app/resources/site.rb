# The LWRP half of providers/site.rb (LEG004).
actions :create
default_action :create
attribute :port, kind_of: Integer, default: 80
