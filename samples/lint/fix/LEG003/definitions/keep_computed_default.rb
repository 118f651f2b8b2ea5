define :keep_computed_default, path: File.join('/srv', 'app') do
  directory params[:path]
end
