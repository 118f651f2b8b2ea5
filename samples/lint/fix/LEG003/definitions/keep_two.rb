define :keep_two_a do
  log params[:name]
end

define :keep_two_b do
  log params[:name]
end
