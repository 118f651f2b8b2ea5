define :keep_reserved do
  service params[:name] do
    action params[:action]
  end
end
