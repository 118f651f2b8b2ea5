define :keep_yield do
  yield if block_given?
end
