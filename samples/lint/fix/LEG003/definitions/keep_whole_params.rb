define :keep_whole_params do
  template '/etc/app.conf' do
    variables(params)
  end
end
