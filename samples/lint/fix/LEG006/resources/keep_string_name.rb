unified_mode true
resource_name 'keep_string_name'

property :port, Integer
