node.normal['db']['engine'] = :postgres
node.default['db']['port'] = 5432

service 'postgresql' do
  action [:enable, :start]
end
