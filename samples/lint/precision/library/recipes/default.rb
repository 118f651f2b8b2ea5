# `template` here is a property of webkit_site, not a template resource: no OPS004 for
# `custom.conf.erb`, which the caller's cookbook provides.
webkit_site 'shop' do
  template 'custom.conf.erb'
  port 8443
end

webkit_proxy do
  template 'proxy.conf.erb'
end

webkit_command 'webkit-gc --expired' do
  action :run
  only_if { ::File.exist?('/var/lib/webkit/expired') }
end
