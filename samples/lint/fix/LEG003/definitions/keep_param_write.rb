define :keep_param_write do
  params[:mode] ||= '0644'
  file params[:name] do
    mode params[:mode]
  end
end
