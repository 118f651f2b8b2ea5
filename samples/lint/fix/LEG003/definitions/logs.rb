define :app_log do
  directory "/var/log/#{params[:name]}"
end
