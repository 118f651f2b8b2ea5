unified_mode true
provides :webkit_site

use '_partial/_common'
use 'partial/_tls'

property :template, String, default: 'site.conf.erb'
property :port, Integer, default: 443

action :create do
  return if ::File.exist?("/etc/webkit/#{new_resource.name}.frozen")

  execute "webkit-init #{new_resource.name}" do
    creates "/etc/webkit/#{new_resource.name}.conf"
  end

  # After the early return above, every command here has been checked first.
  execute "webkit-index #{new_resource.name}"
end

action :enable do
  if ::File.exist?('/usr/sbin/webkit-legacy')
    execute 'webkit-legacy --migrate'
  end

  unless shell_out('webkit-ctl status').stdout.include?(new_resource.name)
    execute "webkit-ctl add #{new_resource.name}"
  end

  execute "webkit-ctl enable #{new_resource.name}" do
    command "webkit-ctl enable #{new_resource.name}"
  end unless ::File.exist?("/etc/webkit/enabled/#{new_resource.name}")

  execute 'webkit-notify' do
    action :nothing
  end

  converge_if_changed :port do
    execute "webkit-ctl port #{new_resource.port}"
  end

  begin
    webkit_check
  rescue StandardError
    execute 'webkit-ctl repair'
  end

  # A condition on the platform is not a guard: this still runs on every converge.
  execute 'webkit-ctl refresh' if platform_family?('debian') # flag: OPS001
  # Nor is a property of the resource.
  if new_resource.port == 443
    execute 'webkit-ctl tls on' # flag: OPS001
  end

  install_module if installed?('webkit-modules')
  repair_permissions
end

action_class do
  # Only called after `installed?` said so: guarded by its caller.
  def install_module
    execute 'webkit-module install'
  end

  # Called with no guard from :enable, a convergent action.
  def repair_permissions
    execute "chown -R #{new_resource.owner} /srv/webkit" # flag: OPS001
  end

  def installed?(name)
    shell_out("dpkg -s #{name}").exitstatus.zero?
  end

  def webkit_check
    shell_out!('webkit-ctl check')
  end
end
