#
# Cookbook:: fix_leg004
# Provider:: site
#

require 'uri'

use_inline_resources

# Support whyrun
def whyrun_supported?
  true
end

include FixLeg004::Helpers

# Writes the site's configuration.
action :create do
  template new_resource.conf_path do
    source 'site.conf.erb'
    variables(port: new_resource.port, url: site_url)
  end
end

action :delete do
  file new_resource.conf_path do
    action :delete
  end
end

private

# The public address of the site.
def site_url
  URI::HTTP.build(host: new_resource.name, port: new_resource.port).to_s
end

# Heredoc content keeps its indentation (it is part of the value).
def banner
  <<-EOS
# managed by Chef
  keep: this indentation
  EOS
end
