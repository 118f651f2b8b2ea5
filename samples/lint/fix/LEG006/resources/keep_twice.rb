unified_mode true
resource_name :keep_twice
resource_name :keep_twice_again if ENV['LEGACY']

property :port, Integer
