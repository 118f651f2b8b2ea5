package 'nginx' do
  action :install

service 'nginx' do
  action [:enable, :start]
end
