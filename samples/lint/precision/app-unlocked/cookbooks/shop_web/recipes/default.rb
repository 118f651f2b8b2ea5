include_recipe 'nginx'

%w(shop-api shop-worker).each do |name|
  # A lookup with a computed name still reaches into another cookbook's resources.
  resources("package[#{name}]").instance_exec do # flag: LEG007
    version '2.0.1'
  end
end

# Naming another cookbook's resource as a notification target changes nothing in it.
template '/etc/nginx/conf.d/shop.conf' do
  source 'shop.conf.erb'
  notifies :reload, resources(service: 'nginx')
end

file '/etc/shop/legacy.conf' do
  action :delete
  subscribes :delete, resources('template[/etc/nginx/conf.d/shop.conf]')
end

units = %w(shop-ui)
units.each do |u|
  service u do
    action :enable
  end
end
# A lookup of its own resource with a computed name: the cookbook declares services by
# computed name too.
resources("service[#{units.first}]").action(:start)
