template '/etc/shop/app.conf' do
  source 'app.conf.erb'
  mode '0644'
end
