service 'shop-app' do
  action [:enable, :start]
end
