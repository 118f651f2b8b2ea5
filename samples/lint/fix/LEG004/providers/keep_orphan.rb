action :create do
  log 'no resource file'
end
