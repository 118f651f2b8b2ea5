group node['legacy_app']['group']

user node['legacy_app']['user'] do
  group node['legacy_app']['group']
  home node['legacy_app']['home']
  manage_home false
end

remote_file "/tmp/legacy-#{node['legacy_app']['version']}.tar.gz" do
  source "https://artifacts.shop.example/legacy/#{node['legacy_app']['version']}.tar.gz"
  checksum node['legacy_app']['checksum']
end
